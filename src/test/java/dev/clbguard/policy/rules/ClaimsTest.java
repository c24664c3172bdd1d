package dev.clbguard.policy.rules;

import static dev.clbguard.policy.rules.ClbTestData.UID;
import static dev.clbguard.policy.rules.ClbTestData.clb;
import static dev.clbguard.policy.rules.ClbTestData.context;
import static dev.clbguard.policy.rules.ClbTestData.create;
import static dev.clbguard.policy.rules.ClbTestData.found;
import static dev.clbguard.policy.rules.ClbTestData.ingress;
import static dev.clbguard.policy.rules.ClbTestData.oneLineEach;
import static dev.clbguard.policy.rules.ClbTestData.only;
import static dev.clbguard.policy.rules.ClbTestData.port;
import static dev.clbguard.policy.rules.ClbTestData.service;
import static dev.clbguard.policy.rules.ClbTestData.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.ClbFacts;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** The existing-CLB policies judging the claims TKE has not tagged yet as if their tags were on the CLB. */
class ClaimsTest {

    private static final String LB = "lb-6swtxp1x";
    private static final Map<String, String> SHARE = Map.of("service.kubernetes.io/qcloud-share-existed-lb", "true");
    private static final Map<String, String> GROUP = Map.of("ingress.cloud.tencent.com/enable-group", "true");

    /** {@code other}, renamed, as the claim a live object makes. */
    static ClbFacts claimedBy(HasMetadata other, String name, Map<String, String> tags) {
        other.getMetadata().setName(name);
        other.getMetadata().setUid("9f000000-0000-4000-8000-00000000000" + name.length());
        Claim c = Claim.of(other, "not yet tagged by TKE").orElseThrow();
        return found(clb(LB, tags)).withClaims(Claims.of(List.of(c)));
    }

    static List<Verdict> judgeService(HasMetadata obj, ClbFacts facts) {
        return oneLineEach("service-existing-clb: Service shop/api", new ServiceExistingClb().evaluate(
                create(obj), context(ServiceExistingClb.ID, facts)));
    }

    static List<Verdict> judgeIngress(HasMetadata obj, ClbFacts facts) {
        return oneLineEach("ingress-existing-clb: Ingress shop/checkout", new IngressExistingClb().evaluate(create(obj),
                context(IngressExistingClb.ID, facts)));
    }

    @Test
    void aServiceNamedByAnotherIsHeldAsIfTagged() {
        Verdict v = only(judgeService(service(LB, Map.of()), claimedBy(service(LB, Map.of()), "web", Map.of())),
                Verdict.Effect.DENY);
        assertEquals("service-existing-clb: Service shop/api cannot use lb-6swtxp1x: it is already named by Service"
                + " shop/web (not yet tagged by TKE) [E4016]; choose another CLB or set qcloud-share-existed-lb: \"true\""
                + " on both", v.message());
    }

    @Test
    void sharingServicesCollideOnlyOnTheSamePortOfOneFamily() {
        ClbFacts tcp80 = claimedBy(service(LB, SHARE, port(80, "TCP")), "web", Map.of());
        assertEquals(List.of(), judgeService(service(LB, SHARE, port(80, "UDP"), port(443, "TCP")), tcp80));
        Verdict v = only(judgeService(service(LB, SHARE, port(443, "TCP"), port(80, "TCP")), tcp80), Verdict.Effect.DENY);
        assertEquals("service-existing-clb: Service shop/api cannot use lb-6swtxp1x: port 80/TCP is already named by"
                + " Service shop/web (not yet tagged by TKE) [E4014]; use other ports or another CLB", v.message());
        ClbFacts two = claimedBy(service(LB, SHARE, port(8443, "TCP"), port(80, "UDP")), "web", Map.of());
        Verdict both = only(judgeService(service(LB, SHARE, port(8443, "TCP"), port(80, "UDP")), two), Verdict.Effect.DENY);
        assertTrue(both.message().contains(": ports 8443/TCP, 80/UDP are already named by Service shop/web"), both.message());
    }

    @Test
    void itsOwnClaimAndAClbAlreadyItsOwnAreNoConflict() {
        assertEquals(List.of(), judgeService(service(LB, Map.of()), claimedBy(service(LB, Map.of()), "api", Map.of())));
        // Tagged for this very Service: it holds the CLB; a later claimant is the one in the wrong.
        HasMetadata mine = service(LB, Map.of());
        assertEquals(List.of(), oneLineEach("", new ServiceExistingClb().evaluate(update(mine, service(LB, Map.of())),
                context(ServiceExistingClb.ID, claimedBy(service(LB, Map.of()), "web",
                        Map.of("tke-lb-serviceuuid", UID, "tke-clusterId", "cls-7k2m9q4p"))))));
    }

    @Test
    void ingressesShareOnlyWhenBothAreGrouped() {
        assertEquals(List.of(), judgeIngress(ingress(LB, GROUP), claimedBy(ingress(LB, GROUP), "web", Map.of())));
        Verdict v = only(judgeIngress(ingress(LB, Map.of()), claimedBy(ingress(LB, GROUP), "web", Map.of())),
                Verdict.Effect.DENY);
        assertEquals("ingress-existing-clb: Ingress shop/checkout cannot use lb-6swtxp1x: it is already named by Ingress"
                + " shop/web (not yet tagged by TKE) [E4020]; choose another CLB or create both with enable-group", v.message());
    }

    @Test
    void aServiceAndAnIngressNeverShare() {
        Verdict v = only(judgeIngress(ingress(LB, GROUP), claimedBy(service(LB, SHARE), "api-public", Map.of())),
                Verdict.Effect.DENY);
        assertEquals("ingress-existing-clb: Ingress shop/checkout cannot use lb-6swtxp1x: it is already named by Service"
                + " shop/api-public (not yet tagged by TKE) [E4020]; a CLB serves Services or Ingresses, not both:"
                + " choose another CLB", v.message());
    }
}
