package dev.clbguard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.tencentcloudapi.common.Credential;

import dev.clbguard.emulator.ClbEmulator;
import dev.clbguard.facts.FactsCache;
import dev.clbguard.facts.TencentClb;
import dev.clbguard.clbapi.ClbStateFile;
import dev.clbguard.policy.clb.ClbLookup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Load on the facts cache: {@code rate} lookups/s over {@code ids} distinct CLBs for {@code seconds}, through the
 * real SDK adapter and the emulator with its realistic 20 req/s per action limit and the default cache settings
 * (TTL 30 s, negative TTL 5 s, budget 1.5 s, batch window 5 ms). Then cache-hit latency on a warm cache.
 * Usage: FactsCacheBench [rate] [ids] [seconds]
 */
public final class FactsCacheBench {

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int ids = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        List<ClbStateFile.Lb> seed = new ArrayList<>();
        for (int i = 0; i < ids; i++) {
            seed.add(new ClbStateFile.Lb(id(i), "lb" + i, "OPEN", 1, "vpc-4f8q2w1e", null, List.of(), null, null));
        }
        ClbEmulator.Options eo = new ClbEmulator.Options(0, "AKIDbench000000000000000000000000", "bench-key", 20,
                Duration.ZERO, Duration.ofMillis(200), Duration.ofMinutes(5));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ClbEmulator emulator = new ClbEmulator(eo, seed, null).start()) {
            TencentClb adapter = new TencentClb(new Credential(eo.secretId(), eo.secretKey()),
                    new TencentClb.Options("ap-guangzhou", "100012345678", emulator.endpoint(), emulator.endpoint(), true,
                            Duration.ofSeconds(2), Duration.ofSeconds(5), 5, Duration.ofMillis(200)),
                    meters);
            Duration budget = Duration.ofMillis(1500);
            try (FactsCache cache = new FactsCache(adapter, new FactsCache.Options(Duration.ofSeconds(30),
                    Duration.ofSeconds(5), budget, Duration.ofMillis(5)), meters)) {
                int total = rate * seconds;
                long[] lat = new long[total];
                AtomicInteger unknown = new AtomicInteger();
                ExecutorService workers = Executors.newFixedThreadPool(256);
                long start = System.nanoTime();
                long interval = 1_000_000_000L / rate;
                for (int n = 0; n < total; n++) {
                    long due = start + n * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    int slot = n;
                    String id = id(ThreadLocalRandom.current().nextInt(ids));
                    workers.execute(() -> {
                        long t0 = due; // from when the lookup was due: queueing counts too
                        ClbLookup l = cache.lookup(Set.of(id), budget).get(id);
                        lat[slot] = System.nanoTime() - t0;
                        if (l instanceof ClbLookup.Unknown) {
                            unknown.incrementAndGet();
                        }
                    });
                }
                workers.shutdown();
                workers.awaitTermination(1, TimeUnit.MINUTES);
                double took = (System.nanoTime() - start) / 1e9;
                System.out.printf("load: %d lookups over %d ids in %.1f s (%.0f/s), unknown answers: %d%n", total, ids,
                        took, total / took, unknown.get());
                System.out.printf("  all lookups   latency p50 %s  p99 %s  p99.9 %s  max %s%n", us(lat, 0.50), us(lat, 0.99),
                        us(lat, 0.999), us(lat, 1.0));
                System.out.printf("  cache: hit %.0f  miss %.0f  shared %.0f%n", count(meters, "hit"), count(meters, "miss"),
                        count(meters, "shared"));
                System.out.printf("  API calls: %s (total %d)%n", emulator.calls(),
                        emulator.calls().values().stream().mapToLong(Long::longValue).sum());

                // cache-hit latency: one thread, warm cache, no API calls
                long before = emulator.calls().values().stream().mapToLong(Long::longValue).sum();
                for (int i = 0; i < ids; i++) {
                    cache.lookup(Set.of(id(i)), budget); // make sure every id is warm
                }
                int hitsN = 200_000;
                long[] hit = new long[hitsN];
                for (int i = 0; i < hitsN; i++) {
                    String id = id(i % ids);
                    long t0 = System.nanoTime();
                    cache.lookup(Set.of(id), budget);
                    hit[i] = System.nanoTime() - t0;
                }
                long after = emulator.calls().values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("cache-hit lookup latency (%d lookups, 1 thread): p50 %s  p99 %s  p99.9 %s; API calls during: %d%n",
                        hitsN, us(hit, 0.50), us(hit, 0.99), us(hit, 0.999), after - before);
            }
        }
    }

    private static double count(SimpleMeterRegistry m, String result) {
        return m.get("clbguard.facts.lookups").tag("result", result).counter().count();
    }

    private static String us(long[] values, double q) {
        long[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.min(s.length - 1, Math.ceil(q * s.length) - 1);
        return String.format("%.1f µs", s[Math.max(0, i)] / 1000.0);
    }

    private static String id(int i) {
        return String.format("lb-%08d", i);
    }
}
