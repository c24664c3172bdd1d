package dev.clbguard.facts;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

import javax.net.ssl.SSLException;

/**
 * Why a Tencent Cloud call failed, in a word: the {@code cause} label of {@code clbguard_cloud_failures_total}, which
 * the shipped alerts read, and the start of what a denial or warning says instead of "the API answered
 * ClientSideError" (no API answered). Each cause says what to do about it.
 */
public enum CloudCause {
    UNKNOWN_HOST("unknown-host"),
    CONNECTION_REFUSED("connection-refused"),
    NO_ROUTE("no-route"),
    TIMEOUT("timeout"),
    TLS("tls"),
    CREDENTIALS("credentials"),
    CLOCK_SKEW("clock-skew"),
    NOT_AUTHORIZED("not-authorized"),
    RATE_LIMITED("rate-limited"),
    SERVER_ERROR("server-error"),
    API_ERROR("api-error"),
    CLIENT_ERROR("client-error");

    private final String label;

    CloudCause(String label) {
        this.label = label;
    }

    /** The metric label. */
    public String label() {
        return label;
    }

    /** A failure on the way to the API (nothing answered): DNS, routing, TLS, a timeout. */
    public boolean network() {
        return this == UNKNOWN_HOST || this == CONNECTION_REFUSED || this == NO_ROUTE || this == TIMEOUT || this == TLS;
    }

    /** The cause of an API error code ("AuthFailure.SecretIdNotFound", "RequestLimitExceeded.UserLimit", …). */
    static CloudCause ofCode(String code) {
        if (code.startsWith("RequestLimitExceeded")) {
            return RATE_LIMITED;
        }
        if (code.equals(CloudCodes.SIGNATURE_EXPIRE)) {
            return CLOCK_SKEW;
        }
        if (code.startsWith("UnauthorizedOperation") || code.equals("AuthFailure.UnauthorizedOperation")) {
            return NOT_AUTHORIZED;
        }
        if (code.startsWith("AuthFailure")) {
            return CREDENTIALS;
        }
        if (code.startsWith(CloudCodes.INTERNAL_ERROR) || code.startsWith("ResourceUnavailable")
                || code.startsWith("ServiceUnavailable")) {
            return SERVER_ERROR;
        }
        return code.startsWith(CloudCodes.CLIENT_SIDE_ERROR) ? CLIENT_ERROR : API_ERROR;
    }

    /** The cause of a call that got no answer, from the exception the HTTP client threw (anywhere in the chain). */
    static CloudCause ofTransport(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return UNKNOWN_HOST;
            }
            if (t instanceof NoRouteToHostException || String.valueOf(t.getMessage()).contains("Network is unreachable")) {
                return NO_ROUTE;
            }
            if (t instanceof ConnectException) {
                return String.valueOf(t.getMessage()).contains("timed out") ? TIMEOUT : CONNECTION_REFUSED;
            }
            if (t instanceof SSLException) {
                return TLS;
            }
            if (t instanceof InterruptedIOException) { // SocketTimeoutException, and OkHttp's call timeout
                return TIMEOUT;
            }
        }
        return CLIENT_ERROR;
    }

    /** What happened, briefly; {@code api} is "CLB API" or "Tag API", {@code code} the API's error code or null. */
    String describe(String api, String host, String action, String code) {
        return switch (this) {
            case UNKNOWN_HOST -> api + " unreachable: unknown host " + host;
            case CONNECTION_REFUSED -> api + " unreachable: " + host + " refused the connection";
            case NO_ROUTE -> api + " unreachable: no route to " + host;
            case TIMEOUT -> api + " did not answer in time (" + host + ")";
            case TLS -> api + " unreachable: the TLS handshake with " + host + " failed";
            case CREDENTIALS -> api + " refused the credentials [" + code + "]";
            case CLOCK_SKEW -> api + " refused the request as signed too long ago or ahead [" + code + "]";
            case NOT_AUTHORIZED -> api + " refused " + action + ": the CAM policy does not allow it [" + code + "]";
            case RATE_LIMITED -> api + " rate limit reached [" + code + "]";
            case SERVER_ERROR -> api + " failed on its side [" + code + "]";
            case API_ERROR -> api + " answered " + code;
            case CLIENT_ERROR -> api + " call failed before an answer";
        };
    }

    /** What to do about it, one clause. */
    String fix(String host, String action) {
        return switch (this) {
            case UNKNOWN_HOST, CONNECTION_REFUSED, NO_ROUTE, TLS -> "check DNS and egress from clbguard to " + host
                    + " (or clbguard.cloud.endpoint)";
            case TIMEOUT -> "retry shortly; if it lasts, check egress to " + host + " or raise clbguard.cloud.read-timeout";
            case CREDENTIALS -> "check TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or the workload identity role";
            case CLOCK_SKEW -> "check the node's clock";
            case NOT_AUTHORIZED -> "grant " + (action.endsWith("TagResources") ? "tag:" : "clb:") + action
                    + " in the CAM policy (docs/install.md)";
            case RATE_LIMITED -> "retry shortly: the account's quota for " + action + " is used up";
            default -> "retry shortly";
        };
    }
}
