package dev.clbguard.facts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbLookup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@link ClbDirectory} admission uses: a TTL cache with negative caching, single-flight per id (concurrent
 * lookups of one CLB share one call), and batching (ids asked for within a short window go out together, at
 * most 20 per DescribeLoadBalancers). A caller never waits past its budget: what is not known by then is
 * Unknown, while the load goes on and fills the cache for the next caller.
 */
public final class FactsCache implements ClbDirectory, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FactsCache.class);

    /** What the cache calls on a miss: the adapter, which gives up retrying at the deadline. */
    @FunctionalInterface
    public interface Loader {
        /** Every id in {@code ids} should be in the answer; missing ones count as Unknown. */
        Map<String, ClbLookup> read(List<String> ids, long deadlineNanos);
    }

    public record Options(Duration ttl, Duration negativeTtl, Duration budget, Duration batchWindow) {
    }

    private record Entry(ClbLookup value, long expiresAtNanos) {
    }

    private final Loader loader;
    private final Options options;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<ClbLookup>> inflight = new ConcurrentHashMap<>();
    private final Object batchLock = new Object();
    private List<String> pending = new ArrayList<>();
    private boolean flushScheduled;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("clb-facts-batch"));
    private final ExecutorService loads = Executors.newFixedThreadPool(4, daemon("clb-facts-load"));
    private final Counter hits, misses, shared, late;

    public FactsCache(Loader loader, Options options, MeterRegistry meters) {
        this.loader = loader;
        this.options = options;
        this.hits = lookups(meters, "hit");
        this.misses = lookups(meters, "miss");
        this.shared = lookups(meters, "shared");
        this.late = Counter.builder("clbguard.facts.budget.exceeded")
                .description("CLB ids answered Unknown because the time budget ran out").register(meters);
    }

    private static Counter lookups(MeterRegistry meters, String result) {
        return Counter.builder("clbguard.facts.lookups")
                .description("CLB fact lookups: hit (cached), miss (went to the API), shared (joined a call in flight)")
                .tag("result", result).register(meters);
    }

    @Override
    public ClbFacts lookup(Set<String> ids, Duration budget) {
        long now = System.nanoTime();
        long deadline = now + budget.toNanos();
        Map<String, ClbLookup> out = new LinkedHashMap<>();
        Map<String, CompletableFuture<ClbLookup>> waits = new LinkedHashMap<>();
        for (String id : ids) {
            Entry e = cache.get(id);
            if (e != null && e.expiresAtNanos() - now > 0) {
                hits.increment();
                out.put(id, e.value());
                continue;
            }
            boolean[] mine = {false};
            CompletableFuture<ClbLookup> f = inflight.computeIfAbsent(id, k -> {
                mine[0] = true;
                return new CompletableFuture<>();
            });
            if (mine[0]) {
                misses.increment();
                enqueue(id);
            } else {
                shared.increment();
            }
            waits.put(id, f);
        }
        for (Map.Entry<String, CompletableFuture<ClbLookup>> w : waits.entrySet()) {
            String id = w.getKey();
            try {
                out.put(id, w.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                late.increment();
                out.put(id, new ClbLookup.Unknown(id, "no answer from the CLB API within " + budget.toMillis() + " ms"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.put(id, new ClbLookup.Unknown(id, "lookup interrupted"));
            } catch (ExecutionException e) {
                out.put(id, new ClbLookup.Unknown(id, "lookup failed"));
            }
        }
        return new ClbFacts(out);
    }

    /** Forgets everything cached (not the calls in flight). */
    private void enqueue(String id) {
        synchronized (batchLock) {
            pending.add(id);
            if (pending.size() >= TencentClb.MAX_IDS_PER_CALL) {
                flushLocked();
            } else if (!flushScheduled) {
                flushScheduled = true;
                timer.schedule(this::flush, options.batchWindow().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    private void flush() {
        synchronized (batchLock) {
            flushLocked();
        }
    }

    private void flushLocked() {
        List<String> batch = pending;
        pending = new ArrayList<>();
        flushScheduled = false; // a timer still pending fires on an empty or newer batch: harmless
        for (int i = 0; i < batch.size(); i += TencentClb.MAX_IDS_PER_CALL) {
            List<String> chunk = List.copyOf(batch.subList(i, Math.min(batch.size(), i + TencentClb.MAX_IDS_PER_CALL)));
            loads.execute(() -> load(chunk));
        }
    }

    private void load(List<String> ids) {
        Map<String, ClbLookup> answers;
        try {
            answers = loader.read(ids, System.nanoTime() + options.budget().toNanos());
        } catch (RuntimeException e) {
            LOG.warnf("CLB lookup of %s failed: %s", ids, e.toString());
            answers = Map.of();
        }
        long now = System.nanoTime();
        for (String id : ids) {
            ClbLookup v = answers.getOrDefault(id, new ClbLookup.Unknown(id, "CLB lookup failed"));
            if (v instanceof ClbLookup.Found) {
                cache.put(id, new Entry(v, now + options.ttl().toNanos()));
            } else if (v instanceof ClbLookup.Missing) {
                cache.put(id, new Entry(v, now + options.negativeTtl().toNanos()));
            }
            // cached before leaving flight, so that no lookup in between makes a second call
            CompletableFuture<ClbLookup> f = inflight.remove(id);
            if (f != null) {
                f.complete(v);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        loads.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
