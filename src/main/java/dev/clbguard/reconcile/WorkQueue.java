package dev.clbguard.reconcile;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A work queue in the manner of client-go's: a key is queued at most once, is never handed to two workers at
 * once (a key added while processed is queued again when its worker is done), may be delayed, and retries back
 * off exponentially per key until {@link #forget} is called.
 */
public final class WorkQueue<K> {

    private record Entry<K>(long due, long seq, K key) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Entry<K>> heap = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private final Map<K, Long> dueAt = new HashMap<>();
    private final Set<K> processing = new HashSet<>();
    private final Map<K, Long> dirty = new HashMap<>();
    private final Map<K, Integer> failures = new HashMap<>();
    private final long baseNanos;
    private final long maxNanos;
    private final LongSupplier clock;
    private long seq;
    private boolean shutdown;

    public WorkQueue(Duration baseDelay, Duration maxDelay) {
        this(baseDelay, maxDelay, System::nanoTime);
    }

    WorkQueue(Duration baseDelay, Duration maxDelay, LongSupplier clock) {
        this.baseNanos = baseDelay.toNanos();
        this.maxNanos = maxDelay.toNanos();
        this.clock = clock;
    }

    public void add(K key) {
        addAfter(key, Duration.ZERO);
    }

    /** Queues the key to be ready after {@code delay}; an earlier pending time wins. */
    public void addAfter(K key, Duration delay) {
        lock.lock();
        try {
            if (shutdown) {
                return;
            }
            long due = clock.getAsLong() + Math.max(0, delay.toNanos());
            if (processing.contains(key)) {
                dirty.merge(key, due, Math::min);
                return;
            }
            Long current = dueAt.get(key);
            if (current != null && current <= due) {
                return;
            }
            dueAt.put(key, due);
            heap.add(new Entry<>(due, seq++, key));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues the key again after its own exponential backoff (base, 2×base, … up to max). */
    public Duration addRateLimited(K key) {
        Duration delay;
        lock.lock();
        try {
            int n = failures.merge(key, 1, Integer::sum);
            long d = baseNanos << Math.min(n - 1, 30);
            delay = Duration.ofNanos(d <= 0 || d > maxNanos ? maxNanos : d);
        } finally {
            lock.unlock();
        }
        addAfter(key, delay);
        return delay;
    }

    /** The key succeeded: its next failure starts from the base delay again. */
    public void forget(K key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    public int retries(K key) {
        lock.lock();
        try {
            return failures.getOrDefault(key, 0);
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until a key is ready (and marks it processing), or returns null on shutdown or timeout. */
    public K take(Duration timeout) throws InterruptedException {
        long deadline = clock.getAsLong() + timeout.toNanos();
        lock.lock();
        try {
            while (!shutdown) {
                Entry<K> head = heap.peek();
                long now = clock.getAsLong();
                if (head != null && !Long.valueOf(head.due).equals(dueAt.get(head.key))) {
                    heap.poll(); // superseded by an earlier time for the same key
                    continue;
                }
                if (head != null && head.due <= now) {
                    heap.poll();
                    dueAt.remove(head.key);
                    processing.add(head.key);
                    return head.key;
                }
                long wait = Math.min(deadline - now, head == null ? Long.MAX_VALUE : head.due - now);
                if (wait <= 0) {
                    return null;
                }
                changed.awaitNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)));
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** The worker is finished with the key; if it was added meanwhile, it is queued again. */
    public void done(K key) {
        Long again;
        lock.lock();
        try {
            processing.remove(key);
            again = dirty.remove(key);
        } finally {
            lock.unlock();
        }
        if (again != null) {
            addAfter(key, Duration.ofNanos(Math.max(0, again - clock.getAsLong())));
        }
    }

    /** Keys waiting (ready or delayed), not counting those being processed. */
    public int depth() {
        lock.lock();
        try {
            return dueAt.size() + dirty.size();
        } finally {
            lock.unlock();
        }
    }

    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
