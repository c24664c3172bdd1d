package dev.clbguard.reconcile;

import java.util.concurrent.locks.LockSupport;

/** A smooth limiter: callers are spaced 1/rate apart (no bursts), blocking until their slot. */
final class RateLimiter {

    private final long intervalNanos;
    private long next = System.nanoTime();

    RateLimiter(double perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : (long) (1_000_000_000L / perSecond);
    }

    void acquire() {
        if (intervalNanos == 0) {
            return;
        }
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(now, next);
            next = slot + intervalNanos;
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
