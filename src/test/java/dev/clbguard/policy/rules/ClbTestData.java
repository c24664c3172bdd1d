package dev.clbguard.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Mode;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.clb.ClbLookup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;

/** Objects, CLBs and contexts for the existing-CLB policy tests: all built in memory, no network. */
final class ClbTestData {

    static final ClusterProfile PROFILE = new ClusterProfile("cls-7k2m9q4p", "ap-guangzhou", "vpc-4f8q2w1e", true,
            "100012345678", "qcloud");
    static final String UID = "0c9e6f1a-1111-4222-8333-444455556666";
    static final String OTHER_UID = "5b1c0000-0000-4000-8000-000000000001";

    private ClbTestData() {
    }

    static ClbInfo clb(String id, Map<String, String> tags, ClbListener... listeners) {
        return new ClbInfo(id, "test", "OPEN", 1, "vpc-4f8q2w1e", null, List.of("203.0.113.10"), tags,
                Arrays.asList(listeners));
    }

    static ClbListener listener(String protocol, int port) {
        return new ClbListener("lbl-" + port + protocol.toLowerCase(), "l" + port, protocol, port);
    }

    static ClbFacts found(ClbInfo clb) {
        return new ClbFacts(Map.of(clb.id(), new ClbLookup.Found(clb)));
    }

    static ClbFacts missing(String id) {
        return new ClbFacts(Map.of(id, new ClbLookup.Missing(id)));
    }

    static Service service(String lbId, Map<String, String> extra, ServicePort... ports) {
        Map<String, String> annotations = new HashMap<>(extra);
        if (lbId != null) {
            annotations.put("service.kubernetes.io/tke-existed-lbid", lbId);
        }
        List<ServicePort> list = ports.length == 0 ? List.of(port(443, "TCP")) : Arrays.asList(ports);
        return new ServiceBuilder().withNewMetadata().withName("api").withNamespace("shop").withUid(UID)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().withType("LoadBalancer").withPorts(list).endSpec().build();
    }

    static ServicePort port(int port, String protocol) {
        return new ServicePortBuilder().withPort(port).withProtocol(protocol).build();
    }

    static Ingress ingress(String lbId, Map<String, String> extra) {
        return ingress(lbId, extra, false);
    }

    static Ingress ingress(String lbId, Map<String, String> extra, boolean tls) {
        Map<String, String> annotations = new HashMap<>(extra);
        if (lbId != null) {
            annotations.put("kubernetes.io/ingress.existLbId", lbId);
        }
        IngressBuilder b = new IngressBuilder().withNewMetadata().withName("checkout").withNamespace("shop").withUid(UID)
                .withAnnotations(annotations).endMetadata().withNewSpec().endSpec();
        if (tls) {
            b.editSpec().addNewTl().withHosts("pay.example.com").withSecretName("pay-cert").endTl().endSpec();
        }
        return b.build();
    }

    static ObjectReview create(HasMetadata obj) {
        return new ObjectReview(kind(obj), Operation.CREATE, obj, null, false, Origin.VALIDATING_CALL);
    }

    static ObjectReview update(HasMetadata obj, HasMetadata old) {
        return new ObjectReview(kind(obj), Operation.UPDATE, obj, old, false, Origin.VALIDATING_CALL);
    }

    /** A manifest checked by the offline validator: no uid. */
    static ObjectReview offline(HasMetadata obj) {
        obj.getMetadata().setUid(null);
        return new ObjectReview(kind(obj), Operation.CREATE, obj, null, false, Origin.MANIFEST);
    }

    static PolicyContext context(String policyId, ClbFacts facts) {
        return new PolicyContext(PROFILE, PolicyConfig.defaults(policyId, Mode.ENFORCE), facts);
    }

    static PolicyContext context(PolicyConfig config, ClbFacts facts) {
        return new PolicyContext(PROFILE, config, facts);
    }

    private static ResourceKind kind(HasMetadata obj) {
        return obj instanceof Service ? ResourceKind.SERVICE : obj instanceof Ingress ? ResourceKind.INGRESS : null;
    }

    /** Each verdict one line about the object, of "about 200 characters" (docs/tke-rules.md §7) with the tests' names. */
    static List<Verdict> oneLineEach(String prefix, List<Verdict> verdicts) {
        for (Verdict v : verdicts) {
            assertTrue(v.message().startsWith(prefix), v.message());
            assertTrue(!v.message().contains("\n") && v.message().length() <= 220, v.message().length() + ": " + v.message());
        }
        return verdicts;
    }

    static Verdict only(List<Verdict> verdicts, Verdict.Effect effect) {
        assertEquals(1, verdicts.size(), verdicts.toString());
        assertEquals(effect, verdicts.get(0).effect(), verdicts.toString());
        return verdicts.get(0);
    }
}
