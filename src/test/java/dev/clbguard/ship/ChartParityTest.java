package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;

/**
 * For the same settings, the chart and {@code kubectl kustomize} of the matching overlay install the same thing:
 * the same objects (kind, namespace, name), webhooks (rules, policies, timeouts, selectors, conditions), RBAC
 * rules, container env, ports and policy files. {@link #ON_PURPOSE} lists what differs by design, with why.
 */
class ChartParityTest {

    private static final String NS = Chart.NAMESPACE;

    /** Objects one install has and the other has not, on purpose: identity → reason. */
    static final Map<String, String> ON_PURPOSE = Map.of(
            "Namespace//clbguard", "Helm installs into an existing namespace (or --create-namespace): a Namespace "
                    + "in the chart would belong to the release, and helm uninstall would delete everything in it");

    @Test
    void certManagerOverlayAndChartInstallTheSame() {
        List<HasMetadata> kustomize = Manifests.kustomize(WebhookConfigTest.kubectl(), Manifests.ROOT.resolve("overlays/cert-manager"));
        List<HasMetadata> chart = Chart.render(chartValues(Map.of("certificates.source", "cert-manager", "mode", "guardian")));
        same(kustomize, chart);
    }

    @Test
    void policyReportsOverlayAddsWhatTheChartsValueAdds() {
        String kubectl = WebhookConfigTest.kubectl();
        List<HasMetadata> overlay = Manifests.kustomize(kubectl, Manifests.ROOT.resolve("overlays/policy-reports"));
        Map<String, Object> off = chartValues(Map.of("certificates.source", "cert-manager"));
        Map<String, Object> on = new TreeMap<>(off);
        on.put("policyReports.enabled", "true");
        List<HasMetadata> added = added(Chart.render(off), Chart.render(on));
        assertEquals(ids(overlay), ids(added));
        assertEquals(grants(overlay), grants(added));
    }

    @Test
    void monitoringOverlayAddsWhatTheChartsValuesAdd() {
        Path dir = Manifests.ROOT.resolve("overlays/monitoring");
        Assumptions.assumeTrue(Files.exists(dir.resolve("kustomization.yaml")),
                "overlays/monitoring has no kustomization.yaml yet: nothing to compare the chart's monitoring values with");
        List<HasMetadata> overlay = Manifests.kustomize(WebhookConfigTest.kubectl(), dir);
        Map<String, Object> off = chartValues(Map.of());
        Map<String, Object> on = new TreeMap<>(off);
        on.put("monitoring.prometheusRule", "true");
        on.put("monitoring.podMonitor", "true");
        if (overlay.stream().anyMatch(o -> o.getKind().equals("ConfigMap"))) {
            on.put("monitoring.dashboard", "true");
        }
        List<HasMetadata> added = added(Chart.render(off), Chart.render(on));
        assertEquals(ids(overlay), ids(added));
        for (String kind : List.of("PrometheusRule", "PodMonitor")) {
            Object expected = ChartTest.generic(overlay, kind, "clbguard").get("spec");
            assertEquals(expected, ChartTest.generic(added, kind, "clbguard").get("spec"), kind);
        }
        if (on.containsKey("monitoring.dashboard")) {
            assertEquals(Manifests.one(overlay, ConfigMap.class, "clbguard-dashboard").getData(),
                    Manifests.one(added, ConfigMap.class, "clbguard-dashboard").getData());
        }
    }

    @Test
    void webhookOnlyOverlayAndChartInstallTheSame() {
        Path dir = Manifests.ROOT.resolve("overlays/webhook-only");
        Assumptions.assumeTrue(Files.exists(dir.resolve("kustomization.yaml")),
                "overlays/webhook-only does not exist yet: nothing to compare the chart's mode webhook-only with");
        List<HasMetadata> kustomize = Manifests.kustomize(WebhookConfigTest.kubectl(), dir);
        boolean certManager = kustomize.stream().anyMatch(o -> o.getKind().equals("Certificate"));
        Assumptions.assumeTrue(certManager, "overlays/webhook-only brings no certificate: compared once it does");
        same(kustomize, Chart.render(chartValues(Map.of("certificates.source", "cert-manager", "mode", "webhook-only"))));
    }

    private static void same(List<HasMetadata> kustomize, List<HasMetadata> chart) {
        Set<String> k = ids(kustomize);
        Set<String> c = ids(chart);
        Set<String> onlyKustomize = new TreeSet<>(k);
        onlyKustomize.removeAll(c);
        Set<String> onlyChart = new TreeSet<>(c);
        onlyChart.removeAll(k);
        onlyKustomize.removeAll(ON_PURPOSE.keySet());
        onlyChart.removeAll(ON_PURPOSE.keySet());
        assertEquals(Set.of(), onlyKustomize, "only in kustomize's rendering");
        assertEquals(Set.of(), onlyChart, "only in the chart's rendering");

        assertEquals(webhooks(kustomize), webhooks(chart));
        assertEquals(grants(kustomize), grants(chart));
        Container kc = container(kustomize);
        Container cc = container(chart);
        assertEquals(kc.getArgs(), cc.getArgs());
        assertEquals(kc.getCommand(), cc.getCommand());
        assertEquals(env(kc), env(cc));
        assertEquals(kc.getEnvFrom(), cc.getEnvFrom());
        assertEquals(kc.getPorts(), cc.getPorts());
        assertEquals(kc.getVolumeMounts(), cc.getVolumeMounts());
        assertEquals(kc.getResources(), cc.getResources());
        assertEquals(kc.getSecurityContext(), cc.getSecurityContext());
        assertEquals(kc.getLivenessProbe(), cc.getLivenessProbe());
        assertEquals(kc.getReadinessProbe(), cc.getReadinessProbe());
        assertEquals(kc.getStartupProbe(), cc.getStartupProbe());
        assertEquals(Manifests.one(kustomize, Service.class, "clbguard").getSpec().getPorts(),
                Manifests.one(chart, Service.class, "clbguard").getSpec().getPorts());
        assertEquals(Manifests.one(kustomize, ConfigMap.class, "clbguard-policies").getData(),
                Manifests.one(chart, ConfigMap.class, "clbguard-policies").getData());
        assertEquals(Manifests.one(kustomize, ConfigMap.class, "clbguard-cluster").getData().keySet(),
                Manifests.one(chart, ConfigMap.class, "clbguard-cluster").getData().keySet());
    }

    /** The chart's values for the cluster kustomize's cluster.env describes (placeholders aside), plus {@code more}. */
    private static Map<String, Object> chartValues(Map<String, ?> more) {
        Map<String, Object> values = new TreeMap<>(Chart.CLUSTER);
        values.putAll(more);
        return values;
    }

    private static List<HasMetadata> added(List<HasMetadata> without, List<HasMetadata> with) {
        Set<String> before = ids(without);
        return with.stream().filter(o -> !before.contains(id(o))).toList();
    }

    static String id(HasMetadata o) {
        return o.getKind() + "/" + (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace()) + "/"
                + o.getMetadata().getName();
    }

    static Set<String> ids(List<HasMetadata> objects) {
        return objects.stream().map(ChartParityTest::id).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Each webhook by name: everything the API server acts on, except the caBundle. */
    private static Map<String, String> webhooks(List<HasMetadata> objects) {
        Map<String, String> out = new TreeMap<>();
        Manifests.one(objects, MutatingWebhookConfiguration.class, "clbguard").getWebhooks().forEach(w -> out.put(w.getName(),
                List.of(w.getRules(), w.getFailurePolicy(), w.getTimeoutSeconds(), w.getSideEffects(), w.getReinvocationPolicy(),
                        w.getNamespaceSelector(), w.getMatchConditions(), w.getClientConfig().getService(),
                        w.getAdmissionReviewVersions()).toString()));
        Manifests.one(objects, ValidatingWebhookConfiguration.class, "clbguard").getWebhooks().forEach(w -> out.put(w.getName(),
                List.of(w.getRules(), w.getFailurePolicy(), w.getTimeoutSeconds(), w.getSideEffects(),
                        w.getNamespaceSelector(), w.getMatchConditions(), w.getClientConfig().getService(),
                        w.getAdmissionReviewVersions()).toString()));
        return out;
    }

    /** Each Role and ClusterRole by identity: its grants. */
    private static Map<String, Map<String, Set<String>>> grants(List<HasMetadata> objects) {
        Map<String, Map<String, Set<String>>> out = new TreeMap<>();
        for (HasMetadata o : objects) {
            if (o instanceof ClusterRole r) {
                out.put(id(o), InstallChecks.grants(r.getRules()));
            } else if (o instanceof Role r) {
                out.put(id(o), InstallChecks.grants(r.getRules()));
            }
        }
        return out;
    }

    private static Container container(List<HasMetadata> objects) {
        return Manifests.one(objects, Deployment.class, "clbguard").getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, Function.identity(), (a, b) -> {
            throw new AssertionError("twice: " + a.getName());
        }, LinkedHashMap::new));
    }
}
