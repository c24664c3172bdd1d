package dev.clbguard.guardian;


import org.jboss.logging.Logger;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.kube.LeaderSchedule;
import dev.clbguard.kube.Leadership;
import dev.clbguard.reconcile.ReconcilerSettings;
import dev.clbguard.reports.ReportPublisher;
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
    @Inject
    ReportPublisher reports;

    private volatile Guardian guardian;
    private LeaderSchedule schedule;

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
        LOG.infof("guardian: sweeps every %s on the leader, repair %s", settings.sweepInterval(),
                settings.repair() ? "on (at most " + settings.repairRate() + " cloud writes a minute)" : "off (report only)");
        schedule = LeaderSchedule.start(leadership, "clbguard-guardian", settings.sweepInterval(), this::sweepSafely);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (schedule != null) {
            schedule.stop();
        }
    }

    private void sweepSafely() {
        try {
            GuardianReport report = guardian.sweep();
            // A sweep skipped before the informers synced judged nothing: it must not empty the reports.
            if (!(report.clbsSwept() == 0 && report.held() != null)) {
                reports.publishClbs(GuardianResults.of(report));
            }
        } catch (RuntimeException e) {
            LOG.warnf("guardian sweep failed (%s); next one in %s", e.getMessage(), settings.sweepInterval());
        }
    }

    /** The guardian on this replica, or null where it does not run. */
    public Guardian guardian() {
        return guardian;
    }
}
