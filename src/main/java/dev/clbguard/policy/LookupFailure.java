package dev.clbguard.policy;

/** What a policy does when the CLB facts it needs could not be had within the time budget. */
public enum LookupFailure {
    DENY, ALLOW_WITH_WARNING;

    public static LookupFailure parse(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "deny" -> DENY;
            case "allow-with-warning" -> ALLOW_WITH_WARNING;
            default -> throw new IllegalArgumentException(
                    "onLookupFailure must be deny or allow-with-warning, not '" + s + "'");
        };
    }
}
