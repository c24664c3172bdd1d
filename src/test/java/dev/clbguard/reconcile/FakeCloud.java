package dev.clbguard.reconcile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.facts.CloudException;
import dev.clbguard.facts.SweptClb;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * An in-memory {@link ClbCloud} with the semantics the reconciler relies on (ClientToken idempotency,
 * asynchronous tasks, deleting an unknown id is done) plus fault injection: failing calls and a "crash"
 * point that blocks a worker right after a cloud call until the test restarts the reconciler.
 */
@Alternative
@ApplicationScoped
public class FakeCloud implements ClbCloud {

    private final Map<String, ClbInfo> clbs = new LinkedHashMap<>();
    private final Map<String, String> tokens = new HashMap<>();
    private final Map<String, Integer> tasks = new HashMap<>();
    private final Map<String, Runnable> onTaskDone = new HashMap<>();
    private final Map<String, AtomicInteger> calls = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile String crashAfter;
    private volatile CountDownLatch crashed = new CountDownLatch(1);
    private int taskPolls = 2;

    public synchronized void reset() {
        clbs.clear();
        tokens.clear();
        tasks.clear();
        onTaskDone.clear();
        calls.clear();
        failures.clear();
        crashAfter = null;
    }

    public synchronized void seed(ClbInfo clb) {
        clbs.put(clb.id(), clb);
    }

    public synchronized Map<String, ClbInfo> all() {
        return Map.copyOf(clbs);
    }

    public synchronized int calls(String action) {
        return calls.getOrDefault(action, new AtomicInteger()).get();
    }

    /** The next {@code n} calls of {@code action} fail with a retryable RequestLimitExceeded. */
    public synchronized void failNext(String action, int n) {
        failures.put(action, n);
    }

    /** The next call of {@code action} takes effect, then its worker "dies" (blocks until interrupted). */
    public void crashAfter(String action) {
        crashed = new CountDownLatch(1);
        crashAfter = action;
    }

    public boolean awaitCrash(long seconds) throws InterruptedException {
        return crashed.await(seconds, TimeUnit.SECONDS);
    }

    private void enter(String action) {
        synchronized (this) {
            calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
            Integer left = failures.get(action);
            if (left != null && left > 0) {
                failures.put(action, left - 1);
                throw new CloudException("RequestLimitExceeded", "injected failure of " + action, true, null);
            }
        }
    }

    private void leave(String action) {
        if (action.equals(crashAfter)) {
            crashAfter = null;
            crashed.countDown();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("process killed after " + action);
            }
        }
    }

    @Override
    public Optional<ClbInfo> describe(String lbId) {
        enter("describe");
        synchronized (this) {
            return Optional.ofNullable(clbs.get(lbId));
        }
    }

    @Override
    public List<ClbInfo> findByTags(Map<String, String> tags) {
        enter("findByTags");
        synchronized (this) {
            return clbs.values().stream().filter(c -> c.tags().entrySet().containsAll(tags.entrySet())).toList();
        }
    }

    @Override
    public List<SweptClb> listByTag(String key, String value) {
        enter("listByTag");
        synchronized (this) {
            return clbs.values().stream().filter(c -> value.equals(c.tag(key)))
                    .map(c -> new SweptClb(c.id(), c.name(), null, c.vips(), c.tags())).toList();
        }
    }

    @Override
    public Created create(CreateSpec spec) {
        enter("create");
        Created created;
        synchronized (this) {
            String existing = tokens.get(spec.clientToken());
            String id = existing != null ? existing : String.format("lb-%08d", ids.incrementAndGet());
            if (existing == null) {
                tokens.put(spec.clientToken(), id);
                clbs.put(id, new ClbInfo(id, spec.name(), spec.type(), 1, spec.vpcId(), spec.subnetId(),
                        List.of("10.0.0." + ids.get()), spec.tags(), List.of()));
            }
            created = new Created(id, task(null));
        }
        leave("create");
        return created;
    }

    private String task(Runnable done) {
        String id = "req-" + ids.incrementAndGet();
        tasks.put(id, taskPolls);
        if (done != null) {
            onTaskDone.put(id, done);
        }
        return id;
    }

    @Override
    public synchronized TaskStatus taskStatus(String requestId) {
        enter("taskStatus");
        Integer left = tasks.get(requestId);
        if (left == null) {
            return TaskStatus.FAILED;
        }
        if (left > 1) {
            tasks.put(requestId, left - 1);
            return TaskStatus.RUNNING;
        }
        Runnable r = onTaskDone.remove(requestId);
        if (r != null) {
            r.run();
        }
        return TaskStatus.SUCCEEDED;
    }

    @Override
    public Optional<String> delete(String lbId) {
        enter("delete");
        Optional<String> out;
        synchronized (this) {
            out = clbs.containsKey(lbId) ? Optional.of(task(() -> clbs.remove(lbId))) : Optional.empty();
        }
        leave("delete");
        return out;
    }

    @Override
    public Optional<String> deleteListeners(String lbId, Collection<String> listenerIds) {
        enter("deleteListeners");
        synchronized (this) {
            ClbInfo c = clbs.get(lbId);
            if (c == null) {
                return Optional.empty();
            }
            List<ClbListener> kept = new ArrayList<>(c.listeners());
            kept.removeIf(l -> listenerIds.contains(l.id()));
            clbs.put(lbId, new ClbInfo(c.id(), c.name(), c.type(), c.forward(), c.vpcId(), c.subnetId(), c.vips(),
                    c.tags(), kept));
            return Optional.of(task(null));
        }
    }

    @Override
    public void tag(String lbId, Map<String, String> tags) {
        enter("tag");
        synchronized (this) {
            ClbInfo c = clbs.get(lbId);
            Map<String, String> t = new HashMap<>(c.tags());
            t.putAll(tags);
            clbs.put(lbId, new ClbInfo(c.id(), c.name(), c.type(), c.forward(), c.vpcId(), c.subnetId(), c.vips(), t,
                    c.listeners()));
        }
    }

    @Override
    public void untag(String lbId, Set<String> keys) {
        enter("untag");
        synchronized (this) {
            ClbInfo c = clbs.get(lbId);
            if (c != null) {
                Map<String, String> t = new HashMap<>(c.tags());
                t.keySet().removeAll(keys);
                clbs.put(lbId, new ClbInfo(c.id(), c.name(), c.type(), c.forward(), c.vpcId(), c.subnetId(), c.vips(), t,
                        c.listeners()));
            }
        }
        leave("untag");
    }
}
