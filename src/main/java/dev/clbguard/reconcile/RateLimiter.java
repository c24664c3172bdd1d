package dev.clbguard.reconcile;

import java.util.concurrent.locks.LockSupport;

/**
 * A smooth limiter: callers are spaced 1/rate apart (no bursts). A caller whose turn is further away than the
 * allowed wait is told how long to come back after instead of blocking, so a long line of new work cannot
 * hold every worker while follow-ups (task polls, describes) wait in the queue.
 */
final class RateLimiter {

    private final long intervalNanos;
    private long next = System.nanoTime();

    RateLimiter(double perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : (long) (1_000_000_000L / perSecond);
    }

    /** Waits for a slot at most {@code maxWaitNanos} away and returns 0, or returns the nanos to come back after. */
    long acquire(long maxWaitNanos) {
        if (intervalNanos == 0) {
            return 0;
        }
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(now, next);
            if (slot - now > maxWaitNanos) {
                return slot - now - maxWaitNanos / 2;
            }
            next = slot + intervalNanos;
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        return 0;
    }
}
