package dev.clbguard.policy.rules;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;

/**
 * Elastic (serverless) clusters have no nodes and no kube-proxy: only headless ClusterIP, LoadBalancer and
 * ExternalName Services work (docs/tke-rules.md §2.1). Only the literal {@code clusterIP: None} is headless: the
 * mutating call has no clusterIP yet and the validating call has the address just allocated.
 */
public final class ElasticServiceTypes implements Policy {

    public static final String ID = "elastic-service-types";
    private static final List<String> NODE_PORT_CHOICES = List.of("deny", "allow");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<ResourceKind> kinds() {
        return Set.of(ResourceKind.SERVICE);
    }

    @Override
    public void checkParameters(PolicyConfig config) {
        config.choice("nodePort", "deny", NODE_PORT_CHOICES);
    }

    @Override
    public List<Verdict> evaluate(ObjectReview review, PolicyContext ctx) {
        if (!ctx.profile().elastic() || !(review.object() instanceof Service svc)) {
            return List.of();
        }
        String problem = problem(svc, ctx.config());
        if (problem == null) {
            return List.of();
        }
        // An object that already had the same unsupported shape predates this policy: do not block its edits.
        if (review.operation() == Operation.UPDATE && review.oldObject() instanceof Service old
                && Objects.equals(problem, problem(old, ctx.config()))) {
            return List.of(Verdict.warn(ID, review, problem));
        }
        return List.of(Verdict.deny(ID, review, problem));
    }

    private static String problem(Service svc, PolicyConfig config) {
        String type = svc.getSpec() == null || svc.getSpec().getType() == null ? "ClusterIP" : svc.getSpec().getType();
        String clusterIP = svc.getSpec() == null ? null : svc.getSpec().getClusterIP();
        switch (type) {
            case "ClusterIP":
                if ("None".equals(clusterIP)) {
                    return null;
                }
                return "is a ClusterIP Service that is not headless (spec.clusterIP=" + (clusterIP == null ? "<unset>" : clusterIP)
                        + "): elastic clusters only support headless ClusterIP; set spec.clusterIP: None or use type LoadBalancer";
            case "NodePort":
                if ("allow".equals(config.choice("nodePort", "deny", NODE_PORT_CHOICES))) {
                    return null;
                }
                return "has spec.type NodePort: an elastic cluster has no nodes to expose ports on; use type LoadBalancer"
                        + " or a headless ClusterIP Service";
            default:
                return null;
        }
    }

    static boolean headless(HasMetadata obj) {
        return obj instanceof Service s && s.getSpec() != null && "None".equals(s.getSpec().getClusterIP());
    }
}
