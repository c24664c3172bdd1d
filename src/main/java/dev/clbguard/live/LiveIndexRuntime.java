package dev.clbguard.live;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/**
 * Runs the {@link LiveIndex} on every replica (not only the leader: every replica answers admission) when
 * {@code clbguard.live-index.enabled}: the replica's one cache of Services and Ingresses. Absent otherwise, and
 * then denials name owners by uid only, and neither the reconciler nor the guardian runs.
 */
@ApplicationScoped
public class LiveIndexRuntime {

    private static final Logger LOG = Logger.getLogger(LiveIndexRuntime.class);

    @Inject
    LiveIndexSettings settings;
    @Inject
    Instance<KubernetesClient> client;

    @Inject
    MeterRegistry registry;

    private volatile LiveIndex index;
    private ScheduledExecutorService heapChecks;

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("live-object index disabled (clbguard.live-index.enabled=false): owners are named by uid only");
            return;
        }
        // Before the reconciler, the audit and the guardian start: they all work from this one cache.
        index = new LiveIndex(client.get()).start();
        watchHeap(index);
    }

    /** A forecast now, the real use after each old-generation collection from then on: a log line and a metric. */
    private void watchHeap(LiveIndex idx) {
        HeapHeadroom headroom = HeapHeadroom.of(idx);
        Gauge.builder("clbguard.heap.after.gc.ratio", headroom, HeapHeadroom::ratio)
                .description("Heap in use after the last old-generation collection over the maximum heap").register(registry);
        Gauge.builder("clbguard.cache.objects", idx, LiveIndex::size)
                .description("Services and Ingresses in this replica's cache").register(registry);
        String forecast = headroom.forecastWarning();
        if (forecast != null) {
            LOG.warn(forecast);
        }
        heapChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clbguard-heap-headroom");
            t.setDaemon(true);
            return t;
        });
        long[] lastWarned = { 0 };
        heapChecks.scheduleWithFixedDelay(() -> {
            String warning = headroom.usageWarning();
            long now = System.nanoTime();
            if (warning != null && (lastWarned[0] == 0 || now - lastWarned[0] > TimeUnit.MINUTES.toNanos(10))) {
                lastWarned[0] = now;
                LOG.warn(warning);
            }
        }, 15, 15, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (heapChecks != null) {
            heapChecks.shutdownNow();
        }
        if (index != null) {
            index.close();
        }
    }

    /** The index, where there is one; callers treat an unsynced index as no index. */
    public Optional<LiveIndex> index() {
        return Optional.ofNullable(index);
    }
}
