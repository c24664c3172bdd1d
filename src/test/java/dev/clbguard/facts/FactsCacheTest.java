package dev.clbguard.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.tencentcloudapi.common.Credential;

import dev.clbguard.emulator.ClbEmulator;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.clbapi.ClbStateFile;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbLookup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The cache in front of the real SDK adapter and the emulator: single-flight, batching, TTLs and the budget. */
class FactsCacheTest {

    static final Duration BUDGET = Duration.ofMillis(1500);

    ClbEmulator emulator;
    TencentClb adapter;
    FactsCache cache;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() {
        List<ClbStateFile.Lb> seed = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            seed.add(new ClbStateFile.Lb(id(i), "lb" + i, "OPEN", 1, "vpc-4f8q2w1e", null, List.of("203.0.113." + i), null, null));
        }
        emulator = new ClbEmulator(ClbEmulator.Options.forTests(), seed, null).start();
        adapter = new TencentClb(new Credential(emulator.secretId(), emulator.secretKey()),
                new TencentClb.Options("ap-guangzhou", "100012345678", emulator.endpoint(), emulator.endpoint(), true,
                        Duration.ofSeconds(1), Duration.ofSeconds(10), 3, Duration.ofMillis(50)),
                meters);
        cache = cacheWithBatchWindow(Duration.ofMillis(20));
    }

    FactsCache cacheWithBatchWindow(Duration window) {
        return new FactsCache(adapter, new FactsCache.Options(Duration.ofSeconds(30), Duration.ofMillis(300), BUDGET,
                window), meters);
    }

    static String id(int i) {
        return String.format("lb-%08d", i);
    }

    @AfterEach
    void stop() {
        cache.close();
        emulator.close();
    }

    @Test
    void concurrentLookupsShareCallsAndBatches() throws Exception {
        // a window far longer than the threads need to start: a full batch of 20 goes out at once, so the
        // count of calls depends on batching alone, not on how fast a loaded machine schedules 200 threads
        cache.close();
        cache = cacheWithBatchWindow(Duration.ofSeconds(1));
        ExecutorService pool = Executors.newFixedThreadPool(200);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ClbFacts>> results = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            String id = id(n % 40);
            results.add(pool.submit(() -> {
                go.await();
                return cache.lookup(Set.of(id), BUDGET);
            }));
        }
        go.countDown();
        for (int n = 0; n < 200; n++) {
            ClbInfo c = assertInstanceOf(ClbLookup.Found.class, results.get(n).get().get(id(n % 40))).clb();
            assertEquals("lb" + (n % 40), c.name());
        }
        pool.shutdown();
        assertEquals(2, emulator.calls("DescribeLoadBalancers"), "40 ids need two calls of 20");
        assertEquals(40, emulator.calls("DescribeListeners"), "one per CLB, never one per lookup");
        assertEquals(40.0, lookups("miss"), "one miss per id; every other lookup joined it or found it cached");
        // whether a late thread joined the call in flight or found its answer cached depends on scheduling
        assertEquals(160.0, lookups("shared") + lookups("hit"));
        double hitsBefore = lookups("hit");
        cache.lookup(Set.of(id(0), id(39)), BUDGET);
        assertEquals(2, emulator.calls("DescribeLoadBalancers"), "now all cached: no further calls");
        assertEquals(hitsBefore + 2, lookups("hit"));
    }

    double lookups(String result) {
        return meters.get("clbguard.facts.lookups").tag("result", result).counter().count();
    }

    @Test
    void unknownIdsAreCachedForTheShorterTtl() throws Exception {
        assertInstanceOf(ClbLookup.Missing.class, cache.lookup(Set.of("lb-nothere1"), BUDGET).get("lb-nothere1"));
        assertInstanceOf(ClbLookup.Missing.class, cache.lookup(Set.of("lb-nothere1"), BUDGET).get("lb-nothere1"));
        assertEquals(1, emulator.calls("DescribeLoadBalancers"));
        Thread.sleep(350);
        cache.lookup(Set.of("lb-nothere1"), BUDGET);
        assertEquals(2, emulator.calls("DescribeLoadBalancers"), "negative entry expired after 300 ms");
        cache.lookup(Set.of(id(1)), BUDGET);
        Thread.sleep(350);
        cache.lookup(Set.of(id(1)), BUDGET);
        assertEquals(3, emulator.calls("DescribeLoadBalancers"), "a found CLB is kept for the 30 s TTL");
    }

    @Test
    void slowApiGivesUnknownWithinTheBudget() {
        emulator.setLatency(Duration.ofSeconds(5));
        long t0 = System.nanoTime();
        ClbLookup l = cache.lookup(Set.of(id(7)), BUDGET).get(id(7));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ClbLookup.Unknown u = assertInstanceOf(ClbLookup.Unknown.class, l);
        assertTrue(u.reason().contains("1500 ms"), u.reason());
        // the upper bound leaves room for a loaded CI machine, yet is far below the API's 5 s
        assertTrue(ms >= 1400 && ms < 2500, "answered after " + ms + " ms");
        assertEquals(1.0, meters.get("clbguard.facts.budget.exceeded").counter().count());
    }

    @Test
    void apiErrorsAreUnknownAndNotCached() {
        emulator.failNext("DescribeLoadBalancers", "InternalError", 1);
        assertInstanceOf(ClbLookup.Unknown.class, cache.lookup(Set.of(id(3)), BUDGET).get(id(3)));
        assertInstanceOf(ClbLookup.Found.class, cache.lookup(Set.of(id(3)), BUDGET).get(id(3)));
    }
}
