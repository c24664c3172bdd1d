package dev.clbguard.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One policy's settings from {@code policies/*.yaml}. {@code onLookupFailure} is null when the file leaves it
 * to the default of docs/tke-rules.md §4 (deny for enforce mode, allow with a warning on dry-run and in warn mode).
 */
public record PolicyConfig(String id, Mode mode, Set<String> exemptNamespaces, LookupFailure onLookupFailure,
        Map<String, Object> parameters, String source) {

    public PolicyConfig {
        exemptNamespaces = Set.copyOf(exemptNamespaces);
        parameters = Map.copyOf(parameters);
    }

    /** A config with built-in defaults, for tests and for policies a file does not mention. */
    public static PolicyConfig defaults(String id, Mode mode) {
        return new PolicyConfig(id, mode, Set.of("kube-system"), null, Map.of(), "built-in");
    }

    public PolicyConfig withParameters(Map<String, Object> params) {
        return new PolicyConfig(id, mode, exemptNamespaces, onLookupFailure, params, source);
    }

    public PolicyConfig withLookupFailure(LookupFailure lf) {
        return new PolicyConfig(id, mode, exemptNamespaces, lf, parameters, source);
    }

    public boolean exempts(String namespace) {
        return namespace != null && exemptNamespaces.contains(namespace);
    }

    /** What to do when facts are unknown, with the defaults of docs/tke-rules.md §4 applied. */
    public LookupFailure lookupFailure(boolean dryRun) {
        if (onLookupFailure != null) {
            return onLookupFailure;
        }
        return dryRun || mode != Mode.ENFORCE ? LookupFailure.ALLOW_WITH_WARNING : LookupFailure.DENY;
    }

    /** A string parameter that must be one of {@code allowed}; throws with a clear message otherwise. */
    public String choice(String name, String fallback, List<String> allowed) {
        Object v = parameters.get(name);
        if (v == null) {
            return fallback;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(s)) {
            throw new IllegalArgumentException("parameter " + name + " must be one of " + allowed + ", not '" + v + "'");
        }
        return s;
    }

    public boolean flag(String name, boolean fallback) {
        Object v = parameters.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (String.valueOf(v).trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("parameter " + name + " must be true or false, not '" + v + "'");
        };
    }
}
