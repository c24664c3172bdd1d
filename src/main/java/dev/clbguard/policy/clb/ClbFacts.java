package dev.clbguard.policy.clb;

import java.util.Map;

/**
 * The CLB facts fetched for one review. An id that was not asked for is Unknown. {@code owners} says who the
 * CLBs' owner tags name, where this replica can know; {@code claims} which objects name them that the tags may
 * not show yet.
 */
public record ClbFacts(Map<String, ClbLookup> byId, Owners owners, Claims claims) {

    public static final ClbFacts NONE = new ClbFacts(Map.of());

    public ClbFacts {
        byId = Map.copyOf(byId);
        owners = owners == null ? Owners.UNKNOWN : owners;
        claims = claims == null ? Claims.NONE : claims;
    }

    public ClbFacts(Map<String, ClbLookup> byId) {
        this(byId, Owners.UNKNOWN, Claims.NONE);
    }

    public ClbFacts withOwners(Owners owners) {
        return new ClbFacts(byId, owners, claims);
    }

    public ClbFacts withClaims(Claims claims) {
        return new ClbFacts(byId, owners, claims);
    }

    public ClbLookup get(String id) {
        ClbLookup l = byId.get(id);
        return l != null ? l : new ClbLookup.Unknown(id, "not looked up");
    }
}
