package dev.clbguard.admission;

import dev.clbguard.policy.ObjectReview;

/**
 * A decoded admission request: the uid to echo, and the review for the engine, or null when the object is
 * of a kind clbguard does not judge. {@code undecodable} explains an object that could not be read.
 */
public record IncomingReview(String uid, ObjectReview review, String undecodable) {
}
