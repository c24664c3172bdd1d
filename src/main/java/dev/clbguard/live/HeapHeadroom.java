package dev.clbguard.live;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Whether the heap can hold this cluster, said before it runs out: from the number of cached objects right after the
 * first list (a forecast at {@link #BYTES_PER_OBJECT}), and from the heap still in use after the last collection
 * of the old generation (what the cache really takes). Pure but for the JVM's own numbers, which come in.
 */
public final class HeapHeadroom {

    /**
     * What one cached Service or Ingress costs on the leader (cache, index, audit results), rounded up from
     * src/bench/scale.sh (docs/scale.md); with the heap the rest of clbguard takes.
     */
    public static final long BYTES_PER_OBJECT = 2 * 1024;
    /** The heap clbguard takes with an empty cluster, rounded up from the same bench. */
    public static final long BASE_BYTES = 32L * 1024 * 1024;
    /** The share of the pod's memory limit the shipped JVM options give the heap (-XX:MaxRAMPercentage=50). */
    public static final double HEAP_SHARE = 0.5;
    /** The shipped memory limit, MiB. */
    public static final long SHIPPED_LIMIT_MIB = 512;
    /** Above this share of the maximum heap after a collection, the next burst (a relist, large bodies) may not fit. */
    public static final double WARN_RATIO = 0.75;

    private final LongSupplier maxHeap;
    private final LongSupplier liveAfterGc;
    private final IntSupplier cached;

    HeapHeadroom(LongSupplier maxHeap, LongSupplier liveAfterGc, IntSupplier cached) {
        this.maxHeap = maxHeap;
        this.liveAfterGc = liveAfterGc;
        this.cached = cached;
    }

    /** This JVM's heap, and the size of {@code index}. */
    public static HeapHeadroom of(LiveIndex index) {
        return new HeapHeadroom(() -> Runtime.getRuntime().maxMemory(), HeapHeadroom::oldGenAfterGc, index::size);
    }

    /** The heap in use after the last old-generation collection over the maximum heap; 0 before the first one. */
    public double ratio() {
        long max = maxHeap.getAsLong();
        long live = liveAfterGc.getAsLong();
        return max <= 0 || live <= 0 ? 0 : (double) live / max;
    }

    /** The heap this many cached objects are expected to need, at most half of the maximum to leave room. */
    public long forecast() {
        return BASE_BYTES + BYTES_PER_OBJECT * cached.getAsInt();
    }

    /** A warning for the log if the forecast does not fit in half the heap, else null. */
    public String forecastWarning() {
        long max = maxHeap.getAsLong();
        if (max <= 0 || forecast() * 2 <= max) {
            return null;
        }
        return String.format("the heap (%d MiB) is too small for this cluster: %d Services and Ingresses are cached,"
                + " which needs about %d MiB with room to spare; raise the memory limit to at least %d MiB (Helm"
                + " value resources.limits.memory; docs/install.md, Sizing) before the pod runs out of memory",
                mib(max), cached.getAsInt(), mib(forecast() * 2), limitFor(cached.getAsInt()));
    }

    /** A warning for the log if the heap after a collection is above {@link #WARN_RATIO} of the maximum, else null. */
    public String usageWarning() {
        double r = ratio();
        if (r < WARN_RATIO) {
            return null;
        }
        return String.format("the heap is %.0f%% full after a collection (%d of %d MiB) with %d Services and Ingresses"
                + " cached: the pod is near running out of memory; raise the memory limit to at least %d MiB (Helm"
                + " value resources.limits.memory; docs/install.md, Sizing)", r * 100, mib(liveAfterGc.getAsLong()),
                mib(maxHeap.getAsLong()), cached.getAsInt(), limitFor(cached.getAsInt()));
    }

    /** The pod memory limit in MiB for {@code objects} at the shipped heap share, rounded up to 64 MiB. */
    public static long limitFor(int objects) {
        long heap = 2 * (BASE_BYTES + BYTES_PER_OBJECT * (long) objects);
        long limit = (long) (heap / HEAP_SHARE);
        return Math.max(SHIPPED_LIMIT_MIB, ((mib(limit) + 63) / 64) * 64);
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    private static long oldGenAfterGc() {
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        long used = 0;
        for (MemoryPoolMXBean p : pools) {
            // The tenured pool (Serial "Tenured Gen", G1 "G1 Old Gen", Parallel "PS Old Gen") holds the cache.
            if (p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()
                    && (p.getName().contains("Old") || p.getName().contains("Tenured"))) {
                MemoryUsage u = p.getCollectionUsage();
                if (u != null && u.getUsed() > 0) {
                    used += u.getUsed();
                }
            }
        }
        return used;
    }
}
