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

/**
 * The install manifests say what docs/install.md and docs/admission.md promise: side-effect free webhooks
 * with short timeouts, kube-system and clbguard's namespace excluded, objects being deleted skipped, only
 * services and ingresses (never status), least-privilege RBAC and a hardened Deployment that matches the
 * application's own settings. Checked on the source files (fabric8 models) and on kustomize's rendering.
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
        MutatingWebhookConfiguration config = Manifests.one(base, MutatingWebhookConfiguration.class, "clbguard");
        assertEquals(2, config.getWebhooks().size());
        for (MutatingWebhook w : config.getWebhooks()) {
            common(w.getName(), w.getSideEffects(), w.getTimeoutSeconds(), w.getAdmissionReviewVersions(),
                    w.getNamespaceSelector(), w.getMatchConditions(), w.getClientConfig().getService(), "/mutate");
            assertEquals("Never", w.getReinvocationPolicy());
        }
        assertEquals(Map.of("networking.k8s.io/v1/ingresses", Set.of("CREATE")),
                rules(config.getWebhooks().get(0).getRules()));
        MutatingWebhook services = config.getWebhooks().get(1);
        assertEquals(Map.of("/v1/services", Set.of("CREATE")), rules(services.getRules()));
        // Which Services reach /mutate is decided by its matchConditions: MatchConditionsTest evaluates them.
        assertTrue(services.getMatchConditions().stream().anyMatch(c -> c.getExpression().contains("loadBalancerClass")));
    }

    @Test
    void theIngressClassHandsIngressesToClbguard() {
        IngressClass cls = Manifests.one(base, IngressClass.class, dev.clbguard.policy.tke.Ownership.INGRESS_CLASS);
        assertEquals(dev.clbguard.policy.tke.Ownership.CONTROLLER, cls.getSpec().getController());
        assertTrue(cls.getMetadata().getAnnotations() == null || !"true".equals(cls.getMetadata().getAnnotations()
                .get("ingressclass.kubernetes.io/is-default-class")), "never the default class: TKE's stays the default");
    }

    @Test
    void validatingWebhookChecksServicesAndIngressesAtCreateAndUpdate() {
        ValidatingWebhookConfiguration config = Manifests.one(base, ValidatingWebhookConfiguration.class, "clbguard");
        assertEquals(1, config.getWebhooks().size());
        ValidatingWebhook w = config.getWebhooks().get(0);
        common(w.getName(), w.getSideEffects(), w.getTimeoutSeconds(), w.getAdmissionReviewVersions(),
                w.getNamespaceSelector(), w.getMatchConditions(), w.getClientConfig().getService(), "/validate");
        assertEquals(Map.of("/v1/services", Set.of("CREATE", "UPDATE"),
                "networking.k8s.io/v1/ingresses", Set.of("CREATE", "UPDATE")), rules(w.getRules()));
        assertEquals("Fail", w.getFailurePolicy(), "policies are enforced: the validating webhook fails closed");
    }

    private static void common(String name, String sideEffects, Integer timeout, List<String> versions,
            io.fabric8.kubernetes.api.model.LabelSelector selector,
            List<io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition> conditions,
            io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference service, String path) {
        assertTrue(name.endsWith(".clbguard.dev"), name);
        assertEquals("None", sideEffects, name + ": a webhook with side effects is refused on every dry-run");
        assertEquals(5, timeout, name);
        assertEquals(List.of("v1"), versions, name);
        var excluded = selector.getMatchExpressions().stream()
                .filter(e -> e.getKey().equals("kubernetes.io/metadata.name") && e.getOperator().equals("NotIn"))
                .flatMap(e -> e.getValues().stream()).collect(Collectors.toSet());
        assertEquals(Set.of("kube-system", NS), excluded, name + ": namespaceSelector");
        assertTrue(selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty(), name);
        assertTrue(conditions.stream().anyMatch(c -> c.getExpression().replace(" ", "")
                .equals("!has(object.metadata.deletionTimestamp)")), name + ": objects being deleted must be skipped");
        assertEquals(NS, service.getNamespace());
        assertEquals("clbguard", service.getName());
        assertEquals(path, service.getPath());
        Service svc = Manifests.one(base, Service.class, "clbguard");
        assertEquals(service.getPort(), svc.getSpec().getPorts().get(0).getPort());
    }

    /** "group/version/resource" → operations; fails on wildcards and subresources. */
    private static Map<String, Set<String>> rules(List<RuleWithOperations> rules) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (RuleWithOperations r : rules) {
            assertEquals("Namespaced", r.getScope());
            for (String g : r.getApiGroups()) {
                for (String v : r.getApiVersions()) {
                    for (String res : r.getResources()) {
                        assertFalse(res.contains("/") || res.contains("*") || g.contains("*") || v.contains("*"),
                                "only whole services/ingresses, never status or wildcards: " + g + "/" + v + "/" + res);
                        out.computeIfAbsent(g + "/" + v + "/" + res, k -> new TreeSet<>()).addAll(r.getOperations());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void rbacGrantsExactlyWhatTheReconcilerAndLeaderElectionUse() {
        ClusterRole role = Manifests.one(base, ClusterRole.class, "clbguard");
        assertEquals(Map.of(
                "/services", Set.of("get", "list", "watch", "update", "patch"),
                "/services/status", Set.of("update", "patch"),
                "networking.k8s.io/ingresses", Set.of("get", "list", "watch", "update", "patch"),
                "networking.k8s.io/ingresses/status", Set.of("update", "patch"),
                "/events", Set.of("create", "list")), grants(role.getRules()));

        Role lease = Manifests.one(base, Role.class, "clbguard-leader-election");
        assertEquals(Map.of("coordination.k8s.io/leases", Set.of("get", "create", "update")), grants(lease.getRules()));

        ServiceAccount sa = Manifests.one(base, ServiceAccount.class, "clbguard");
        ClusterRoleBinding crb = Manifests.one(base, ClusterRoleBinding.class, "clbguard");
        assertEquals("clbguard", crb.getRoleRef().getName());
        assertEquals(List.of(sa.getMetadata().getName()), crb.getSubjects().stream().map(s -> s.getName()).toList());
        assertEquals(NS, crb.getSubjects().get(0).getNamespace());
        RoleBinding rb = Manifests.one(base, RoleBinding.class, "clbguard-leader-election");
        assertEquals("Role", rb.getRoleRef().getKind(), "the lease grant stays in clbguard's namespace");
        assertEquals("clbguard-leader-election", rb.getRoleRef().getName());
        assertEquals(sa.getMetadata().getName(), rb.getSubjects().get(0).getName());
    }

    private static Map<String, Set<String>> grants(List<PolicyRule> rules) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (PolicyRule r : rules) {
            assertTrue(r.getResourceNames() == null || r.getResourceNames().isEmpty());
            assertTrue(r.getNonResourceURLs() == null || r.getNonResourceURLs().isEmpty());
            for (String g : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    assertFalse(g.contains("*") || res.contains("*") || r.getVerbs().contains("*"), "no wildcards: " + r);
                    out.computeIfAbsent(g + "/" + res, k -> new TreeSet<>()).addAll(r.getVerbs());
                }
            }
        }
        return out;
    }

    @Test
    void deploymentIsHardenedAndMatchesTheApplicationSettings() throws IOException {
        Deployment d = Manifests.one(base, Deployment.class, "clbguard");
        var spec = d.getSpec().getTemplate().getSpec();
        assertEquals(2, d.getSpec().getReplicas());
        assertNotNull(spec.getAffinity().getPodAntiAffinity(), "replicas spread over nodes");
        assertEquals("clbguard", spec.getServiceAccountName());
        assertTrue(spec.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", spec.getSecurityContext().getSeccompProfile().getType());
        assertEquals(1, spec.getContainers().size());
        Container c = spec.getContainers().get(0);
        assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        for (String r : List.of("cpu", "memory")) {
            assertNotNull(c.getResources().getRequests().get(r), "request " + r);
            assertNotNull(c.getResources().getLimits().get(r), "limit " + r);
        }
        assertEquals(List.of(8443), c.getPorts().stream().map(p -> p.getContainerPort()).toList());
        probe(c.getLivenessProbe(), "/q/health/live");
        probe(c.getReadinessProbe(), "/q/health/ready");

        Properties props = new Properties();
        props.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
        assertEquals("8443", props.getProperty("quarkus.http.ssl-port"));
        Map<String, String> mounts = c.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath));
        String tlsDir = mounts.get("tls");
        assertEquals(tlsDir + "/tls.crt", props.getProperty("%prod.quarkus.tls.key-store.pem.0.cert"));
        assertEquals(tlsDir + "/tls.key", props.getProperty("%prod.quarkus.tls.key-store.pem.0.key"));
        assertEquals("clbguard-tls", volume(spec, "tls").getSecret().getSecretName());
        assertEquals("clbguard-policies", volume(spec, "policies").getConfigMap().getName());

        Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals(mounts.get("policies"), env.get("CLBGUARD_POLICIES_DIR").getValue());
        assertEquals("metadata.namespace", env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
        for (String key : List.of("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")) {
            assertNotNull(env.get(key).getValueFrom().getSecretKeyRef(), key + " comes from a Secret, never a literal");
            assertEquals(null, env.get(key).getValue());
        }
        assertEquals("clbguard-cluster", c.getEnvFrom().get(0).getConfigMapRef().getName());
    }

    private static void probe(Probe p, String path) {
        assertEquals(path, p.getHttpGet().getPath());
        assertEquals("HTTPS", p.getHttpGet().getScheme());
        assertEquals("https", p.getHttpGet().getPort().getStrVal());
    }

    private static io.fabric8.kubernetes.api.model.Volume volume(io.fabric8.kubernetes.api.model.PodSpec spec, String name) {
        return spec.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
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
        Deployment d = Manifests.one(base, Deployment.class, "clbguard");
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        PodDisruptionBudget pdb = Manifests.one(base, PodDisruptionBudget.class, "clbguard");
        assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal());
        assertTrue(podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
        Service svc = Manifests.one(base, Service.class, "clbguard");
        assertTrue(podLabels.entrySet().containsAll(svc.getSpec().getSelector().entrySet()));
        assertEquals("https", svc.getSpec().getPorts().get(0).getTargetPort().getStrVal());

        NetworkPolicy np = Manifests.one(base, NetworkPolicy.class, "clbguard");
        assertTrue(podLabels.entrySet().containsAll(np.getSpec().getPodSelector().getMatchLabels().entrySet()));
        assertEquals(List.of("Ingress"), np.getSpec().getPolicyTypes());
        assertEquals(List.of(8443), np.getSpec().getIngress().stream().flatMap(r -> r.getPorts().stream())
                .map(p -> p.getPort().getIntVal()).toList());
    }

    // --- kustomize renderings -------------------------------------------------------------------------------

    private static String kubectl() {
        var k = Manifests.kubectl();
        Assumptions.assumeTrue(k.isPresent(), "kubectl is not on PATH: skipping the kustomize renderings "
                + "(install kubectl >= 1.27 to run them)");
        return k.get();
    }

    @Test
    void baseRendersWithThePolicyFilesInItsConfigMap() throws IOException {
        List<HasMetadata> rendered = Manifests.kustomize(kubectl(), Manifests.ROOT.resolve("base"));
        for (HasMetadata o : rendered) {
            boolean clusterScoped = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
                    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "IngressClass").contains(o.getKind());
            assertEquals(clusterScoped ? null : NS, o.getMetadata().getNamespace(), o.getKind() + " " + o.getMetadata().getName());
        }
        ConfigMap policies = Manifests.one(rendered, ConfigMap.class, "clbguard-policies");
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("policies"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        assertEquals(files, new TreeMap<>(policies.getData()),
                "every policies/*.yaml must be listed in policies/Kustomization, unchanged");
        Deployment d = Manifests.one(rendered, Deployment.class, "clbguard");
        assertEquals("clbguard-policies", volume(d.getSpec().getTemplate().getSpec(), "policies").getConfigMap().getName());
        Manifests.one(rendered, ConfigMap.class, "clbguard-cluster");
    }

    @Test
    void certManagerOverlayInjectsTheCaIntoBothWebhooks() {
        List<HasMetadata> rendered = Manifests.kustomize(kubectl(), Manifests.ROOT.resolve("overlays/cert-manager"));
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
                grants(role.getRules()));
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
        copy(Manifests.ROOT, tmp.resolve("webhook-config"));
        copy(Path.of("policies"), tmp.resolve("policies"));
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

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
