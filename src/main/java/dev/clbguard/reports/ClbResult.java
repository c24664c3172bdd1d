package dev.clbguard.reports;

import java.util.Objects;

/**
 * A finding about a CLB rather than an object: {@code kind} is what was found ({@link #LEAKED_CLB},
 * {@link #STALE_OWNER_TAG}, …), {@code code} TKE's error code when there is one, else null. Without a
 * {@code namespace} it goes to the cluster-wide report; with one (and the object's kind and name), to that
 * namespace's report, about that object.
 */
public record ClbResult(String kind, String clbId, String namespace, String objectKind, String objectName,
        Outcome result, String message, String code) {

    public static final String STALE_OWNER_TAG = "stale-owner-tag";
    public static final String LEAKED_CLB = "leaked-clb";
    public static final String UNOWNED_CLB = "unowned-clb";
    public static final String NOT_CONVERGED = "not-converged";

    public ClbResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(clbId, "clbId");
        Objects.requireNonNull(result, "result");
        if (namespace != null && (objectKind == null || objectName == null)) {
            throw new IllegalArgumentException("a namespaced CLB result names its object's kind and name");
        }
    }

    /** A cluster-level failure: the usual shape of a sweep finding. */
    public static ClbResult cluster(String kind, String clbId, String message, String code) {
        return new ClbResult(kind, clbId, null, null, null, Outcome.FAIL, message, code);
    }
}
