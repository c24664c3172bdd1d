package dev.clbguard.facts;

import java.util.Set;

/** Tencent Cloud API error codes clbguard reacts to. */
public final class CloudCodes {

    public static final String REQUEST_LIMIT_EXCEEDED = "RequestLimitExceeded";
    public static final String RESOURCE_IN_OPERATING = "FailedOperation.ResourceInOperating";
    public static final String LB_NOT_FOUND = "InvalidParameter.LBIdNotFound";
    public static final String SIGNATURE_FAILURE = "AuthFailure.SignatureFailure";
    public static final String SIGNATURE_EXPIRE = "AuthFailure.SignatureExpire";
    public static final String INTERNAL_ERROR = "InternalError";
    /** The SDK's code for a call that got no answer (no code from the API): the network, TLS, a timeout. */
    public static final String CLIENT_SIDE_ERROR = "ClientSideError";

    private static final Set<String> RETRIED = Set.of(REQUEST_LIMIT_EXCEEDED, RESOURCE_IN_OPERATING);

    private CloudCodes() {
    }

    /** Codes the reconciler backs off and tries again on (the admission path only within its budget). */
    public static boolean retriedOnReconcile(String code) {
        return RETRIED.contains(code);
    }

    /** Worth another try later: the above, plus server-side and network failures. */
    public static boolean retryable(String code) {
        return RETRIED.contains(code) || code.equals(INTERNAL_ERROR) || code.startsWith(CLIENT_SIDE_ERROR)
                || code.equals("ResourceUnavailable");
    }
}
