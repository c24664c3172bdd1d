package dev.clbguard.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.clbguard.admission.Fixtures;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Decision;
import dev.clbguard.policy.FactsSource;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyCatalog;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.PolicyFiles;
import dev.clbguard.policy.PolicySet;
import dev.clbguard.policy.PolicyTestKit;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.reconcile.Subject;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The lean copy the cache keeps judges, reconciles and claims exactly as the whole object would. */
class LeanObjectsTest {

    private static final KubernetesSerialization SERIAL = new KubernetesSerialization();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyPolicyJudgesTheLeanCopyAsTheWholeObject() throws IOException {
        PolicySet policies = shippedPolicies();
        List<HasMetadata> objects = objects();
        assertTrue(objects.size() > 30, "fixtures and example manifests: " + objects.size());
        int judged = 0;
        for (HasMetadata whole : objects) {
            HasMetadata lean = LeanObjects.lean(SERIAL.clone(whole));
            for (ClusterProfile profile : List.of(PolicyTestKit.ELASTIC, PolicyTestKit.CLASSIC)) {
                assertEquals(verdicts(whole, policies, profile), verdicts(lean, policies, profile), describe(whole));
                judged++;
            }
        }
        assertTrue(judged > 60);
    }

    @Test
    void theReconcilerAndTheClaimsReadTheSameFromIt() throws IOException {
        for (HasMetadata whole : objects()) {
            HasMetadata lean = LeanObjects.lean(SERIAL.clone(whole));
            if (whole.getMetadata().getUid() != null) {
                assertEquals(Subject.of(whole), Subject.of(lean), describe(whole));
            }
            assertEquals(Claim.of(whole, "x"), Claim.of(lean, "x"), describe(whole));
        }
    }

    @Test
    void whatNothingReadsIsDropped() throws IOException {
        Service whole = (Service) objects().stream().filter(o -> o instanceof Service s && s.getSpec() != null
                && s.getSpec().getSelector() != null && !s.getSpec().getSelector().isEmpty()).findFirst().orElseThrow();
        whole.getMetadata().setLabels(Map.of("app", "shop", "team", "payments"));
        whole.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl")
                .withOperation("Apply").build()));
        Map<String, String> annotations = new LinkedHashMap<>(whole.getMetadata().getAnnotations() == null ? Map.of()
                : whole.getMetadata().getAnnotations());
        annotations.put("kubectl.kubernetes.io/last-applied-configuration", "{\"apiVersion\":\"v1\"}");
        annotations.put("service.kubernetes.io/tke-existed-lbid", "lb-0g3v8r2m");
        whole.getMetadata().setAnnotations(annotations);

        Service lean = LeanObjects.lean(whole);
        assertEquals(Map.of(), lean.getMetadata().getLabels());
        assertEquals(List.of(), lean.getMetadata().getManagedFields());
        assertFalse(lean.getMetadata().getAnnotations().containsKey("kubectl.kubernetes.io/last-applied-configuration"));
        assertEquals("lb-0g3v8r2m", lean.getMetadata().getAnnotations().get("service.kubernetes.io/tke-existed-lbid"));
        assertEquals(Map.of(), lean.getSpec().getSelector());
        assertNull(lean.getSpec().getPorts().get(0).getTargetPort());
        assertTrue(SERIAL.asJson(lean).length() * 2 < SERIAL.asJson(whole).length());
        // The cache is read-only: a writer must read the whole object from the API server.
        assertThrows(UnsupportedOperationException.class, () -> lean.getMetadata().getAnnotations().put("a", "b"));
    }

    @Test
    void anIngressKeepsItsHostsButNotItsPaths() throws IOException {
        Ingress whole = (Ingress) objects().stream().filter(o -> o instanceof Ingress i && i.getSpec() != null
                && i.getSpec().getRules() != null && !i.getSpec().getRules().isEmpty()
                && i.getSpec().getRules().get(0).getHttp() != null).findFirst().orElseThrow();
        Ingress lean = LeanObjects.lean(whole);
        assertEquals(whole.getSpec().getRules().get(0).getHost(), lean.getSpec().getRules().get(0).getHost());
        assertNull(lean.getSpec().getRules().get(0).getHttp());
    }

    private static List<String> verdicts(HasMetadata obj, PolicySet policies, ClusterProfile profile) {
        ResourceKind kind = ResourceKind.of(obj.getKind()).orElseThrow();
        Decision d = PolicyEngine.evaluate(new ObjectReview(kind, Operation.CREATE, obj, null, false, Origin.AUDIT),
                policies, profile, FactsSource.NONE);
        List<String> out = new ArrayList<>();
        for (Verdict v : d.denials()) {
            out.add("deny " + v.message());
        }
        for (Verdict v : d.warnings()) {
            out.add("warn " + v.message());
        }
        return out;
    }

    private static PolicySet shippedPolicies() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Path.of("policies"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        PolicyFiles.Result r = PolicyFiles.parse(files, PolicyCatalog.byId(), Set.of("kube-system", "clbguard"));
        assertEquals(List.of(), r.errors());
        return PolicyCatalog.bind(r.configs());
    }

    /** Every Service and Ingress of the captured requests and of the example manifests. */
    static List<HasMetadata> objects() throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (Path p : Fixtures.all()) {
            JsonNode object = JSON.readTree(Fixtures.read(p)).path("request").path("object");
            if (object.isObject()) {
                add(out, SERIAL.unmarshal(object.toString()));
            }
        }
        try (Stream<Path> s = Files.walk(Path.of("examples/manifests"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (String doc : Files.readString(p).split("(?m)^---\\s*$")) {
                    if (doc.contains("kind:")) {
                        add(out, SERIAL.unmarshal(doc));
                    }
                }
            }
        }
        return out;
    }

    private static void add(List<HasMetadata> out, Object o) {
        if (o instanceof Service || o instanceof Ingress) {
            out.add((HasMetadata) o);
        }
    }

    private static String describe(HasMetadata o) {
        return o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }
}
