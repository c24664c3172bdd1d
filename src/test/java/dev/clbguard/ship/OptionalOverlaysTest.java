package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;

/**
 * The two optional overlays render with kustomize: policy-reports (both report APIs' CRDs and the RBAC the
 * publisher uses, nothing more) and monitoring (PodMonitor, alerts with a runbook section each in
 * docs/monitoring.md, and the dashboard ConfigMap with the Grafana sidecar's label).
 */
class OptionalOverlaysTest {

    private static String kubectl() {
        var k = Manifests.kubectl();
        Assumptions.assumeTrue(k.isPresent(), "kubectl is not on PATH: skipping the kustomize renderings "
                + "(install kubectl >= 1.27 to run them)");
        return k.get();
    }

    @Test
    void policyReportsOverlayShipsBothApisAndJustTheRbacToWriteThem() {
        List<HasMetadata> rendered = Manifests.kustomize(kubectl(), Manifests.ROOT.resolve("overlays/policy-reports"));
        Map<String, String> crds = new TreeMap<>();
        for (HasMetadata o : rendered) {
            if (o instanceof CustomResourceDefinition crd) {
                var spec = crd.getSpec();
                assertEquals(spec.getNames().getPlural() + "." + spec.getGroup(), crd.getMetadata().getName());
                crds.put(spec.getGroup() + "/" + spec.getVersions().get(0).getName() + " " + spec.getNames().getKind(),
                        spec.getScope());
                assertTrue(spec.getVersions().get(0).getServed() && spec.getVersions().get(0).getStorage());
            }
        }
        assertEquals(Map.of("wgpolicyk8s.io/v1alpha2 PolicyReport", "Namespaced",
                "wgpolicyk8s.io/v1alpha2 ClusterPolicyReport", "Cluster",
                "openreports.io/v1alpha1 Report", "Namespaced",
                "openreports.io/v1alpha1 ClusterReport", "Cluster"), crds);

        ClusterRole role = Manifests.one(rendered, ClusterRole.class, "clbguard-reports");
        Map<String, Set<String>> grants = new TreeMap<>();
        role.getRules().forEach(r -> r.getApiGroups().forEach(g -> r.getResources().forEach(
                res -> grants.computeIfAbsent(g + "/" + res, k -> new TreeSet<>()).addAll(r.getVerbs()))));
        Set<String> verbs = Set.of("get", "list", "create", "patch");
        assertEquals(Map.of("wgpolicyk8s.io/policyreports", verbs, "wgpolicyk8s.io/clusterpolicyreports", verbs,
                "openreports.io/reports", verbs, "openreports.io/clusterreports", verbs), grants,
                "no delete: reports are patched in place, never recreated");
        ClusterRoleBinding binding = Manifests.one(rendered, ClusterRoleBinding.class, "clbguard-reports");
        assertEquals("clbguard-reports", binding.getRoleRef().getName());
        assertEquals("clbguard", binding.getSubjects().get(0).getName());
        assertEquals("clbguard", binding.getSubjects().get(0).getNamespace());
    }

    @Test
    void monitoringOverlayHasAlertsWithRunbooksAndTheDashboard() throws IOException {
        List<HasMetadata> rendered = Manifests.kustomize(kubectl(), Manifests.ROOT.resolve("overlays/monitoring"));
        rendered.forEach(o -> assertEquals("clbguard", o.getMetadata().getNamespace(), o.getKind()));

        GenericKubernetesResource rule = generic(rendered, "PrometheusRule");
        String runbook = Files.readString(Path.of("docs/monitoring.md"));
        Set<String> anchors = runbook.lines().filter(l -> l.startsWith("#"))
                .map(l -> "docs/monitoring.md#" + l.replaceAll("^#+\\s*", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 -]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> group : this.<List<Map<String, Object>>>get(rule, "spec", "groups")) {
            for (Object o : (List<?>) group.get("rules")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) o;
                String alert = (String) r.get("alert");
                alerts.add(alert);
                @SuppressWarnings("unchecked")
                Map<String, String> annotations = (Map<String, String>) r.get("annotations");
                @SuppressWarnings("unchecked")
                Map<String, String> labels = (Map<String, String>) r.get("labels");
                assertTrue(Set.of("critical", "warning").contains(labels.get("severity")), alert);
                assertFalse(annotations.get("summary").isBlank(), alert);
                assertTrue(anchors.contains(annotations.get("runbook")),
                        alert + ": runbook " + annotations.get("runbook") + " is not a heading of docs/monitoring.md");
            }
        }
        assertTrue(alerts.containsAll(Set.of("ClbguardWebhookErrors", "ClbguardWebhookSlow", "ClbguardNoReadyReplica",
                "ClbguardCloudApiErrors", "ClbguardCloudApiThrottled", "ClbguardFactsBudgetExceeded",
                "ClbguardPolicyFileFailedToLoad", "ClbguardLeakedClbs", "ClbguardStaleOwnerTags",
                "ClbguardReconcileFailures")), alerts.toString());

        GenericKubernetesResource monitor = generic(rendered, "PodMonitor");
        assertEquals("https", this.<List<Map<String, Object>>>get(monitor, "spec", "podMetricsEndpoints").get(0).get("scheme"));

        ConfigMap dashboard = Manifests.one(rendered, ConfigMap.class, "clbguard-dashboard");
        assertEquals("1", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
        JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("clbguard-dashboard.json"));
        Set<String> titles = new TreeSet<>();
        json.path("panels").forEach(p -> titles.add(p.path("title").asText()));
        assertTrue(titles.containsAll(Set.of("Admissions by result", "Policy results by policy", "Admission latency",
                "Denials by TKE code", "Cloud API calls", "CLB facts cache hit ratio", "Findings")), titles.toString());
    }

    private static GenericKubernetesResource generic(List<HasMetadata> all, String kind) {
        return all.stream().filter(o -> kind.equals(o.getKind())).map(GenericKubernetesResource.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind));
    }

    @SuppressWarnings("unchecked")
    private <T> T get(GenericKubernetesResource r, String... path) {
        return (T) r.get((Object[]) path);
    }
}
