package dev.clbguard.reconcile;

import dev.clbguard.kube.EventRecorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.ResourceKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Informers on Services and Ingresses feeding a {@link WorkQueue} keyed by kind/namespace/name, and workers
 * running {@link Reconciler} passes, requeued by their result. Plain Java (no CDI) so the benchmark can run it;
 * {@link ReconcilerRuntime} starts it on the leader.
 */
public final class ReconcileLoop {

    private static final Logger LOG = Logger.getLogger(ReconcileLoop.class);

    public record Options(int workers, Duration resync, Duration retryBase, Duration retryMax, Duration taskPoll,
            double cloudRate) {
    }

    private final KubernetesClient client;
    private final ClbCloud cloud;
    private final ClusterProfile profile;
    private final MeterRegistry registry;
    private final Options options;
    private volatile WorkQueue<ObjectKey> queue;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();

    public ReconcileLoop(KubernetesClient client, ClbCloud cloud, ClusterProfile profile, MeterRegistry registry,
            Options options) {
        this.client = client;
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
                new EventRecorder(client), options.taskPoll());
        WorkQueue<ObjectKey> q = new WorkQueue<>(options.retryBase(), options.retryMax());
        queue = q;
        long resync = options.resync().toMillis();
        informers.add(client.services().inAnyNamespace().inform(handler(q, ResourceKind.SERVICE), resync));
        informers.add(client.network().v1().ingresses().inAnyNamespace().inform(handler(q, ResourceKind.INGRESS), resync));
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
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
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

    private <T extends HasMetadata> ResourceEventHandler<T> handler(WorkQueue<ObjectKey> q, ResourceKind kind) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                enqueue(obj);
            }

            @Override
            public void onUpdate(T old, T obj) {
                // Skip the echo of our own writes; a resync (same resourceVersion) is always looked at again.
                boolean resync = java.util.Objects.equals(old.getMetadata().getResourceVersion(),
                        obj.getMetadata().getResourceVersion());
                if (resync || !Subject.of(old).inputs().equals(Subject.of(obj).inputs())) {
                    enqueue(obj);
                }
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                // Gone for good: the finalizer would have kept it while it still held a CLB.
            }

            private void enqueue(T obj) {
                Subject s = Subject.of(obj);
                if (s.managed() || s.hasFinalizer()) {
                    q.add(new ObjectKey(kind, obj.getMetadata().getNamespace(), obj.getMetadata().getName()));
                }
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
