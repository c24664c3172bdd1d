package dev.clbguard.policy;

/**
 * Where a review comes from, which decides what can be known about the object: the mutating call has no uid
 * and no allocated clusterIP yet, a manifest has neither, the validating call and the audit have both.
 */
public enum Origin {
    /** The mutating admission call; the offline validator replays it on each manifest before judging it. */
    MUTATING_CALL,
    VALIDATING_CALL,
    /** A manifest judged offline, before it reaches a cluster. */
    MANIFEST,
    /** A stored object, judged again by the background audit. */
    AUDIT;

    /** Mutating policies run on the mutating call only, the others everywhere else. */
    public boolean mutating() {
        return this == MUTATING_CALL;
    }
}
