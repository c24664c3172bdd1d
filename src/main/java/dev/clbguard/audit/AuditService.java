package dev.clbguard.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import dev.clbguard.policyfiles.PolicyStore;
import dev.clbguard.facts.ClbDirectory;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Decision;
import dev.clbguard.policy.FactsSource;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.kube.EventRecorder;
import dev.clbguard.kube.LeaderSchedule;
import dev.clbguard.kube.Leadership;
import dev.clbguard.live.LiveIndex;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.reports.AuditResults;
import dev.clbguard.reports.ObjectResult;
import dev.clbguard.reports.ReportPublisher;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The background audit (docs/reconciler.md): on the leader, every interval, every existing Service and Ingress is
 * judged by the same {@link PolicyEngine} as admission: "would it be admitted today?" ({@link Origin#AUDIT},
 * CREATE of the stored object, which carries its uid; an UPDATE would grandfather what was already there). Findings become a report, a gauge per policy and namespace, one Warning Event per object
 * each time its findings change, and (every result, passes included) PolicyReports.
 */
@ApplicationScoped
public class AuditService {

    private static final Logger LOG = Logger.getLogger(AuditService.class);

    @Inject
    AuditSettings settings;
    @Inject
    Leadership leadership;
    @Inject
    Instance<KubernetesClient> client;
    @Inject
    ClbDirectory directory;
    @Inject
    PolicyStore policies;
    @Inject
    ClusterProfile profile;
    @Inject
    MeterRegistry registry;
    @Inject
    ReportPublisher reports;
    @Inject
    LiveIndexRuntime live;

    private final Map<String, Set<String>> lastFindings = new ConcurrentHashMap<>();
    private volatile AuditReport report;
    private MultiGauge violations;
    private LeaderSchedule schedule;
    private EventRecorder events;

    void onStart(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("background audit disabled (clbguard.audit.enabled=false)");
            return;
        }
        violations = MultiGauge.builder("clbguard.audit.violations")
                .description("Policy violations found by the last audit, by policy and namespace").register(registry);
        events = new EventRecorder(client.get());
        schedule = LeaderSchedule.start(leadership, "clbguard-audit", settings.interval(), this::runSafely);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (schedule != null) {
            schedule.stop();
        }
    }

    /** The last completed report, or null before the first audit on this replica. */
    public AuditReport report() {
        return report;
    }

    private void runSafely() {
        try {
            run();
        } catch (RuntimeException e) {
            LOG.error("audit pass failed; next one in " + settings.interval(), e);
        }
    }

    /** One audit pass over every Service and Ingress. */
    public synchronized AuditReport run() {
        long start = System.nanoTime();
        List<HasMetadata> objects = objects();
        if (objects == null) {
            LOG.info("audit skipped: the live-object index has not synced yet");
            return report;
        }
        // Every object is judged against the others naming its CLB: two live objects TKE cannot serve both are
        // reported on each, naming the other.
        List<Claim> claims = new ArrayList<>();
        objects.forEach(o -> Claim.of(o, LiveIndex.NOT_TAGGED).ifPresent(claims::add));
        Claims named = Claims.of(claims);
        FactsSource facts = ids -> lookup(ids).withClaims(named);
        List<AuditReport.Finding> findings = new ArrayList<>();
        Map<List<String>, Integer> counts = new HashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        List<ObjectResult> results = new ArrayList<>();
        for (HasMetadata obj : objects) {
            ResourceKind kind = ResourceKind.of(obj.getKind()).orElseThrow();
            var m = obj.getMetadata();
            seen.add(m.getUid());
            Decision d = PolicyEngine.evaluate(new ObjectReview(kind, Operation.CREATE, obj, null, false, Origin.AUDIT),
                    policies.current(), profile, facts);
            results.addAll(AuditResults.of(obj, d));
            Set<String> messages = new LinkedHashSet<>();
            List<Verdict> verdicts = new ArrayList<>(d.denials());
            verdicts.addAll(d.warnings());
            for (Verdict v : verdicts) {
                String effect = v.effect() == Verdict.Effect.DENY ? "deny" : "warn";
                findings.add(new AuditReport.Finding(kind.kind(), m.getNamespace(), m.getName(), v.policyId(), effect,
                        v.message()));
                counts.merge(List.of(v.policyId(), m.getNamespace()), 1, Integer::sum);
                messages.add(v.message());
            }
            Set<String> previous = lastFindings.put(m.getUid(), messages);
            if (!messages.isEmpty() && !messages.equals(previous)) {
                for (String message : messages) {
                    events.warning(obj, "PolicyViolation", message);
                }
            }
        }
        lastFindings.keySet().retainAll(seen);
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((k, n) -> rows.add(MultiGauge.Row.of(Tags.of("policy", k.get(0), "namespace", k.get(1)), n)));
        violations.register(rows, true);
        AuditReport r = new AuditReport(Instant.now().toString(), (System.nanoTime() - start) / 1_000_000,
                objects.size(), findings.size(), List.copyOf(findings));
        report = r;
        reports.publishObjects(results);
        LOG.infof("audit: %d objects, %d findings", r.objectsScanned(), r.violations());
        return r;
    }

    /**
     * Every Service and Ingress: the live-object index's lean copies (no API call), or, where the index is off,
     * one list of each; null while the index has not synced.
     */
    private List<HasMetadata> objects() {
        Optional<LiveIndex> index = live.index();
        if (index.isPresent()) {
            return index.get().synced() ? index.get().all().stream().map(LiveIndex.Entry::object).toList() : null;
        }
        KubernetesClient k8s = client.get();
        List<HasMetadata> objects = new ArrayList<>();
        objects.addAll(k8s.services().inAnyNamespace().list().getItems());
        objects.addAll(k8s.network().v1().ingresses().inAnyNamespace().list().getItems());
        return objects;
    }

    private ClbFacts lookup(Set<String> ids) {
        return directory.lookup(ids, settings.lookupBudget());
    }
}
