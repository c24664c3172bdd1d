package dev.clbguard.live;

import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Runs the {@link LiveIndex} on every replica (not only the leader: every replica answers admission) when
 * {@code clbguard.live-index.enabled}. Absent otherwise, and then denials name owners by uid only.
 */
@ApplicationScoped
public class LiveIndexRuntime {

    private static final Logger LOG = Logger.getLogger(LiveIndexRuntime.class);

    @Inject
    LiveIndexSettings settings;
    @Inject
    Instance<KubernetesClient> client;

    private volatile LiveIndex index;

    void onStart(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("live-object index disabled (clbguard.live-index.enabled=false): owners are named by uid only");
            return;
        }
        index = new LiveIndex(client.get()).start();
        LOG.info("live-object index started: informers on Services and Ingresses (list, watch)");
    }

    void onStop(@Observes ShutdownEvent event) {
        if (index != null) {
            index.close();
        }
    }

    /** The index, where there is one; callers treat an unsynced index as no index. */
    public Optional<LiveIndex> index() {
        return Optional.ofNullable(index);
    }
}
