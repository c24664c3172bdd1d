package dev.clbguard.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The combined answer for one review: any denial denies; warnings and mutations are kept in policy order.
 * {@code outcomes} says, per evaluated policy, what it came to (for metrics and reports).
 */
public record Decision(List<Verdict> denials, List<Verdict> warnings, List<Verdict> mutations,
        Map<String, Outcome> outcomes) {

    public enum Outcome {
        ALLOWED, PATCHED, WARNED, DENIED, ERROR;

        private final String label = name().toLowerCase(Locale.ROOT);

        /** The lower-case name used in metrics and audit annotations, made once rather than per admission call. */
        public String label() {
            return label;
        }
    }

    public static final Decision ALLOW = new Decision(List.of(), List.of(), List.of(), Map.of());

    public Decision {
        denials = List.copyOf(denials);
        warnings = List.copyOf(warnings);
        mutations = List.copyOf(mutations);
        outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes)); // in policy order, for stable reports
    }

    public boolean allowed() {
        return denials.isEmpty();
    }
}
