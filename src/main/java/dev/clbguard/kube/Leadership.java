package dev.clbguard.kube;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.clbguard.config.WebhookSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Leader election on a coordination.k8s.io Lease: every replica serves the webhook, only the leader reconciles
 * and audits. Started only when something joins (the reconciler or the audit, when enabled); a lost lease
 * stops the leader's work and the replica stands for election again.
 */
@ApplicationScoped
public class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);

    @Inject
    LeaseSettings lease;
    @Inject
    WebhookSettings webhook;
    @Inject
    Instance<KubernetesClient> client;

    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "clbguard-leader-election");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean leader;
    private volatile boolean closed;
    private CompletableFuture<?> election;
    private String identity;

    /** Registers work to start when this replica leads and stop when it no longer does. */
    public synchronized void join(Consumer<Boolean> listener) {
        listeners.add(listener);
        if (election == null && !closed) {
            identity = lease.identity().orElseGet(() -> System.getenv().getOrDefault("HOSTNAME",
                    "clbguard-" + UUID.randomUUID().toString().substring(0, 8)));
            run();
        } else if (leader) {
            listener.accept(true);
        }
    }

    public boolean isLeader() {
        return leader;
    }

    private synchronized void run() {
        if (closed) {
            return;
        }
        String ns = lease.namespace().orElse(webhook.namespace());
        election = client.get().leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(lease.name())
                .withLock(new UpdatingLeaseLock(ns, lease.name(), identity))
                .withLeaseDuration(lease.duration()).withRenewDeadline(lease.renewDeadline())
                .withRetryPeriod(lease.retryPeriod()).withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> changed(true), () -> changed(false),
                        who -> LOG.infof("leader is now %s", who)))
                .build()).build().start();
        election.whenComplete((ok, error) -> {
            changed(false);
            if (error != null && !closed && !(error instanceof java.util.concurrent.CancellationException)) {
                LOG.warnf("leader election on Lease %s/%s failed: %s; trying again", ns, lease.name(), error.getMessage());
            }
            if (!closed) {
                // Lost the lease (or the API server was unreachable): stand again.
                executor.schedule(this::run, lease.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void changed(boolean leading) {
        if (leader == leading) {
            return;
        }
        leader = leading;
        LOG.infof("%s %s the lease", identity, leading ? "holds" : "no longer holds");
        for (Consumer<Boolean> l : listeners) {
            try {
                l.accept(leading);
            } catch (RuntimeException e) {
                LOG.error("leader work failed to " + (leading ? "start" : "stop"), e);
            }
        }
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (election != null) {
            election.cancel(true);
        }
        executor.shutdownNow();
    }
}
