package dev.clbguard.reports;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.clbguard.kube.KubeJson;
import dev.clbguard.kube.Leadership;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Publishes results as PolicyReport / ClusterPolicyReport (and/or OpenReports Report / ClusterReport, per
 * {@code clbguard.reports.api}). The entry point for every producer of results:
 * <ul>
 * <li>{@link #publishObjects}: the background audit, after each pass, with every (object, policy) result;</li>
 * <li>{@link #publishClbs}: a sweep of the CLBs, with its findings ({@link ClbResult});</li>
 * <li>{@link #publish}: both at once.</li>
 * </ul>
 * Each call replaces that producer's part and brings the reports in line: created when missing, patched in
 * place (JSON Patch, never delete-and-recreate) when their content differs, left alone otherwise; a
 * report whose results are all gone is emptied. Only the leader writes. Where a report CRD is not installed
 * this is logged once and that API is skipped; the other outputs (audit report, metrics, Events) go on.
 * Failures are logged, never thrown: reports are one output among several.
 */
@ApplicationScoped
public class ReportPublisher {

    private static final Logger LOG = Logger.getLogger(ReportPublisher.class);
    private static final List<String> KNOWN_KINDS = List.of(ClbResult.LEAKED_CLB, ClbResult.STALE_OWNER_TAG,
            ClbResult.UNOWNED_CLB, ClbResult.NOT_CONVERGED);

    /** What one call did, per API and in total. */
    public record Writes(int created, int patched, int unchanged, int failed) {
        Writes plus(Writes o) {
            return new Writes(created + o.created, patched + o.patched, unchanged + o.unchanged, failed + o.failed);
        }
    }

    public static final Writes NOTHING = new Writes(0, 0, 0, 0);

    @Inject
    ReportsSettings settings;
    @Inject
    Leadership leadership;
    @Inject
    Instance<KubernetesClient> client;
    @Inject
    MeterRegistry registry;

    private List<ObjectResult> objects = List.of();
    /** Null until a CLB sweep has published: until then the cluster-wide report is left as it is. */
    private List<ClbResult> clbs;
    private final Set<ReportApi> missing = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> findings = new ConcurrentHashMap<>();
    /** Per API: the content last brought in line, and when the reports were last read back. */
    private final Map<ReportApi, Synced> synced = new ConcurrentHashMap<>();

    /**
     * A cluster at rest gets the same results every pass: they are compared here, not read from the API server. The
     * lists are the ones in force when the reports were brought in line (kept, not copied: see {@link #publish}).
     */
    record Synced(List<ObjectResult> objects, List<ClbResult> clbs, long atNanos) {
    }

    /** Even unchanged results are checked against the reports this often (one deleted by hand comes back). */
    static final long RECHECK_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

    void onStart(@Observes StartupEvent event) {
        KNOWN_KINDS.forEach(this::findingsGauge); // the alerts' series exist (at 0) before the first sweep
    }

    public synchronized Writes publishObjects(Collection<ObjectResult> objectResults) {
        return publish(objectResults, clbs);
    }

    public synchronized Writes publishClbs(Collection<ClbResult> clbResults) {
        return publish(objects, clbResults);
    }

    /** Replaces both parts; a null part stays as it was. */
    public Writes publish(Collection<ObjectResult> objectResults, Collection<ClbResult> clbResults) {
        return publish(objectResults, clbResults, settings.api().apis());
    }

    synchronized Writes publish(Collection<ObjectResult> objectResults, Collection<ClbResult> clbResults,
            List<ReportApi> apis) {
        if (objectResults != null) {
            List<ObjectResult> next = List.copyOf(objectResults);
            objects = next.equals(objects) ? objects : next; // unchanged results: one list, not two, in memory
        }
        if (clbResults != null) {
            List<ClbResult> next = List.copyOf(clbResults);
            clbs = next.equals(clbs) ? clbs : next;
            Map<String, Integer> counts = new HashMap<>();
            clbs.stream().filter(c -> c.result() != Outcome.PASS).forEach(c -> counts.merge(c.kind(), 1, Integer::sum));
            KNOWN_KINDS.forEach(k -> counts.putIfAbsent(k, 0));
            findings.keySet().forEach(k -> counts.putIfAbsent(k, 0));
            counts.forEach((kind, n) -> findingsGauge(kind).set(n));
        }
        if (!leadership.isLeader()) {
            synced.clear(); // another leader may write in between: when this one leads again, it reads back first
            return NOTHING; // only the leader writes; its own audit and sweep publish the same results
        }
        Writes total = NOTHING;
        for (ReportApi api : apis) {
            try {
                total = total.plus(sync(api));
            } catch (KubernetesClientException e) {
                LOG.warnf("%s reports not written: %s", api.apiVersion(), e.getMessage());
                total = total.plus(new Writes(0, 0, 0, 1));
            } catch (RuntimeException e) {
                LOG.error(api.apiVersion() + " reports not written", e); // a bug: the audit itself goes on
                total = total.plus(new Writes(0, 0, 0, 1));
            }
        }
        return total;
    }

    private Writes sync(ReportApi api) {
        List<ClbResult> known = clbs == null ? List.of() : clbs;
        Synced last = synced.get(api);
        long now = System.nanoTime();
        if (last != null && last.objects().equals(objects) && java.util.Objects.equals(last.clbs(), clbs)
                && now - last.atNanos() < RECHECK_NANOS) {
            return NOTHING; // the same results as the last pass, already in the reports
        }
        synced.remove(api);
        KubernetesClient k8s = client.get();
        if (!installed(k8s, api)) {
            return NOTHING;
        }
        Map<PolicyReports.Target, GenericKubernetesResource> existing = new HashMap<>();
        k8s.genericKubernetesResources(api.namespaced()).inAnyNamespace().withLabel(PolicyReports.MANAGED_BY,
                PolicyReports.SOURCE).list().getItems().stream().filter(r -> PolicyReports.NAME.equals(r.getMetadata().getName()))
                .forEach(r -> existing.put(new PolicyReports.Target(r.getMetadata().getNamespace()), r));
        k8s.genericKubernetesResources(api.cluster()).withLabel(PolicyReports.MANAGED_BY, PolicyReports.SOURCE).list()
                .getItems().stream().filter(r -> PolicyReports.NAME.equals(r.getMetadata().getName()))
                .forEach(r -> existing.put(PolicyReports.CLUSTER, r));

        Map<PolicyReports.Target, Map<String, Object>> desired = new LinkedHashMap<>(
                PolicyReports.build(api, objects, known));
        existing.keySet().forEach(t -> desired.putIfAbsent(t, PolicyReports.empty(api)));
        if (clbs == null) {
            desired.remove(PolicyReports.CLUSTER);
        }
        int created = 0, patched = 0, unchanged = 0, failed = 0;
        for (var e : desired.entrySet()) {
            PolicyReports.Target target = e.getKey();
            GenericKubernetesResource current = existing.get(target);
            try {
                if (current == null) {
                    create(k8s, api, target, e.getValue());
                    created++;
                    count(api, "create");
                } else if (!same(current, e.getValue())) {
                    patch(k8s, api, target, e.getValue());
                    patched++;
                    count(api, "patch");
                } else {
                    unchanged++;
                }
            } catch (KubernetesClientException ex) {
                failed++;
                count(api, "failed");
                LOG.warnf("could not write %s %s: %s", target == PolicyReports.CLUSTER ? api.clusterKind : api.kind,
                        where(target), ex.getMessage());
            }
        }
        if (failed == 0) {
            synced.put(api, new Synced(objects, clbs, now));
        }
        if (created + patched + failed > 0) {
            LOG.infof("%s reports: %d created, %d updated, %d unchanged, %d failed", api.apiVersion(), created,
                    patched, unchanged, failed);
        }
        return new Writes(created, patched, unchanged, failed);
    }

    /** Asks API discovery whether both report kinds are served; says so once when they are not. */
    private boolean installed(KubernetesClient k8s, ReportApi api) {
        APIResourceList served = k8s.getApiResources(api.apiVersion());
        Set<String> names = served == null || served.getResources() == null ? Set.of()
                : Set.copyOf(served.getResources().stream().map(APIResource::getName).toList());
        boolean ok = names.contains(api.plural) && names.contains(api.clusterPlural);
        if (!ok && missing.add(api)) {
            LOG.warnf("%s is not served (the %s and %s CRDs are not installed): clbguard does not write these"
                    + " reports; its audit report, metrics and Events go on. Install them with"
                    + " kubectl apply -k webhook-config/overlays/policy-reports", api.apiVersion(), api.kind,
                    api.clusterKind);
        } else if (ok && missing.remove(api)) {
            LOG.infof("%s is now served: writing %s and %s", api.apiVersion(), api.kind, api.clusterKind);
        }
        return ok;
    }

    private static boolean same(GenericKubernetesResource current, Map<String, Object> content) {
        ObjectMapper json = KubeJson.mapper();
        Map<String, Object> has = current.getAdditionalProperties();
        for (var e : content.entrySet()) {
            if (!json.valueToTree(e.getValue()).equals(json.valueToTree(has.get(e.getKey())))) {
                return false;
            }
        }
        return true;
    }

    private static ResourceDefinitionContext context(ReportApi api, PolicyReports.Target target) {
        return target.namespace() == null ? api.cluster() : api.namespaced();
    }

    private static void create(KubernetesClient k8s, ReportApi api, PolicyReports.Target target, Map<String, Object> content) {
        GenericKubernetesResource r = new GenericKubernetesResourceBuilder().withApiVersion(api.apiVersion())
                .withKind(target.namespace() == null ? api.clusterKind : api.kind)
                .withNewMetadata().withName(PolicyReports.NAME).withNamespace(target.namespace())
                .addToLabels(PolicyReports.MANAGED_BY, PolicyReports.SOURCE).endMetadata().build();
        r.setAdditionalProperties(new LinkedHashMap<>(content));
        var ops = k8s.genericKubernetesResources(context(api, target));
        if (target.namespace() == null) {
            ops.resource(r).create();
        } else {
            ops.inNamespace(target.namespace()).resource(r).create();
        }
    }

    /** A JSON Patch that sets each content field (add replaces a field that is there): lists replaced whole. */
    private static void patch(KubernetesClient k8s, ReportApi api, PolicyReports.Target target, Map<String, Object> content) {
        List<Map<String, Object>> ops = content.entrySet().stream()
                .map(e -> Map.<String, Object>of("op", "add", "path", "/" + e.getKey(), "value", e.getValue())).toList();
        String body;
        try {
            body = KubeJson.mapper().writeValueAsString(ops);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report content is not JSON", e);
        }
        var all = k8s.genericKubernetesResources(context(api, target));
        var one = target.namespace() == null ? all.withName(PolicyReports.NAME)
                : all.inNamespace(target.namespace()).withName(PolicyReports.NAME);
        one.patch(PatchContext.of(PatchType.JSON), body);
    }

    private void count(ReportApi api, String operation) {
        Counter.builder("clbguard.reports.writes").description("Report objects written, by API and operation")
                .tags("api", api.group, "operation", operation).register(registry).increment();
    }

    private AtomicInteger findingsGauge(String kind) {
        return findings.computeIfAbsent(kind, k -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder("clbguard.findings", n, AtomicInteger::get)
                    .description("CLB findings of the last sweep, by kind (leaked-clb, stale-owner-tag, ...)")
                    .tag("kind", k).register(registry);
            return n;
        });
    }

    private static String where(PolicyReports.Target t) {
        return t.namespace() == null ? PolicyReports.NAME : t.namespace() + "/" + PolicyReports.NAME;
    }
}
