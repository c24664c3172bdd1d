package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The Helm chart, rendered by Helm's own engine: it refuses what clbguard would refuse at start (missing or
 * malformed cluster values) before anything reaches a cluster, renders every mode and certificate way into an
 * install that passes {@link InstallChecks}, keeps its generated CA across upgrades, and its README lists every
 * value of values.yaml with its default.
 */
class ChartTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String NS = Chart.NAMESPACE;

    @Test
    void lintIsClean() {
        LintResult lint = new Helm(Chart.DIR).lint().strict().call();
        assertFalse(lint.isFailed(), lint.getMessages().toString());
        // Helm recommends an icon; clbguard has none to point at.
        assertEquals(List.of("[INFO] Chart.yaml: icon is recommended"), lint.getMessages());
    }

    @Test
    void chartAndAppVersionAreTheProjectVersionAndKubernetesIsAtLeast124() throws IOException {
        JsonNode chart = YAML.readTree(Chart.DIR.resolve("Chart.yaml").toFile());
        Matcher m = Pattern.compile("<artifactId>clbguard</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find());
        assertEquals("v2", chart.path("apiVersion").asText());
        assertEquals(m.group(1), chart.path("appVersion").asText());
        assertEquals(m.group(1), chart.path("version").asText());
        assertEquals(">=1.24.0-0", chart.path("kubeVersion").asText());
        // Helm enforces it: helm-java's template assumes Kubernetes 1.20, which the real Chart.yaml refuses.
        Exception e = assertThrows(IllegalStateException.class, () -> Chart.template(Chart.DIR, Chart.CLUSTER));
        assertTrue(e.getMessage().contains("incompatible with Kubernetes"), e.getMessage());
    }

    @Test
    void defaultValuesFailNamingTheFirstMissingClusterValue() {
        Exception e = assertThrows(IllegalStateException.class, () -> Chart.render(Map.of()));
        assertTrue(e.getMessage().contains("cluster.id is required"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cluster.id", "cluster.region", "cluster.vpcId", "cluster.ownerUin"})
    void eachMissingClusterValueIsNamed(String missing) {
        Map<String, Object> values = new TreeMap<>(Chart.CLUSTER);
        values.remove(missing);
        Exception e = assertThrows(IllegalStateException.class, () -> Chart.render(values));
        assertTrue(e.getMessage().contains(missing + " is required"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "cluster.id, cls-TOOLONG99", "cluster.id, 7k2m9q4p", "cluster.region, Guangzhou", "cluster.vpcId, vpc-1",
            "cluster.ownerUin, uin-1000", "cluster.elastic, maybe", "mode, repair", "certificates.source, vault",
            "webhooks.validate.failurePolicy, fail", "webhooks.validate.timeoutSeconds, 31", "replicas, 0",
            "policyReports.api, both-and-more", "namespaceExclusions[0], Not_A_Namespace", "clusterId, cls-7k2m9q4p"})
    void malformedValuesAreRefusedByTheSchema(String key, String value) {
        Exception e = assertThrows(IllegalStateException.class, () -> Chart.render(Chart.with(Map.of(key, value))));
        assertTrue(e.getMessage().contains("values don't meet the specifications of the schema"), e.getMessage());
        String leaf = key.replaceAll("\\[\\d+]", "").replaceAll(".*\\.", "");
        assertTrue(e.getMessage().contains(leaf), key + ": " + e.getMessage());
    }

    @Test
    void theExampleClusterBecomesTheClusterProfile() {
        List<HasMetadata> objects = Chart.render(Chart.with(Map.of("cluster.elastic", "true")));
        assertEquals(Map.of("CLBGUARD_CLUSTER_ID", "cls-7k2m9q4p", "CLBGUARD_CLUSTER_REGION", "ap-guangzhou",
                "CLBGUARD_CLUSTER_VPC_ID", "vpc-4f8q2w1e", "CLBGUARD_CLUSTER_ELASTIC", "true",
                "CLBGUARD_CLUSTER_OWNER_UIN", "100012345678"),
                Manifests.one(objects, ConfigMap.class, "clbguard-cluster").getData());
        assertEquals("false", Manifests.one(Chart.render(Chart.CLUSTER), ConfigMap.class, "clbguard-cluster")
                .getData().get("CLBGUARD_CLUSTER_ELASTIC"), "elastic is false unless set");
    }

    @ParameterizedTest
    @CsvSource({"webhook-only, generated", "guardian, generated", "guardian-repair, generated",
            "webhook-only, cert-manager", "guardian, cert-manager", "guardian-repair, cert-manager",
            "guardian, secret"})
    void everyModeAndCertificateWayRendersACompleteInstall(String mode, String source) {
        Map<String, Object> values = new LinkedHashMap<>(Map.of("mode", mode, "certificates.source", source));
        if (source.equals("secret")) {
            values.put("certificates.secret.name", "my-tls");
            values.put("certificates.secret.caBundle", Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----".getBytes()));
        }
        List<HasMetadata> objects = Chart.render(Chart.with(values));
        InstallChecks.rendered(objects, NS);
        InstallChecks.all(objects, NS, mode.equals("webhook-only") ? InstallChecks.WEBHOOK_ONLY_GRANTS : InstallChecks.GUARDIAN_GRANTS);

        Map<String, String> env = env(objects);
        assertEquals(mode.equals("webhook-only") ? "false" : null, env.get("CLBGUARD_RECONCILER_ENABLED"));
        assertEquals(mode.equals("webhook-only") ? "false" : null, env.get("CLBGUARD_AUDIT_ENABLED"));
        assertEquals(mode.equals("guardian-repair") ? "true" : null, env.get("CLBGUARD_RECONCILER_REPAIR"));

        String tlsSecret = Manifests.one(objects, Deployment.class, "clbguard").getSpec().getTemplate().getSpec()
                .getVolumes().stream().filter(v -> v.getName().equals("tls")).findFirst().orElseThrow().getSecret().getSecretName();
        List<String> bundles = caBundles(objects);
        switch (source) {
            case "cert-manager" -> {
                assertEquals("clbguard-tls", tlsSecret);
                assertEquals(List.of(), bundles, "cert-manager's injector fills the caBundle");
                GenericKubernetesResource cert = generic(objects, "Certificate", "clbguard-serving");
                assertEquals("clbguard-tls", cert.get("spec", "secretName"));
                assertEquals(List.of("clbguard.clbguard.svc", "clbguard.clbguard.svc.cluster.local"), cert.get("spec", "dnsNames"));
                for (Class<? extends HasMetadata> type : List.of(MutatingWebhookConfiguration.class, ValidatingWebhookConfiguration.class)) {
                    assertEquals(NS + "/clbguard-serving", Manifests.one(objects, type, "clbguard").getMetadata()
                            .getAnnotations().get("cert-manager.io/inject-ca-from"));
                }
            }
            case "generated" -> {
                Secret tls = Manifests.one(objects, Secret.class, "clbguard-tls");
                assertEquals("kubernetes.io/tls", tls.getType());
                assertEquals(tlsSecret, tls.getMetadata().getName());
                assertEquals(Set.of(tls.getData().get("ca.crt")), Set.copyOf(bundles));
                assertEquals(3, bundles.size(), "every webhook trusts the CA");
            }
            default -> {
                assertEquals("my-tls", tlsSecret);
                assertTrue(objects.stream().noneMatch(o -> o instanceof Secret), "an existing Secret is not rendered");
                assertEquals(Set.of(values.get("certificates.secret.caBundle")), Set.copyOf(bundles));
            }
        }
    }

    @Test
    void theValuesFileOfTheInstallDocRendersACompleteInstall() {
        List<HasMetadata> objects = Chart.renderFile(Path.of("examples/helm-values.yaml"));
        InstallChecks.rendered(objects, NS);
        InstallChecks.all(objects, NS, InstallChecks.GUARDIAN_GRANTS);
        assertEquals("100012345678", Manifests.one(objects, ConfigMap.class, "clbguard-cluster").getData()
                .get("CLBGUARD_CLUSTER_OWNER_UIN"));
        assertEquals("registry.example.com/clbguard:0.1.0", Manifests.one(objects, Deployment.class, "clbguard")
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        Set<String> kinds = objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Set.of("Certificate", "PrometheusRule", "PodMonitor")), kinds.toString());
        assertFalse(kinds.contains("CustomResourceDefinition"));
        assertFalse(env(objects).containsKey("TENCENTCLOUD_SECRET_ID"), "workload identity: no key pair");
        assertEquals(Map.of("tke.cloud.tencent.com/role-arn", "qcs::cam::uin/100012345678:roleName/clbguard"),
                Manifests.one(objects, io.fabric8.kubernetes.api.model.ServiceAccount.class, "clbguard").getMetadata()
                        .getAnnotations(), "workload identity: the ServiceAccount names the role");
    }

    @Test
    void theServiceAccountHasNoAnnotationsUnlessGiven() {
        assertEquals(Map.of(), Manifests.one(Chart.render(Chart.CLUSTER), io.fabric8.kubernetes.api.model.ServiceAccount.class,
                "clbguard").getMetadata().getAnnotations());
        Exception e = assertThrows(IllegalStateException.class, () -> Chart.render(Chart.with(Map.of(
                "serviceAccount.annotations.a", 1))));
        assertTrue(e.getMessage().contains("serviceAccount"), e.getMessage());
    }

    @Test
    void aUinWrittenAsANumberInAValuesFileStaysDigits(@TempDir Path tmp) throws IOException {
        Path values = tmp.resolve("values.yaml");
        Files.writeString(values, "cluster: {id: cls-7k2m9q4p, region: ap-guangzhou, vpcId: vpc-4f8q2w1e, ownerUin: 100012345678}\n");
        assertEquals("100012345678", Manifests.one(Chart.renderFile(values), ConfigMap.class, "clbguard-cluster")
                .getData().get("CLBGUARD_CLUSTER_OWNER_UIN"));
    }

    @Test
    void theSecretWayNeedsItsCaBundle() {
        Exception e = assertThrows(IllegalStateException.class,
                () -> Chart.render(Chart.with(Map.of("certificates.source", "secret"))));
        assertTrue(e.getMessage().contains("certificates.secret.caBundle is required"), e.getMessage());
    }

    @Test
    void theGeneratedCertificateServesTheServiceAndIsSignedByTheCa() throws Exception {
        Secret tls = Manifests.one(Chart.render(Chart.CLUSTER), Secret.class, "clbguard-tls");
        var factory = java.security.cert.CertificateFactory.getInstance("X.509");
        var chain = new ArrayList<>(factory.generateCertificates(new java.io.ByteArrayInputStream(
                Base64.getDecoder().decode(tls.getData().get("tls.crt")))));
        var ca = (java.security.cert.X509Certificate) factory.generateCertificate(new java.io.ByteArrayInputStream(
                Base64.getDecoder().decode(tls.getData().get("ca.crt"))));
        var leaf = (java.security.cert.X509Certificate) chain.get(0);
        leaf.verify(ca.getPublicKey());
        assertEquals(ca, chain.get(1), "tls.crt carries the CA after the serving certificate");
        Set<String> names = leaf.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString()).collect(Collectors.toSet());
        assertEquals(Set.of("clbguard.clbguard.svc", "clbguard.clbguard.svc.cluster.local"), names);
        assertTrue(ca.getBasicConstraints() >= 0, "the CA is a CA");
    }

    /**
     * helm upgrade: the chart reads the Secret it made with {@code lookup}; here the lookup reads a stored Secret
     * (see {@link Chart}). Without one, every render makes a new CA, which is what makes the check able to fail.
     */
    @Test
    void anUpgradeKeepsTheGeneratedCa(@TempDir Path tmp) throws IOException {
        List<HasMetadata> install = Chart.render(Chart.CLUSTER);
        Secret stored = Manifests.one(install, Secret.class, "clbguard-tls");
        List<HasMetadata> again = Chart.render(Chart.CLUSTER);
        assertNotEquals(stored.getData().get("ca.crt"), Manifests.one(again, Secret.class, "clbguard-tls").getData().get("ca.crt"),
                "without the stored Secret a render makes a new CA");

        Path chart = Chart.copy(tmp.resolve("clbguard"));
        Files.writeString(chart.resolve(Chart.LOOKUP_STUB), YAML.writeValueAsString(stored));
        for (int upgrade = 0; upgrade < 2; upgrade++) {
            List<HasMetadata> upgraded = Manifests.parse(Chart.template(chart, Chart.CLUSTER));
            assertEquals(stored.getData(), Manifests.one(upgraded, Secret.class, "clbguard-tls").getData());
            assertEquals(Set.of(stored.getData().get("ca.crt")), Set.copyOf(caBundles(upgraded)));
        }

        // A Secret missing a key (made by hand, half-deleted) is replaced rather than half reused.
        stored.getData().remove("tls.key");
        Files.writeString(chart.resolve(Chart.LOOKUP_STUB), YAML.writeValueAsString(stored));
        Secret replaced = Manifests.one(Manifests.parse(Chart.template(chart, Chart.CLUSTER)), Secret.class, "clbguard-tls");
        assertNotEquals(stored.getData().get("ca.crt"), replaced.getData().get("ca.crt"));
        assertTrue(replaced.getData().containsKey("tls.key"));
    }

    @Test
    void policiesAreBundledAndCanBeAddedOrReplaced() {
        String replaced = "id: elastic-service-types\nmode: warn\n";
        String added = "id: clb-annotations\nmode: off\n";
        Map<String, String> data = Manifests.one(Chart.render(Chart.with(Map.of(
                "policies.files.elastic-service-types\\.yaml", replaced, "policies.files.extra\\.yaml", added))),
                ConfigMap.class, "clbguard-policies").getData();
        Map<String, String> expected = new TreeMap<>(InstallChecks.policyFiles());
        expected.put("elastic-service-types.yaml", replaced);
        expected.put("extra.yaml", added);
        assertEquals(expected, new TreeMap<>(data));

        Map<String, String> only = Manifests.one(Chart.render(Chart.with(Map.of("policies.bundled", "false",
                "policies.files.extra\\.yaml", added))), ConfigMap.class, "clbguard-policies").getData();
        assertEquals(Map.of("extra.yaml", added), only);
    }

    @Test
    void credentialsComeFromTheNamedSecretOrNotAtAll() {
        Map<String, EnvVar> env = Manifests.one(Chart.render(Chart.with(Map.of("credentials.secretName", "cam-key"))),
                Deployment.class, "clbguard").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals("cam-key", env.get("TENCENTCLOUD_SECRET_ID").getValueFrom().getSecretKeyRef().getName());
        assertEquals("secretKey", env.get("TENCENTCLOUD_SECRET_KEY").getValueFrom().getSecretKeyRef().getKey());
        Map<String, String> workloadIdentity = env(Chart.render(Chart.with(Map.of("credentials.secretName", ""))));
        assertFalse(workloadIdentity.containsKey("TENCENTCLOUD_SECRET_ID") || workloadIdentity.containsKey("TENCENTCLOUD_SECRET_KEY"));
    }

    @Test
    void webhookSettingsAndExclusionsAreValues() {
        List<HasMetadata> objects = Chart.render(Chart.with(Map.of("webhooks.mutateIngress.failurePolicy", "Fail",
                "webhooks.validate.timeoutSeconds", "10", "namespaceExclusions[0]", "argocd", "replicas", "3")));
        var mutate = Manifests.one(objects, MutatingWebhookConfiguration.class, "clbguard").getWebhooks().get(0);
        assertEquals("Fail", mutate.getFailurePolicy());
        var validate = Manifests.one(objects, ValidatingWebhookConfiguration.class, "clbguard").getWebhooks().get(0);
        assertEquals(10, validate.getTimeoutSeconds());
        assertEquals(List.of("kube-system", NS, "argocd"), validate.getNamespaceSelector().getMatchExpressions().get(0).getValues());
        assertEquals(3, Manifests.one(objects, Deployment.class, "clbguard").getSpec().getReplicas());
    }

    @Test
    void optionalPartsAreOffByDefaultAndRenderWhenAsked() {
        Set<String> kinds = Chart.render(Chart.CLUSTER).stream().map(HasMetadata::getKind).collect(Collectors.toSet());
        assertFalse(kinds.contains("PrometheusRule") || kinds.contains("ServiceMonitor") || kinds.contains("PodMonitor")
                || kinds.contains("CustomResourceDefinition"), kinds.toString());
        assertTrue(kinds.contains("IngressClass"), "the IngressClass is in the base install");

        List<HasMetadata> all = Chart.render(Chart.with(Map.of("monitoring.prometheusRule", "true",
                "monitoring.serviceMonitor", "true", "monitoring.podMonitor", "true", "policyReports.enabled", "true",
                "policyReports.api", "both", "ingressClass.enabled", "false")));
        generic(all, "PrometheusRule", "clbguard");
        GenericKubernetesResource sm = generic(all, "ServiceMonitor", "clbguard");
        assertEquals("clbguard.clbguard.svc", sm.get("spec", "endpoints", 0, "tlsConfig", "serverName"));
        generic(all, "PodMonitor", "clbguard");
        assertEquals(4, all.stream().filter(o -> o.getKind().equals("CustomResourceDefinition")).count());
        Manifests.one(all, io.fabric8.kubernetes.api.model.rbac.ClusterRole.class, "clbguard-reports");
        assertEquals(NS, Manifests.one(all, io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class, "clbguard-reports")
                .getSubjects().get(0).getNamespace());
        assertEquals("both", env(all).get("CLBGUARD_REPORTS_API"));
        assertTrue(all.stream().noneMatch(o -> o.getKind().equals("IngressClass")));

        List<HasMetadata> noCrds = Chart.render(Chart.with(Map.of("policyReports.enabled", "true", "policyReports.crds", "false")));
        assertTrue(noCrds.stream().noneMatch(o -> o.getKind().equals("CustomResourceDefinition")));
    }

    /** The chart README's table of values: exactly the leaves of values.yaml, each with its default. */
    @Test
    void readmeListsEveryValueWithItsDefault() throws IOException {
        Map<String, String> fromValues = new TreeMap<>();
        leaves("", YAML.readTree(Chart.DIR.resolve("values.yaml").toFile()), fromValues);
        Map<String, String> fromReadme = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\| `([^`]*)` \\|").matcher(Files.readString(Chart.DIR.resolve("README.md")));
        while (row.find()) {
            fromReadme.put(row.group(1), row.group(2));
        }
        assertEquals(fromValues, fromReadme);
    }

    private static void leaves(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject() && !node.isEmpty()) {
            node.fields().forEachRemaining(e -> leaves(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else if (node.isObject()) {
            out.put(prefix, "{}");
        } else if (node.isArray()) {
            out.put(prefix, node.isEmpty() ? "[]" : node.toString());
        } else if (node.isTextual()) {
            out.put(prefix, node.asText().isEmpty() ? "\"\"" : node.asText());
        } else {
            out.put(prefix, node.asText());
        }
    }

    static Map<String, String> env(List<HasMetadata> objects) {
        Map<String, String> out = new TreeMap<>();
        for (EnvVar e : Manifests.one(objects, Deployment.class, "clbguard").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv()) {
            out.put(e.getName(), e.getValue());
        }
        return out;
    }

    private static List<String> caBundles(List<HasMetadata> objects) {
        List<String> out = new ArrayList<>();
        Manifests.one(objects, MutatingWebhookConfiguration.class, "clbguard").getWebhooks()
                .forEach(w -> { if (w.getClientConfig().getCaBundle() != null) out.add(w.getClientConfig().getCaBundle()); });
        Manifests.one(objects, ValidatingWebhookConfiguration.class, "clbguard").getWebhooks()
                .forEach(w -> { if (w.getClientConfig().getCaBundle() != null) out.add(w.getClientConfig().getCaBundle()); });
        return out;
    }

    static GenericKubernetesResource generic(List<HasMetadata> objects, String kind, String name) {
        return objects.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
                .map(GenericKubernetesResource.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }
}
