package dev.clbguard.reconcile;

import java.time.Duration;

/** A cloud call was not made because its action's rate limit is booked further ahead than a worker may wait. */
final class Throttled extends RuntimeException {

    final Duration retryAfter;

    Throttled(String action, Duration retryAfter) {
        super(action + " throttled for " + retryAfter.toMillis() + " ms", null, false, false);
        this.retryAfter = retryAfter;
    }
}
