package dev.clbguard.policy;

import java.util.Set;

import dev.clbguard.policy.clb.ClbFacts;

/** How the engine gets CLB facts: one call per review, for all the ids its policies declared. */
@FunctionalInterface
public interface FactsSource {

    FactsSource NONE = ids -> ClbFacts.NONE;

    ClbFacts fetch(Set<String> ids);
}
