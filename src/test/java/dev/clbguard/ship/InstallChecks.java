package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.clbguard.policy.tke.Ownership;
import io.quarkus.runtime.configuration.DurationConverter;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/**
 * What every install of clbguard must be, whichever way it is rendered (the kustomize files, {@code kubectl
 * kustomize} of an overlay, or the Helm chart): side-effect free webhooks with short timeouts, kube-system and
 * clbguard's namespace excluded, objects being deleted skipped, only services and ingresses (never status),
 * least-privilege RBAC and a hardened Deployment that matches the application's own settings.
 */
final class InstallChecks {

    /** The grants of the reconciler and the ownership sweep (modes guardian and guardian-repair). */
    static final Map<String, Set<String>> GUARDIAN_GRANTS = Map.of(
            "/services", Set.of("get", "list", "watch", "update", "patch"),
            "/services/status", Set.of("update", "patch"),
            "networking.k8s.io/ingresses", Set.of("get", "list", "watch", "update", "patch"),
            "networking.k8s.io/ingresses/status", Set.of("update", "patch"),
            "/events", Set.of("create", "list"));
    /** Admission only: the live-object index lists and watches Services and Ingresses; nothing is written. */
    static final Map<String, Set<String>> WEBHOOK_ONLY_GRANTS = Map.of(
            "/services", Set.of("list", "watch"),
            "networking.k8s.io/ingresses", Set.of("list", "watch"));

    private InstallChecks() {
    }

    /** Every check that holds for a complete install (certificate included or not). */
    static void all(List<HasMetadata> objects, String ns, Map<String, Set<String>> grants) {
        mutatingWebhooks(objects, ns);
        validatingWebhook(objects, ns);
        ingressClass(objects);
        rbac(objects, ns, grants);
        deployment(objects);
        availabilityAndNetwork(objects);
    }

    static void mutatingWebhooks(List<HasMetadata> objects, String ns) {
        MutatingWebhookConfiguration config = Manifests.one(objects, MutatingWebhookConfiguration.class, "clbguard");
        assertEquals(2, config.getWebhooks().size());
        for (MutatingWebhook w : config.getWebhooks()) {
            assertEquals("None", w.getSideEffects(), w.getName() + ": a webhook with side effects is refused on every dry-run");
            common(objects, ns, w.getName(), w.getTimeoutSeconds(), w.getAdmissionReviewVersions(),
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

    static void validatingWebhook(List<HasMetadata> objects, String ns) {
        ValidatingWebhookConfiguration config = Manifests.one(objects, ValidatingWebhookConfiguration.class, "clbguard");
        assertEquals(1, config.getWebhooks().size());
        ValidatingWebhook w = config.getWebhooks().get(0);
        // It takes claim Leases on CREATE and UPDATE, never on a dry run (None would be a lie; Some would refuse dry runs).
        assertEquals("NoneOnDryRun", w.getSideEffects(), w.getName());
        common(objects, ns, w.getName(), w.getTimeoutSeconds(), w.getAdmissionReviewVersions(),
                w.getNamespaceSelector(), w.getMatchConditions(), w.getClientConfig().getService(), "/validate");
        // A CLB lookup, then its claim Lease, each within its budget: the answer must still beat the API server's timeout.
        Properties props = applicationProperties();
        long budgets = DurationConverter.parseDuration(props.getProperty("clbguard.facts.budget")).toMillis()
                + DurationConverter.parseDuration(props.getProperty("clbguard.claims.budget")).toMillis();
        assertTrue(budgets + 1000 <= w.getTimeoutSeconds() * 1000L, "facts and claim budgets (" + budgets
                + " ms) leave less than a second of timeoutSeconds " + w.getTimeoutSeconds());
        assertEquals(Map.of("/v1/services", Set.of("CREATE", "UPDATE"),
                "networking.k8s.io/v1/ingresses", Set.of("CREATE", "UPDATE")), rules(w.getRules()));
        assertEquals("Fail", w.getFailurePolicy(), "policies are enforced: the validating webhook fails closed");
    }

    private static void common(List<HasMetadata> objects, String ns, String name, Integer timeout,
            List<String> versions, LabelSelector selector, List<MatchCondition> conditions, ServiceReference service,
            String path) {
        assertTrue(name.endsWith(".clbguard.dev"), name);
        assertEquals(5, timeout, name);
        assertEquals(List.of("v1"), versions, name);
        var excluded = selector.getMatchExpressions().stream()
                .filter(e -> e.getKey().equals("kubernetes.io/metadata.name") && e.getOperator().equals("NotIn"))
                .flatMap(e -> e.getValues().stream()).collect(Collectors.toSet());
        assertEquals(Set.of("kube-system", ns), excluded, name + ": namespaceSelector");
        assertTrue(selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty(), name);
        assertTrue(conditions.stream().anyMatch(c -> c.getExpression().replace(" ", "")
                .equals("!has(object.metadata.deletionTimestamp)")), name + ": objects being deleted must be skipped");
        assertEquals(ns, service.getNamespace());
        assertEquals("clbguard", service.getName());
        assertEquals(path, service.getPath());
        Service svc = Manifests.one(objects, Service.class, "clbguard");
        assertEquals(service.getPort(), svc.getSpec().getPorts().get(0).getPort());
    }

    /** "group/version/resource" → operations; fails on wildcards and subresources. */
    static Map<String, Set<String>> rules(List<RuleWithOperations> rules) {
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

    static void ingressClass(List<HasMetadata> objects) {
        IngressClass cls = Manifests.one(objects, IngressClass.class, Ownership.INGRESS_CLASS);
        assertEquals(Ownership.CONTROLLER, cls.getSpec().getController());
        assertTrue(cls.getMetadata().getAnnotations() == null || !"true".equals(cls.getMetadata().getAnnotations()
                .get("ingressclass.kubernetes.io/is-default-class")), "never the default class: TKE's stays the default");
    }

    static void rbac(List<HasMetadata> objects, String ns, Map<String, Set<String>> expected) {
        ClusterRole role = Manifests.one(objects, ClusterRole.class, "clbguard");
        assertEquals(expected, grants(role.getRules()));

        // Leader election and the claims on CLBs: Leases of clbguard's namespace only.
        Role lease = Manifests.one(objects, Role.class, "clbguard-leases");
        assertEquals(Map.of("coordination.k8s.io/leases", Set.of("get", "create", "update", "list", "watch", "delete")),
                grants(lease.getRules()));

        ServiceAccount sa = Manifests.one(objects, ServiceAccount.class, "clbguard");
        ClusterRoleBinding crb = Manifests.one(objects, ClusterRoleBinding.class, "clbguard");
        assertEquals("clbguard", crb.getRoleRef().getName());
        assertEquals(List.of(sa.getMetadata().getName()), crb.getSubjects().stream().map(s -> s.getName()).toList());
        assertEquals(ns, crb.getSubjects().get(0).getNamespace());
        RoleBinding rb = Manifests.one(objects, RoleBinding.class, "clbguard-leases");
        assertEquals("Role", rb.getRoleRef().getKind(), "the lease grant stays in clbguard's namespace");
        assertEquals("clbguard-leases", rb.getRoleRef().getName());
        assertEquals(sa.getMetadata().getName(), rb.getSubjects().get(0).getName());
    }

    static Map<String, Set<String>> grants(List<PolicyRule> rules) {
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

    static void deployment(List<HasMetadata> objects) {
        Deployment d = Manifests.one(objects, Deployment.class, "clbguard");
        var spec = d.getSpec().getTemplate().getSpec();
        assertTrue(d.getSpec().getReplicas() >= 2, "two replicas at least: the validating webhook fails closed");
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

        Properties props = applicationProperties();
        assertEquals("8443", props.getProperty("quarkus.http.ssl-port"));
        Map<String, String> mounts = c.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath));
        String tlsDir = mounts.get("tls");
        assertEquals(tlsDir + "/tls.crt", props.getProperty("%prod.quarkus.tls.key-store.pem.0.cert"));
        assertEquals(tlsDir + "/tls.key", props.getProperty("%prod.quarkus.tls.key-store.pem.0.key"));
        assertNotNull(volume(spec, "tls").getSecret().getSecretName());
        assertEquals("clbguard-policies", volume(spec, "policies").getConfigMap().getName());

        Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals(mounts.get("policies"), env.get("CLBGUARD_POLICIES_DIR").getValue());
        assertEquals("metadata.namespace", env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
        for (String key : List.of("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")) {
            // Absent with workload identity; never a literal.
            if (env.containsKey(key)) {
                assertNotNull(env.get(key).getValueFrom().getSecretKeyRef(), key + " comes from a Secret, never a literal");
                assertNull(env.get(key).getValue());
            }
        }
        assertEquals("clbguard-cluster", c.getEnvFrom().get(0).getConfigMapRef().getName());
    }

    private static void probe(Probe p, String path) {
        assertEquals(path, p.getHttpGet().getPath());
        assertEquals("HTTPS", p.getHttpGet().getScheme());
        assertEquals("https", p.getHttpGet().getPort().getStrVal());
    }

    static Volume volume(PodSpec spec, String name) {
        return spec.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    static void availabilityAndNetwork(List<HasMetadata> objects) {
        Deployment d = Manifests.one(objects, Deployment.class, "clbguard");
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        PodDisruptionBudget pdb = Manifests.one(objects, PodDisruptionBudget.class, "clbguard");
        assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal());
        assertTrue(podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
        Service svc = Manifests.one(objects, Service.class, "clbguard");
        assertTrue(podLabels.entrySet().containsAll(svc.getSpec().getSelector().entrySet()));
        assertEquals("https", svc.getSpec().getPorts().get(0).getTargetPort().getStrVal());

        NetworkPolicy np = Manifests.one(objects, NetworkPolicy.class, "clbguard");
        assertTrue(podLabels.entrySet().containsAll(np.getSpec().getPodSelector().getMatchLabels().entrySet()));
        assertEquals(List.of("Ingress"), np.getSpec().getPolicyTypes());
        assertEquals(List.of(8443), np.getSpec().getIngress().stream().flatMap(r -> r.getPorts().stream())
                .map(p -> p.getPort().getIntVal()).toList());
    }

    /** A rendering: namespaced objects in {@code ns}, and the policy ConfigMap holding policies/*.yaml unchanged. */
    static void rendered(List<HasMetadata> rendered, String ns) {
        Set<String> clusterScoped = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "IngressClass");
        for (HasMetadata o : rendered) {
            assertEquals(clusterScoped.contains(o.getKind()) ? null : ns, o.getMetadata().getNamespace(),
                    o.getKind() + " " + o.getMetadata().getName());
        }
        ConfigMap policies = Manifests.one(rendered, ConfigMap.class, "clbguard-policies");
        assertEquals(policyFiles(), new TreeMap<>(policies.getData()),
                "every policies/*.yaml must be in the clbguard-policies ConfigMap, unchanged");
        Deployment d = Manifests.one(rendered, Deployment.class, "clbguard");
        assertEquals("clbguard-policies", volume(d.getSpec().getTemplate().getSpec(), "policies").getConfigMap().getName());
        ConfigMap cluster = Manifests.one(rendered, ConfigMap.class, "clbguard-cluster");
        assertTrue(cluster.getData().keySet().stream().allMatch(k -> k.startsWith("CLBGUARD_CLUSTER_")), "cluster profile only");
    }

    static Map<String, String> policyFiles() {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("policies"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static Properties applicationProperties() {
        Properties props = new Properties();
        try {
            props.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }
}
