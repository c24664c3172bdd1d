package dev.clbguard.policy.rules;

import static dev.clbguard.policy.PolicyTestKit.CLASSIC;
import static dev.clbguard.policy.PolicyTestKit.create;
import static dev.clbguard.policy.PolicyTestKit.ingress;
import static dev.clbguard.policy.PolicyTestKit.ingressBuilder;
import static dev.clbguard.policy.PolicyTestKit.run;
import static dev.clbguard.policy.PolicyTestKit.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.Mode;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

class IngressClassDefaultTest {

    private final IngressClassDefault policy = new IngressClassDefault();

    @Test
    void isAMutatingPolicy() {
        assertTrue(policy.mutating());
    }

    @Test
    void anIngressWithoutClassGetsTheDefaultClassAnnotation() {
        Ingress ing = ingress("storefront");
        List<Verdict> vs = run(policy, create(ing, Origin.MUTATING_CALL));
        assertEquals(1, vs.size());
        Verdict v = vs.get(0);
        assertEquals(Verdict.Effect.MUTATE, v.effect());
        // What kubectl prints as a Warning: line says what clbguard did, not an order.
        assertEquals("ingress-class-default: Ingress shop/storefront had no class, so clbguard set"
                + " kubernetes.io/ingress.class=qcloud", v.message());
        v.mutation().accept(ing);
        assertEquals("qcloud", ing.getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_CLASS));
        assertNull(ing.getSpec().getIngressClassName());
        // Idempotent: reinvocation finds the class and does nothing.
        assertEquals(List.of(), run(policy, create(ing, Origin.MUTATING_CALL)));
    }

    @Test
    void theDefaultClassComesFromTheClusterProfile() {
        var profile = new dev.clbguard.policy.ClusterProfile(CLASSIC.clusterId(), CLASSIC.region(), CLASSIC.vpcId(),
                false, CLASSIC.ownerUin(), "qcloud-internal");
        Ingress ing = ingress("storefront");
        run(policy, create(ing, Origin.MUTATING_CALL), profile, Map.of()).get(0).mutation().accept(ing);
        assertEquals("qcloud-internal", ing.getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_CLASS));
    }

    @Test
    void targetFieldSetsIngressClassNameInstead() {
        Ingress ing = ingress("storefront");
        List<Verdict> vs = run(policy, create(ing, Origin.MUTATING_CALL), CLASSIC, Map.of("target", "field"));
        vs.get(0).mutation().accept(ing);
        assertEquals("qcloud", ing.getSpec().getIngressClassName());
        assertNull(ing.getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_CLASS));
    }

    @Test
    void neverAddsTheAnnotationWhenIngressClassNameIsSet() {
        Ingress ing = ingressBuilder("docs", "docs.example.com").editSpec().withIngressClassName("qcloud").endSpec().build();
        assertEquals(List.of(), run(policy, create(ing, Origin.MUTATING_CALL)));
        Ingress other = ingressBuilder("docs", "docs.example.com").editSpec().withIngressClassName("nginx").endSpec().build();
        assertEquals(List.of(), run(policy, create(other, Origin.MUTATING_CALL)));
    }

    @Test
    void leavesADeclaredClassAlone() {
        assertEquals(List.of(), run(policy, create(ingress("admin", TkeAnnotations.INGRESS_CLASS, "nginx"), Origin.MUTATING_CALL)));
    }

    @Test
    void doesNotMutateUpdates() {
        assertEquals(List.of(), run(policy, update(ingress("storefront"), ingress("storefront"))));
    }

    @Test
    void badTargetIsRefused() {
        var config = PolicyConfig.defaults(IngressClassDefault.ID, Mode.ENFORCE).withParameters(Map.of("target", "both"));
        assertThrows(IllegalArgumentException.class, () -> policy.checkParameters(config));
    }
}
