package dev.clbguard.facts;

import java.time.Duration;
import java.util.Set;

import dev.clbguard.policy.clb.ClbFacts;

/**
 * The port through which clbguard learns about CLBs: many ids at once, answered within a time budget. An id
 * that could not be answered in time is {@code Unknown}, never an exception.
 */
public interface ClbDirectory {

    ClbFacts lookup(Set<String> ids, Duration budget);
}
