package dev.clbguard.facts;

/**
 * A Tencent Cloud call that failed: {@code code} is the cloud's (e.g. RequestLimitExceeded, or ClientSideError when
 * nothing answered), {@code cause} what that means in a word, {@code brief} and {@code fix} what users are told.
 * Never a secret.
 */
public class CloudException extends RuntimeException {

    private final String code;
    private final boolean retryable;
    private final CloudCause cause;
    private final String brief;
    private final String fix;

    public CloudException(String code, String message, boolean retryable, Throwable cause) {
        this(code, message, retryable, cause, CloudCause.ofCode(code), null, null);
    }

    CloudException(String code, String message, boolean retryable, Throwable failure, CloudCause cause, String brief,
            String fix) {
        super(code + ": " + message, failure);
        this.code = code;
        this.retryable = retryable;
        this.cause = cause;
        this.brief = brief != null ? brief : cause.describe("CLB API", "the CLB API", "the call", code);
        this.fix = fix != null ? fix : "retry shortly";
    }

    public String code() {
        return code;
    }

    /** Rate limits, resources busy with another operation, timeouts and 5xx: worth another try later. */
    public boolean retryable() {
        return retryable;
    }

    /** Why, in a word: the metric label. */
    public CloudCause failure() {
        return cause;
    }

    /** What failed, briefly ("CLB API unreachable: unknown host clb.tencentcloudapi.com"). */
    public String brief() {
        return brief;
    }

    /** What to do about it. */
    public String fix() {
        return fix;
    }
}
