package dev.clbguard.admission;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jboss.logging.Logger;

import dev.clbguard.config.WebhookSettings;
import dev.clbguard.kube.ClaimLeases;
import dev.clbguard.kube.LeaderSchedule;
import dev.clbguard.kube.Leadership;
import dev.clbguard.live.LiveIndex;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.policy.clb.Claims;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Runs the claim Leases where {@code clbguard.claims.leases} (where there is an API server): {@link LeaseClaims} for
 * every replica's admissions, with a client that gives up within the claim budget and never retries on its own,
 * and the leader's {@link ClaimSweep}, fed by an informer on the claim Leases that runs only while it leads.
 */
@ApplicationScoped
public class LeaseClaimsRuntime {

    private static final Logger LOG = Logger.getLogger(LeaseClaimsRuntime.class);

    @Inject
    ClaimSettings settings;
    @Inject
    WebhookSettings webhook;
    @Inject
    Instance<KubernetesClient> client;
    @Inject
    Instance<Leadership> leadership;
    @Inject
    LiveIndexRuntime live;

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "clbguard-claims");
        t.setDaemon(true);
        return t;
    });
    private final Clock clock = Clock.systemUTC();
    private volatile LeaseClaims claims;
    private ClaimLeases unbudgeted;
    private ClaimSweep sweep;
    private LeaderSchedule schedule;
    private SharedIndexInformer<Lease> informer;
    private CompletableFuture<Void> started;

    void onStart(@Observes StartupEvent event) {
        if (!settings.leases()) {
            return;
        }
        KubernetesClient base = client.get();
        int millis = (int) settings.budget().toMillis();
        KubernetesClient budgeted = base.newClient(new RequestConfigBuilder(base.getConfiguration().getRequestConfig())
                .withRequestTimeout(millis).withRequestRetryBackoffLimit(0).build()).adapt(KubernetesClient.class);
        claims = new LeaseClaims(new ClaimLeases(budgeted, webhook.namespace(), settings.window()), settings.window(),
                settings.budget(), clock, executor);
        unbudgeted = new ClaimLeases(base, webhook.namespace(), settings.window());
        sweep = new ClaimSweep(unbudgeted, settings.window());
        Leadership l = leadership.get();
        l.join(leading -> {
            if (!leading) {
                stopInformer();
            }
        });
        schedule = LeaderSchedule.start(l, "clbguard-claim-sweep", settings.sweepInterval(), this::sweep);
        LOG.infof("claims on CLBs are Leases in namespace %s (window %s)", webhook.namespace(), settings.window());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (schedule != null) {
            schedule.stop();
        }
        stopInformer();
        executor.shutdownNow();
    }

    /** The claim Leases, where they are on. */
    public Optional<LeaseClaims> claims() {
        return Optional.ofNullable(claims);
    }

    /**
     * The live objects' claims: none without an index (no holder is ever live), empty while the index is still
     * listing (any holder may be: a replica that just started takes over nothing).
     */
    public Optional<Claims> live() {
        LiveIndex index = live.index().orElse(null);
        if (index == null) {
            return Optional.of(Claims.NONE);
        }
        return index.synced() ? Optional.of(index::claims) : Optional.empty();
    }

    private void sweep() {
        try {
            LiveIndex index = live.index().orElse(null);
            SharedIndexInformer<Lease> leases = informer();
            // Without an index no holder is ever live, in admission as here: expired ones are released.
            if ((index == null || index.synced()) && leases.hasSynced()) {
                sweep.pass(leases.getStore().list(), index == null ? Claims.NONE : index::claims, clock.instant());
            }
        } catch (RuntimeException e) {
            // The next pass tries again; a schedule that throws would stop for good.
            LOG.warnf("claim sweep failed: %s", e.getMessage());
        }
    }

    /** Started without waiting for its list; one whose start failed, or that stopped, is replaced at the next pass. */
    private synchronized SharedIndexInformer<Lease> informer() {
        if (informer != null && (started.isCompletedExceptionally() || informer.stopped().toCompletableFuture().isDone())) {
            stopInformer();
        }
        if (informer == null) {
            informer = unbudgeted.informer();
            started = informer.start().toCompletableFuture();
        }
        return informer;
    }

    private synchronized void stopInformer() {
        if (informer != null) {
            informer.close();
            informer = null;
        }
    }
}
