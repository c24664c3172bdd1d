package dev.clbguard.policy.clb;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects naming each CLB that its tags may not show yet: live objects, those this replica has just admitted,
 * or the earlier manifests of an offline set. Data handed to the policies, never a question they ask.
 */
public interface Claims {

    Claims NONE = id -> List.of();

    /** Every claim on {@code clbId}, in the order they were made where that is known. */
    List<Claim> naming(String clbId);

    static Claims of(Collection<Claim> claims) {
        Map<String, List<Claim>> byId = new LinkedHashMap<>();
        claims.forEach(c -> byId.computeIfAbsent(c.clbId(), k -> new ArrayList<>()).add(c));
        return id -> byId.getOrDefault(id, List.of());
    }

    /** The claims of both, {@code this} first. */
    default Claims and(Claims more) {
        return id -> {
            List<Claim> all = new ArrayList<>(naming(id));
            all.addAll(more.naming(id));
            return all;
        };
    }
}
