package dev.clbguard.facts;

/** A Tencent Cloud call that failed: {@code code} is the cloud's (e.g. RequestLimitExceeded), never a secret. */
public class CloudException extends RuntimeException {

    private final String code;
    private final boolean retryable;

    public CloudException(String code, String message, boolean retryable, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
        this.retryable = retryable;
    }

    public String code() {
        return code;
    }

    /** Rate limits, resources busy with another operation, timeouts and 5xx: worth another try later. */
    public boolean retryable() {
        return retryable;
    }
}
