package dev.clbguard.policy.rules;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.tke.IngressClasses;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;

/**
 * Names the controller of an Ingress that names none, so that what manages it is written on the object
 * (docs/tke-rules.md §3). Never touches an Ingress whose spec.ingressClassName is set: the API server rejects an
 * Ingress carrying both. Idempotent: a second application finds the class and does nothing.
 */
public final class IngressClassDefault implements Policy {

    public static final String ID = "ingress-class-default";
    private static final List<String> TARGETS = List.of("annotation", "field");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<ResourceKind> kinds() {
        return Set.of(ResourceKind.INGRESS);
    }

    @Override
    public boolean mutating() {
        return true;
    }

    @Override
    public void checkParameters(PolicyConfig config) {
        config.choice("target", "annotation", TARGETS);
    }

    @Override
    public List<Verdict> evaluate(ObjectReview review, PolicyContext ctx) {
        if (review.operation() != Operation.CREATE || !(review.object() instanceof Ingress ing)
                || IngressClasses.declared(ing) != null) {
            return List.of();
        }
        String cls = ctx.profile().defaultIngressClass();
        if ("field".equals(ctx.config().choice("target", "annotation", TARGETS))) {
            return List.of(Verdict.mutate(ID, review, "had no class, so clbguard set spec.ingressClassName=" + cls,
                    o -> {
                        Ingress target = (Ingress) o;
                        if (target.getSpec() == null) {
                            target.setSpec(new IngressSpec());
                        }
                        target.getSpec().setIngressClassName(cls);
                    }));
        }
        return List.of(Verdict.mutate(ID, review, "had no class, so clbguard set " + TkeAnnotations.INGRESS_CLASS
                + "=" + cls, o -> {
                    Map<String, String> annotations = o.getMetadata().getAnnotations() == null ? new HashMap<>()
                            : new HashMap<>(o.getMetadata().getAnnotations());
                    annotations.put(TkeAnnotations.INGRESS_CLASS, cls);
                    o.getMetadata().setAnnotations(annotations);
                }));
    }
}
