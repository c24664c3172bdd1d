package dev.clbguard.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;

/** Small builders for policy unit tests: objects in namespace {@code shop}, reviews, contexts. */
public final class PolicyTestKit {

    public static final ClusterProfile ELASTIC = new ClusterProfile("cls-7k2m9q4p", "ap-guangzhou", "vpc-4f8q2w1e",
            true, "100012345678", "qcloud");
    public static final ClusterProfile CLASSIC = new ClusterProfile("cls-7k2m9q4p", "ap-guangzhou", "vpc-4f8q2w1e",
            false, "100012345678", "qcloud");

    private PolicyTestKit() {
    }

    /** key1, value1, key2, value2, ... */
    public static Map<String, String> annotations(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    public static Service service(String name, String type, String clusterIP, String... kv) {
        return new ServiceBuilder().withNewMetadata().withNamespace("shop").withName(name)
                .withAnnotations(annotations(kv)).endMetadata()
                .withNewSpec().withType(type).withClusterIP(clusterIP).addNewPort().withPort(443).endPort().endSpec()
                .build();
    }

    public static Service lbService(String name, String... kv) {
        return service(name, "LoadBalancer", "10.0.0.140", kv);
    }

    /** An Ingress with one rule for {@code host} (none when null) and the given annotations. */
    public static IngressBuilder ingressBuilder(String name, String host, String... kv) {
        IngressBuilder b = new IngressBuilder().withNewMetadata().withNamespace("shop").withName(name)
                .withAnnotations(annotations(kv)).endMetadata().withNewSpec().endSpec();
        if (host != null) {
            b.editSpec().addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                    .withNewBackend().withNewService().withName("backend").withNewPort().withNumber(80).endPort()
                    .endService().endBackend().endPath().endHttp().endRule().endSpec();
        }
        return b;
    }

    public static Ingress ingress(String name, String... kv) {
        return ingressBuilder(name, "shop.example.com", kv).build();
    }

    public static ResourceKind kindOf(HasMetadata obj) {
        return obj instanceof Ingress ? ResourceKind.INGRESS : ResourceKind.SERVICE;
    }

    public static ObjectReview create(HasMetadata obj, Origin phase) {
        return new ObjectReview(kindOf(obj), Operation.CREATE, obj, null, false, phase);
    }

    public static ObjectReview update(HasMetadata old, HasMetadata obj) {
        return new ObjectReview(kindOf(obj), Operation.UPDATE, obj, old, false, Origin.VALIDATING_CALL);
    }

    public static PolicyContext context(Policy p, ClusterProfile profile, Map<String, Object> params) {
        PolicyConfig config = PolicyConfig.defaults(p.id(), Mode.ENFORCE).withParameters(params);
        p.checkParameters(config);
        return new PolicyContext(profile, config, dev.clbguard.policy.clb.ClbFacts.NONE);
    }

    public static List<Verdict> run(Policy p, ObjectReview review) {
        return p.evaluate(review, context(p, ELASTIC, Map.of()));
    }

    public static List<Verdict> run(Policy p, ObjectReview review, ClusterProfile profile, Map<String, Object> params) {
        return p.evaluate(review, context(p, profile, params));
    }

    public static List<Verdict> denials(List<Verdict> vs) {
        return vs.stream().filter(v -> v.effect() == Verdict.Effect.DENY).toList();
    }

    public static List<Verdict> warnings(List<Verdict> vs) {
        return vs.stream().filter(v -> v.effect() == Verdict.Effect.WARN).toList();
    }
}
