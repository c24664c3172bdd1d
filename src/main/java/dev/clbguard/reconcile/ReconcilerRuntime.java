package dev.clbguard.reconcile;

import dev.clbguard.kube.Leadership;

import org.jboss.logging.Logger;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.policy.ClusterProfile;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Runs the {@link ReconcileLoop} while this replica holds the Lease. Off unless
 * {@code clbguard.reconciler.enabled}; it only ever sees persisted objects (informers), never admission calls.
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
    LiveIndexRuntime live;
    @Inject
    MeterRegistry registry;

    private volatile ReconcileLoop loop;

    void onStart(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("reconciler disabled (clbguard.reconciler.enabled=false)");
            return;
        }
        if (!cloud.isResolvable()) {
            LOG.error("reconciler enabled but no Tencent Cloud client (ClbCloud) is configured; not starting it");
            return;
        }
        if (live.index().isEmpty()) {
            LOG.error("reconciler enabled but the live-object index is off (clbguard.live-index.enabled=false): it "
                    + "works from the index's cache; not starting it");
            return;
        }
        loop = new ReconcileLoop(client.get(), live.index().get(), cloud.get(), profile, registry, new ReconcileLoop.Options(
                settings.workers(), settings.resync(), settings.retryBase(), settings.retryMax(), settings.taskPoll(),
                settings.cloudRate()));
        leadership.join(leading -> {
            if (leading) {
                loop.start();
            } else {
                loop.stop();
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop();
        }
    }

    public boolean running() {
        return loop != null && loop.running();
    }

    /** Test hook: stop as a crash would (in-flight tasks forgotten) and start again. */
    void restart() {
        loop.stop();
        loop.start();
    }

    /** Test hook: stop as a crash would, to change the cluster while no reconciler runs. */
    void stop() {
        loop.stop();
    }

    /** Test hook: start again after {@link #stop()}, with empty memory. */
    void start() {
        loop.start();
    }
}
