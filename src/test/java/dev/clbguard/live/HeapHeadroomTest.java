package dev.clbguard.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapHeadroomTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void aClusterTheHeapCannotHoldIsSaidAtOnceWithTheLimitToSet() {
        HeapHeadroom small = new HeapHeadroom(() -> 128 * MIB, () -> 0, () -> 40_000);
        String w = small.forecastWarning();
        assertNotNull(w);
        assertTrue(w.contains("40000 Services and Ingresses are cached"), w);
        assertTrue(w.contains("raise the memory limit to at least " + HeapHeadroom.limitFor(40_000) + " MiB"), w);
        assertNull(new HeapHeadroom(() -> 256 * MIB, () -> 0, () -> 40_000).forecastWarning());
    }

    @Test
    void aHeapNearlyFullAfterACollectionIsSaid() {
        assertEquals(0, new HeapHeadroom(() -> 100 * MIB, () -> 0, () -> 10).ratio(), "no collection yet");
        HeapHeadroom calm = new HeapHeadroom(() -> 100 * MIB, () -> 40 * MIB, () -> 10);
        assertEquals(0.4, calm.ratio(), 1e-9);
        assertNull(calm.usageWarning());
        String w = new HeapHeadroom(() -> 100 * MIB, () -> 80 * MIB, () -> 13_334).usageWarning();
        assertNotNull(w);
        assertTrue(w.contains("80% full after a collection (80 of 100 MiB) with 13334 Services and Ingresses"), w);
    }

    @Test
    void theSuggestedLimitGrowsWithTheClusterAndNeverFallsBelowTheShippedOne() {
        assertEquals(HeapHeadroom.SHIPPED_LIMIT_MIB, HeapHeadroom.limitFor(0));
        assertEquals(HeapHeadroom.SHIPPED_LIMIT_MIB, HeapHeadroom.limitFor(40_000), "the shipped limit holds 30,000 + 10,000");
        assertTrue(HeapHeadroom.limitFor(100_000) > HeapHeadroom.limitFor(40_000));
        assertEquals(0, HeapHeadroom.limitFor(100_000) % 64);
    }
}
