package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.clbguard.config.ClusterSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import dev.clbguard.testing.Trees;

/**
 * The install manifests say what docs/install.md and docs/admission.md promise: side-effect free webhooks
 * with short timeouts, kube-system and clbguard's namespace excluded, objects being deleted skipped, only
 * services and ingresses (never status), least-privilege RBAC and a hardened Deployment that matches the
 * application's own settings ({@link InstallChecks}, which the Helm chart's renderings go through too). Checked on
 * the source files (fabric8 models) and on kustomize's rendering.
 */
class WebhookConfigTest {

    private static final String NS = "clbguard";
    private static List<HasMetadata> base;

    @BeforeAll
    static void readBase() {
        base = Manifests.files().stream().filter(p -> p.startsWith(Manifests.ROOT.resolve("base")))
                .flatMap(p -> Manifests.parse(p).stream()).toList();
    }

    @Test
    void everyManifestParses() {
        for (Path file : Manifests.files()) {
            List<HasMetadata> objects = Manifests.parse(file);
            assertFalse(objects.isEmpty(), file + " holds no object");
            for (HasMetadata o : objects) {
                assertNotNull(o.getMetadata().getName(), file + ": an object without a name");
                boolean known = !(o instanceof GenericKubernetesResource) || o.getApiVersion().startsWith("cert-manager.io/")
                        || o.getApiVersion().startsWith("monitoring.coreos.com/");
                assertTrue(known, file + ": " + o.getApiVersion() + " " + o.getKind() + " is not a known API type");
            }
        }
    }

    @Test
    void mutatingWebhooksDefaultIngressesAndClbguardServicesAtCreateOnly() {
        InstallChecks.mutatingWebhooks(base, NS);
    }

    @Test
    void theIngressClassHandsIngressesToClbguard() {
        InstallChecks.ingressClass(base);
    }

    @Test
    void validatingWebhookChecksServicesAndIngressesAtCreateAndUpdate() {
        InstallChecks.validatingWebhook(base, NS);
    }

    @Test
    void rbacGrantsExactlyWhatTheReconcilerAndLeaderElectionUse() {
        InstallChecks.rbac(base, NS, InstallChecks.GUARDIAN_GRANTS);
    }

    @Test
    void deploymentIsHardenedAndMatchesTheApplicationSettings() {
        InstallChecks.deployment(base);
        Deployment d = Manifests.one(base, Deployment.class, "clbguard");
        assertEquals(2, d.getSpec().getReplicas());
        var spec = d.getSpec().getTemplate().getSpec();
        assertEquals("clbguard-tls", InstallChecks.volume(spec, "tls").getSecret().getSecretName());
        var env = spec.getContainers().get(0).getEnv().stream().map(e -> e.getName()).toList();
        assertTrue(env.containsAll(List.of("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")), env.toString());
    }

    @Test
    void clusterEnvSetsEveryClusterSetting() throws IOException {
        Set<String> expected = Arrays.stream(ClusterSettings.class.getDeclaredMethods())
                .map(Method::getName)
                .map(m -> "CLBGUARD_CLUSTER_" + m.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase())
                .collect(Collectors.toCollection(TreeSet::new));
        Properties env = new Properties();
        env.load(new StringReader(Files.readString(Manifests.ROOT.resolve("base/cluster.env"))));
        assertEquals(expected, new TreeSet<>(env.stringPropertyNames()));
    }

    @Test
    void availabilityAndNetwork() {
        InstallChecks.availabilityAndNetwork(base);
    }

    // --- kustomize renderings -------------------------------------------------------------------------------

    static String kubectl() {
        var k = Manifests.kubectl();
        Assumptions.assumeTrue(k.isPresent(), "kubectl is not on PATH: skipping the kustomize renderings "
                + "(install kubectl >= 1.27 to run them)");
        return k.get();
    }

    @Test
    void baseRendersWithThePolicyFilesInItsConfigMap() {
        List<HasMetadata> rendered = Manifests.kustomize(kubectl(), Manifests.ROOT.resolve("base"));
        InstallChecks.rendered(rendered, NS);
        InstallChecks.all(rendered, NS, InstallChecks.GUARDIAN_GRANTS);
    }

    @Test
    void certManagerOverlayInjectsTheCaIntoBothWebhooks() {
        List<HasMetadata> rendered = Manifests.kustomize(kubectl(), Manifests.ROOT.resolve("overlays/cert-manager"));
        InstallChecks.rendered(rendered, NS);
        InstallChecks.all(rendered, NS, InstallChecks.GUARDIAN_GRANTS);
        GenericKubernetesResource cert = rendered.stream().filter(o -> o.getKind().equals("Certificate")
                && o.getMetadata().getName().equals("clbguard-serving")).map(GenericKubernetesResource.class::cast)
                .findFirst().orElseThrow();
        assertEquals("clbguard-tls", cert.get("spec", "secretName"));
        assertEquals(List.of("clbguard.clbguard.svc", "clbguard.clbguard.svc.cluster.local"), cert.get("spec", "dnsNames"));
        for (Class<? extends HasMetadata> type : List.of(MutatingWebhookConfiguration.class, ValidatingWebhookConfiguration.class)) {
            HasMetadata w = Manifests.one(rendered, type, "clbguard");
            assertEquals(NS + "/clbguard-serving", w.getMetadata().getAnnotations().get("cert-manager.io/inject-ca-from"));
        }
    }

    @Test
    void webhookOnlyOverlayTurnsTheWritersOffAndGrantsOnlyReads() {
        List<HasMetadata> rendered = Manifests.kustomize(kubectl(), Manifests.ROOT.resolve("overlays/webhook-only"));
        Container c = Manifests.one(rendered, Deployment.class, "clbguard").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        Map<String, String> env = c.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertEquals("false", env.get("CLBGUARD_RECONCILER_ENABLED"));
        assertEquals("false", env.get("CLBGUARD_AUDIT_ENABLED"));
        assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("POD_NAMESPACE")), "the base env is kept");
        ClusterRole role = Manifests.one(rendered, ClusterRole.class, "clbguard");
        assertEquals(Map.of("/services", Set.of("list", "watch"), "networking.k8s.io/ingresses", Set.of("list", "watch")),
                InstallChecks.grants(role.getRules()));
        // Still served with a certificate, and the same webhooks as the base.
        assertEquals(NS + "/clbguard-serving", Manifests.one(rendered, ValidatingWebhookConfiguration.class, "clbguard")
                .getMetadata().getAnnotations().get("cert-manager.io/inject-ca-from"));
        assertEquals(2, Manifests.one(rendered, MutatingWebhookConfiguration.class, "clbguard").getWebhooks().size());
        Manifests.one(rendered, IngressClass.class, "clbguard");
    }

    @Test
    void theCloudCredentialsSecretIsOptionalForWorkloadIdentity() {
        Container c = Manifests.one(base, Deployment.class, "clbguard").getSpec().getTemplate().getSpec().getContainers()
                .get(0);
        for (EnvVar e : c.getEnv()) {
            if (e.getName().startsWith("TENCENTCLOUD_")) {
                assertTrue(e.getValueFrom().getSecretKeyRef().getOptional(), e.getName());
            }
        }
    }

    @Test
    void selfManagedOverlayServesAScriptMadeCertificate(@TempDir Path tmp) throws IOException {
        String kubectl = kubectl();
        Assumptions.assumeTrue(Manifests.run(Path.of("."), "sh", "-c", "command -v openssl || true").contains("openssl"),
                "openssl is not on PATH: skipping the self-managed certificate script");
        // A copy, so the test never touches a developer's own certs/.
        Trees.copy(Manifests.ROOT, tmp.resolve("webhook-config"));
        Trees.copy(Path.of("policies"), tmp.resolve("policies"));
        Path overlay = tmp.resolve("webhook-config/overlays/self-managed");
        if (Files.isDirectory(overlay.resolve("certs"))) {
            try (Stream<Path> old = Files.walk(overlay.resolve("certs"))) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Manifests.run(overlay, "sh", overlay.resolve("gen-certs.sh").toString());
        String ca = Files.readString(overlay.resolve("certs/ca.crt"));
        Manifests.run(overlay, "openssl", "verify", "-CAfile", "certs/ca.crt", "certs/tls.crt");

        List<HasMetadata> rendered = Manifests.kustomize(kubectl, overlay);
        Secret tls = Manifests.one(rendered, Secret.class, "clbguard-tls");
        assertEquals("kubernetes.io/tls", tls.getType());
        assertEquals(NS, tls.getMetadata().getNamespace());
        assertTrue(tls.getData().keySet().containsAll(Set.of("tls.crt", "tls.key")));
        MutatingWebhookConfiguration m = Manifests.one(rendered, MutatingWebhookConfiguration.class, "clbguard");
        ValidatingWebhookConfiguration v = Manifests.one(rendered, ValidatingWebhookConfiguration.class, "clbguard");
        for (String bundle : List.of(m.getWebhooks().get(0).getClientConfig().getCaBundle(),
                v.getWebhooks().get(0).getClientConfig().getCaBundle())) {
            assertEquals(ca, new String(Base64.getMimeDecoder().decode(bundle)), "caBundle is the script's CA");
        }
    }
}
