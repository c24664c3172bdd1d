package dev.clbguard.policy.rules;

import java.util.List;
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
import dev.clbguard.policy.tke.TkeFormats;
import io.fabric8.kubernetes.api.model.Service;

/**
 * A LoadBalancer Service of class {@code clbguard.dev/clb} must carry {@code service.cloud.tencent.com/mode: skip},
 * or TKE's service-controller might provision a second CLB for it (TKE does not document whether it honours
 * loadBalancerClass). Denied when the annotation says anything else; when it is missing at CREATE (the mutating
 * webhook did not run); and when an UPDATE removes it. An older Service that never had it is warned about, so
 * that clbguard's own writes (finalizer, CLB id) still go through.
 */
public final class ServiceSkipModeRequired implements Policy {

    public static final String ID = "service-skip-mode";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<ResourceKind> kinds() {
        return Set.of(ResourceKind.SERVICE);
    }

    @Override
    public List<Verdict> evaluate(ObjectReview review, PolicyContext ctx) {
        if (!(review.object() instanceof Service svc) || Ownership.of(svc) != Ownership.Owner.CLBGUARD) {
            return List.of();
        }
        String mode = Meta.annotation(svc, TkeAnnotations.SERVICE_MODE);
        String fix = "set " + TkeAnnotations.SERVICE_MODE + ": " + TkeAnnotations.SERVICE_MODE_SKIP
                + ", or drop spec.loadBalancerClass to let TKE provision the CLB";
        String why = ": with class " + Ownership.LOAD_BALANCER_CLASS + " clbguard provisions the CLB, and only the skip"
                + " mode keeps TKE's service-controller from making a second one; ";
        if (mode != null && !TkeAnnotations.SERVICE_MODE_SKIP.equals(mode.trim())) {
            return List.of(Verdict.deny(ID, review, "has " + TkeAnnotations.SERVICE_MODE + "="
                    + TkeFormats.quote(mode) + why + fix));
        }
        if (mode != null) {
            return List.of();
        }
        boolean removed = review.operation() == Operation.UPDATE && review.oldObject() != null
                && Meta.annotation(review.oldObject(), TkeAnnotations.SERVICE_MODE) != null;
        String cause = "has no " + TkeAnnotations.SERVICE_MODE + why + fix;
        if (review.operation() == Operation.CREATE || removed) {
            return List.of(Verdict.deny(ID, review, cause));
        }
        return List.of(Verdict.warn(ID, review, cause));
    }
}
