package dev.clbguard.policy.clb;

import java.util.Map;

/** The CLB facts fetched for one review. An id that was not asked for is Unknown. */
public record ClbFacts(Map<String, ClbLookup> byId) {

    public static final ClbFacts NONE = new ClbFacts(Map.of());

    public ClbFacts {
        byId = Map.copyOf(byId);
    }

    public ClbLookup get(String id) {
        ClbLookup l = byId.get(id);
        return l != null ? l : new ClbLookup.Unknown(id, "not looked up");
    }
}
