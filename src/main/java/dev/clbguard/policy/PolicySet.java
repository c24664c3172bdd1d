package dev.clbguard.policy;

import java.util.List;

/** The active policies with their settings: an immutable snapshot, swapped whole on reload. */
public record PolicySet(List<Bound> policies) {

    public static final PolicySet EMPTY = new PolicySet(List.of());

    public record Bound(Policy policy, PolicyConfig config) {
    }

    public PolicySet {
        policies = List.copyOf(policies);
    }
}
