package dev.clbguard.reconcile;

import dev.clbguard.kube.EventRecorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.live.LiveIndex;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.ResourceKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The shared cache's events ({@link LiveIndex}: one informer per kind for the whole replica) feeding a
 * {@link WorkQueue} keyed by kind/namespace/name, and workers running {@link Reconciler} passes, requeued by their
 * result; every {@code resync} each object of clbguard's is looked at again, from the cache. Plain Java (no CDI)
 * so the benchmark can run it; {@link ReconcilerRuntime} starts it on the leader.
 */
public final class ReconcileLoop {

    private static final Logger LOG = Logger.getLogger(ReconcileLoop.class);

    public record Options(int workers, Duration resync, Duration retryBase, Duration retryMax, Duration taskPoll,
            double cloudRate) {
    }

    private final KubernetesClient client;
    private final LiveIndex index;
    private final ClbCloud cloud;
    private final ClusterProfile profile;
    private final MeterRegistry registry;
    private final Options options;
    private volatile WorkQueue<ObjectKey> queue;
    private final Map<ResourceKind, ResourceEventHandler<HasMetadata>> handlers = new EnumMap<>(ResourceKind.class);
    private final List<Thread> workers = new ArrayList<>();
    private ScheduledExecutorService resyncs;

    public ReconcileLoop(KubernetesClient client, LiveIndex index, ClbCloud cloud, ClusterProfile profile,
            MeterRegistry registry, Options options) {
        this.client = client;
        this.index = index;
        this.cloud = cloud;
        this.profile = profile;
        this.registry = registry;
        this.options = options;
        registry.gauge("clbguard.reconcile.queue.depth", this, ReconcileLoop::depth);
    }

    public boolean running() {
        return queue != null;
    }

    public int depth() {
        WorkQueue<ObjectKey> q = queue;
        return q == null ? 0 : q.depth();
    }

    /** Starts with empty memory: no in-flight task is known, exactly as after a process restart. */
    public synchronized void start() {
        if (queue != null) {
            return;
        }
        Reconciler reconciler = new Reconciler(client, new MeteredCloud(cloud, registry, options.cloudRate()), profile,
                new EventRecorder(client), options.taskPoll(), k -> index.cached(k.kind(), k.namespace(), k.name()));
        WorkQueue<ObjectKey> q = new WorkQueue<>(options.retryBase(), options.retryMax());
        queue = q;
        for (ResourceKind kind : List.of(ResourceKind.SERVICE, ResourceKind.INGRESS)) {
            ResourceEventHandler<HasMetadata> h = handler(q, kind);
            handlers.put(kind, h);
            index.addHandler(kind, h); // told of every cached object first: the first full pass
        }
        long resync = Math.max(1000, options.resync().toMillis());
        resyncs = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clbguard-reconcile-resync");
            t.setDaemon(true);
            return t;
        });
        resyncs.scheduleWithFixedDelay(() -> resync(q), resync, resync, TimeUnit.MILLISECONDS);
        for (int i = 0; i < Math.max(1, options.workers()); i++) {
            Thread t = new Thread(() -> work(q, reconciler), "clbguard-reconcile-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        LOG.infof("reconciler started: %d workers, cloud calls limited to %.0f/s per action", workers.size(),
                options.cloudRate());
    }

    /** Stops informers and workers (interrupting cloud calls in flight) and forgets every task, as a crash would. */
    public synchronized void stop() {
        WorkQueue<ObjectKey> q = queue;
        if (q == null) {
            return;
        }
        queue = null;
        q.shutdown();
        handlers.forEach(index::removeHandler);
        handlers.clear();
        resyncs.shutdownNow();
        workers.forEach(Thread::interrupt);
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
        LOG.info("reconciler stopped");
    }

    /** Every object of clbguard's, from the cache: what a level-triggered controller must look at again now and then. */
    private void resync(WorkQueue<ObjectKey> q) {
        for (LiveIndex.Entry e : index.all()) {
            enqueue(q, e.kind(), e.object());
        }
    }

    private static void enqueue(WorkQueue<ObjectKey> q, ResourceKind kind, HasMetadata obj) {
        Subject s = Subject.of(obj);
        if (s.managed() || s.hasFinalizer()) {
            q.add(new ObjectKey(kind, obj.getMetadata().getNamespace(), obj.getMetadata().getName()));
        }
    }

    private static ResourceEventHandler<HasMetadata> handler(WorkQueue<ObjectKey> q, ResourceKind kind) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata obj) {
                enqueue(q, kind, obj);
            }

            @Override
            public void onUpdate(HasMetadata old, HasMetadata obj) {
                // Skip the echo of our own writes (old is the cache's lean copy; it keeps every input).
                if (!Subject.of(old).inputs().equals(Subject.of(obj).inputs())) {
                    enqueue(q, kind, obj);
                }
            }

            @Override
            public void onDelete(HasMetadata obj, boolean unknownFinalState) {
                // Gone for good: the finalizer would have kept it while it still held a CLB.
            }
        };
    }

    private void work(WorkQueue<ObjectKey> q, Reconciler r) {
        while (!Thread.currentThread().isInterrupted()) {
            ObjectKey key;
            try {
                key = q.take(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                if (queue != q) {
                    return;
                }
                continue;
            }
            String outcome;
            try {
                Reconciler.Result result = r.reconcile(key);
                if (result instanceof Reconciler.Result.Done) {
                    q.forget(key);
                    outcome = "done";
                } else if (result instanceof Reconciler.Result.After a) {
                    q.forget(key);
                    q.addAfter(key, a.delay());
                    outcome = "waiting";
                } else {
                    q.addRateLimited(key);
                    outcome = "retry";
                }
            } catch (KubernetesClientException e) {
                // 409: the object changed since it was read; anything else: the API server is unwell. Retry both.
                q.addRateLimited(key);
                outcome = e.getCode() == 409 ? "conflict" : "error";
                if (e.getCode() != 409) {
                    LOG.warnf("reconcile %s: Kubernetes API error %d: %s", key, e.getCode(), e.getMessage());
                }
            } catch (RuntimeException e) {
                q.addRateLimited(key);
                outcome = "error";
                if (queue == q) {
                    LOG.errorf(e, "reconcile %s failed", key);
                }
            } finally {
                q.done(key);
            }
            Counter.builder("clbguard.reconcile.total").description("Reconcile passes by outcome")
                    .tags("kind", key.kind().kind(), "outcome", outcome).register(registry).increment();
        }
    }
}
