package dev.clbguard.admission;

import java.util.Locale;

import dev.clbguard.policy.Origin;

/** The two webhook endpoints the API server calls. */
public enum Webhook {
    MUTATE(Origin.MUTATING_CALL), VALIDATE(Origin.VALIDATING_CALL);

    private final Origin origin;
    private final String label = name().toLowerCase(Locale.ROOT);

    Webhook(Origin origin) {
        this.origin = origin;
    }

    /** What the policies are told about a review arriving here. */
    public Origin origin() {
        return origin;
    }

    /** "mutate" or "validate": the path without its slash, and the metrics label. */
    public String label() {
        return label;
    }
}
