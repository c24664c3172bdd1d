package dev.clbguard.reconcile;

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
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Runs the reconciler on the leader: informers on Services and Ingresses feed a {@link WorkQueue} keyed by
 * kind/namespace/name; workers run {@link Reconciler} passes and requeue by their result. Off unless
 * {@code clbguard.reconciler.enabled}; never started by admission calls.
 */
@ApplicationScoped
public class ReconcilerRuntime {

    private static final Logger LOG = Logger.getLogger(ReconcilerRuntime.class);

    @Inject
    ReconcilerSettings settings;
    @Inject
    Leadership leadership;
    @Inject
    Instance<KubernetesClient> client;
    @Inject
    Instance<ClbCloud> cloud;
    @Inject
    ClusterProfile profile;
    @Inject
    MeterRegistry registry;

    private volatile WorkQueue<ObjectKey> queue;
    private Reconciler reconciler;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();

    void onStart(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("reconciler disabled (clbguard.reconciler.enabled=false)");
            return;
        }
        if (!cloud.isResolvable()) {
            LOG.error("reconciler enabled but no Tencent Cloud client (ClbCloud) is configured; not starting it");
            return;
        }
        registry.gauge("clbguard.reconcile.queue.depth", this, r -> r.queue == null ? 0 : r.queue.depth());
        leadership.join(leading -> {
            if (leading) {
                start();
            } else {
                stop();
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public boolean running() {
        return queue != null;
    }

    synchronized void start() {
        if (queue != null) {
            return;
        }
        KubernetesClient k8s = client.get();
        reconciler = new Reconciler(k8s, new MeteredCloud(cloud.get(), registry, settings.cloudRate()), profile,
                new EventRecorder(k8s), settings.taskPoll());
        WorkQueue<ObjectKey> q = new WorkQueue<>(settings.retryBase(), settings.retryMax());
        queue = q;
        long resync = settings.resync().toMillis();
        informers.add(k8s.services().inAnyNamespace().inform(handler(q, ResourceKind.SERVICE), resync));
        informers.add(k8s.network().v1().ingresses().inAnyNamespace().inform(handler(q, ResourceKind.INGRESS), resync));
        for (int i = 0; i < Math.max(1, settings.workers()); i++) {
            Thread t = new Thread(() -> work(q), "clbguard-reconcile-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        LOG.infof("reconciler started: %d workers, cloud calls limited to %.0f/s", workers.size(), settings.cloudRate());
    }

    /** Stops informers and workers and forgets every in-flight task, as a crash would. */
    synchronized void stop() {
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
                enqueue(obj);
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                // Deleted for good: nothing left to release (the finalizer would have kept it otherwise).
            }

            private void enqueue(T obj) {
                Subject s = Subject.of(obj);
                if (s.managed() || s.hasFinalizer()) {
                    q.add(new ObjectKey(kind, obj.getMetadata().getNamespace(), obj.getMetadata().getName()));
                }
            }
        };
    }

    private void work(WorkQueue<ObjectKey> q) {
        Reconciler r = reconciler;
        while (!Thread.currentThread().isInterrupted()) {
            ObjectKey key;
            try {
                key = q.take(java.time.Duration.ofSeconds(1));
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
                // 409: someone changed the object since it was read; anything else: the API server is unwell.
                q.addRateLimited(key);
                outcome = e.getCode() == 409 ? "conflict" : "error";
                if (e.getCode() != 409) {
                    LOG.warnf("reconcile %s: Kubernetes API error %d: %s", key, e.getCode(), e.getMessage());
                }
            } catch (RuntimeException e) {
                q.addRateLimited(key);
                outcome = "error";
                LOG.errorf(e, "reconcile %s failed", key);
            } finally {
                q.done(key);
            }
            Counter.builder("clbguard.reconcile.total").description("Reconcile passes by outcome")
                    .tags("kind", key.kind().kind(), "outcome", outcome).register(registry).increment();
        }
    }

    /** Test hook: stop as a crash would (in-flight tasks forgotten) and start again. */
    synchronized void restart() {
        stop();
        start();
    }
}
