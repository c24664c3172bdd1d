package dev.clbguard.policy;

/** Kyverno-style enforcement: enforce denies, warn turns denials into warnings, off skips the policy. */
public enum Mode {
    ENFORCE, WARN, OFF;

    public static Mode parse(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "enforce" -> ENFORCE;
            case "warn" -> WARN;
            case "off" -> OFF;
            default -> throw new IllegalArgumentException("mode must be enforce, warn or off, not '" + s + "'");
        };
    }
}
