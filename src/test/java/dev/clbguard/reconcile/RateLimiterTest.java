package dev.clbguard.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void callsAreSpacedAtTheRate() {
        RateLimiter l = new RateLimiter(20);
        long start = System.nanoTime();
        for (int i = 0; i < 11; i++) {
            assertEquals(0, l.acquire(SECOND));
        }
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(480), "10 intervals of 50 ms, took " + elapsed / 1_000_000 + " ms");
    }

    @Test
    void aTurnTooFarAwayIsNotBookedButAnsweredWithWhenToComeBack() {
        RateLimiter l = new RateLimiter(1);
        assertEquals(0, l.acquire(0));
        long later = l.acquire(0);
        assertTrue(later > TimeUnit.MILLISECONDS.toNanos(900) && later <= SECOND, "come back in ~1 s: " + later);
        long again = l.acquire(0);
        assertTrue(again > TimeUnit.MILLISECONDS.toNanos(900), "the refused call booked nothing: " + again);
    }

    @Test
    void zeroMeansUnlimited() {
        RateLimiter l = new RateLimiter(0);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, l.acquire(0));
        }
    }
}
