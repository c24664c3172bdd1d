package dev.clbguard.guardian;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.reconcile.Leadership;
import dev.clbguard.reconcile.ReconcilerSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Sweeps every {@code clbguard.reconciler.sweep-interval} on the leader, with the reconciler: on whenever it is
 * on. Needs the live-object index (an owner's absence means nothing without it) and a {@link ClbCloud}.
 */
@ApplicationScoped
public class GuardianRuntime {

    private static final Logger LOG = Logger.getLogger(GuardianRuntime.class);

    @Inject
    ReconcilerSettings settings;
    @Inject
    Leadership leadership;
    @Inject
    LiveIndexRuntime live;
    @Inject
    Instance<KubernetesClient> client;
    @Inject
    Instance<ClbCloud> cloud;
    @Inject
    ClusterProfile profile;
    @Inject
    MeterRegistry registry;

    private volatile Guardian guardian;
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> task;

    void onStart(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            return;
        }
        if (!cloud.isResolvable() || live.index().isEmpty()) {
            LOG.error("guardian not started: it needs a Tencent Cloud client and the live-object index "
                    + "(clbguard.live-index.enabled=true)");
            return;
        }
        guardian = new Guardian(cloud.get(), live.index().get(), client.get(), registry,
                new Guardian.Options(profile.clusterId(), settings.orphanGrace(), settings.convergeTimeout(),
                        settings.repair(), settings.repairRate()),
                System::currentTimeMillis);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clbguard-guardian");
            t.setDaemon(true);
            return t;
        });
        LOG.infof("guardian: sweeps every %s on the leader, repair %s", settings.sweepInterval(),
                settings.repair() ? "on (at most " + settings.repairRate() + " cloud writes a minute)" : "off (report only)");
        leadership.join(this::leading);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private synchronized void leading(boolean leading) {
        if (leading && task == null) {
            task = executor.scheduleWithFixedDelay(this::sweepSafely, 0, settings.sweepInterval().toMillis(),
                    TimeUnit.MILLISECONDS);
        } else if (!leading && task != null) {
            task.cancel(true);
            task = null;
        }
    }

    private void sweepSafely() {
        try {
            guardian.sweep();
        } catch (RuntimeException e) {
            LOG.warnf("guardian sweep failed (%s); next one in %s", e.getMessage(), settings.sweepInterval());
        }
    }

    /** The guardian on this replica, or null where it does not run. */
    public Guardian guardian() {
        return guardian;
    }
}
