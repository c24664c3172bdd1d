package dev.clbguard.admission;

import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.ResourceKind;

/**
 * A decoded admission request: the uid to echo, the kind and operation the request names (null when it is of a
 * kind clbguard does not judge), and the review for the engine, or null when there is nothing to judge.
 * {@code undecodable} explains an object that could not be read; the kind still says what it was, for metrics.
 */
public record IncomingReview(String uid, ResourceKind kind, Operation operation, ObjectReview review, String undecodable) {

    static IncomingReview notOurs(String uid) {
        return new IncomingReview(uid, null, null, null, null);
    }

    static IncomingReview judged(String uid, ObjectReview review) {
        return new IncomingReview(uid, review.kind(), review.operation(), review, null);
    }
}
