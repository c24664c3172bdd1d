package dev.clbguard.policy;

/**
 * Where a review comes from. The phase decides what can be known about the object: the mutating call has no
 * uid and no allocated clusterIP yet, offline manifests have neither, the validating call and the audit have both.
 */
public enum Phase {
    MUTATE, VALIDATE, OFFLINE, AUDIT;

    /** Whether the object carries the server-assigned uid (ownership checks need it). */
    public boolean hasServerFields() {
        return this == VALIDATE || this == AUDIT;
    }
}
