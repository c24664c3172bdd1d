package dev.clbguard.policy.rules;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.Service;

/**
 * Keeps TKE's service-controller off a Service handed to clbguard: writes {@code service.cloud.tencent.com/mode:
 * skip} on a LoadBalancer Service of class {@code clbguard.dev/clb} at CREATE. Belt and braces: TKE documents the
 * skip mode but not whether it honours spec.loadBalancerClass. A value the user set is left for
 * {@link ServiceSkipModeRequired} to judge.
 */
public final class ServiceSkipModeDefault implements Policy {

    public static final String ID = "service-skip-mode-default";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<ResourceKind> kinds() {
        return Set.of(ResourceKind.SERVICE);
    }

    @Override
    public boolean mutating() {
        return true;
    }

    @Override
    public List<Verdict> evaluate(ObjectReview review, PolicyContext ctx) {
        if (review.operation() != Operation.CREATE || !(review.object() instanceof Service svc)
                || Ownership.of(svc) != Ownership.Owner.CLBGUARD || Meta.annotation(svc, TkeAnnotations.SERVICE_MODE) != null) {
            return List.of();
        }
        return List.of(Verdict.mutate(ID, review, "is of class " + Ownership.LOAD_BALANCER_CLASS
                + ", so clbguard set " + TkeAnnotations.SERVICE_MODE + "=" + TkeAnnotations.SERVICE_MODE_SKIP
                + ": TKE's service-controller leaves its CLB to clbguard", o -> {
                    Map<String, String> annotations = o.getMetadata().getAnnotations() == null ? new HashMap<>()
                            : new HashMap<>(o.getMetadata().getAnnotations());
                    annotations.put(TkeAnnotations.SERVICE_MODE, TkeAnnotations.SERVICE_MODE_SKIP);
                    o.getMetadata().setAnnotations(annotations);
                }));
    }
}
