package dev.clbguard.policy.rules;

import static dev.clbguard.policy.rules.ClbTestData.OTHER_UID;
import static dev.clbguard.policy.rules.ClbTestData.UID;
import static dev.clbguard.policy.rules.ClbTestData.clb;
import static dev.clbguard.policy.rules.ClbTestData.context;
import static dev.clbguard.policy.rules.ClbTestData.create;
import static dev.clbguard.policy.rules.ClbTestData.found;
import static dev.clbguard.policy.rules.ClbTestData.listener;
import static dev.clbguard.policy.rules.ClbTestData.missing;
import static dev.clbguard.policy.rules.ClbTestData.offline;
import static dev.clbguard.policy.rules.ClbTestData.oneLineEach;
import static dev.clbguard.policy.rules.ClbTestData.only;
import static dev.clbguard.policy.rules.ClbTestData.port;
import static dev.clbguard.policy.rules.ClbTestData.service;
import static dev.clbguard.policy.rules.ClbTestData.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.Mode;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbInfo;
import io.fabric8.kubernetes.api.model.Service;

class ServiceExistingClbTest {

    private static final String LB = "lb-6swtxp1x";
    private static final Map<String, String> SHARE = Map.of("service.kubernetes.io/qcloud-share-existed-lb", "true");
    private final ServiceExistingClb policy = new ServiceExistingClb();

    private List<Verdict> eval(ObjectReview review, ClbFacts facts) {
        return oneLineEach("service-existing-clb: Service shop/api", policy.evaluate(review, context(ServiceExistingClb.ID, facts)));
    }

    @Test
    void declaresOnlyWellFormedIdsOfLoadBalancerServices() {
        PolicyConfig config = PolicyConfig.defaults(ServiceExistingClb.ID, Mode.ENFORCE);
        assertEquals(Set.of(LB), policy.clbIds(create(service(LB, Map.of())), config));
        assertEquals(Set.of(), policy.clbIds(create(service("lb-BAD", Map.of())), config));
        assertEquals(Set.of(), policy.clbIds(create(service(null, Map.of())), config));
        Service clusterIp = service(LB, Map.of());
        clusterIp.getSpec().setType("ClusterIP");
        assertEquals(Set.of(), policy.clbIds(create(clusterIp), config));
        assertEquals(List.of(), eval(create(clusterIp), missing(LB)));
    }

    @Test
    void freeClbInTheClusterVpcIsAllowed() {
        assertEquals(List.of(), eval(create(service(LB, Map.of())), found(clb(LB, Map.of()))));
        assertEquals(List.of(), eval(create(service(LB, Map.of())), found(clb(LB, Map.of("tke-clusterId", "cls-7k2m9q4p")))));
    }

    @Test
    void clbguardsClassIsJudgedLikeTkesAndOtherClassesAreNotChecked() {
        var mine = service(LB, Map.of());
        mine.getSpec().setLoadBalancerClass(dev.clbguard.policy.tke.Ownership.LOAD_BALANCER_CLASS);
        assertTrue(only(eval(create(mine), missing(LB)), Verdict.Effect.DENY).message().contains("[E4011]"));
        var other = service(LB, Map.of());
        other.getSpec().setLoadBalancerClass("example.com/other-lb");
        assertEquals(List.of(), eval(create(other), missing(LB)), "another controller's Service is not TKE's business");
        assertEquals(java.util.Set.of(), policy.clbIds(create(other), null), "not even looked up");
    }

    @Test
    void missingClbIsDeniedWithE4011() {
        Verdict v = only(eval(create(service(LB, Map.of())), missing(LB)), Verdict.Effect.DENY);
        assertTrue(v.message().contains("cannot use " + LB + ": it does not exist in region ap-guangzhou [E4011]"), v.message());
    }

    @Test
    void clbCreatedByTkeIsDeniedWithE4012Alone() {
        ClbInfo made = clb(LB, Map.of("tke-createdBy-flag", "yes", "tke-clusterId", "cls-00000000"), listener("TCP", 443));
        Verdict v = only(eval(create(service(LB, Map.of())), found(made)), Verdict.Effect.DENY);
        assertTrue(v.message().contains("[E4012]"), v.message());
    }

    @Test
    void clbOfAnotherClusterIsDeniedWithE4013() {
        Verdict v = only(eval(create(service(LB, Map.of())), found(clb(LB, Map.of("tke-clusterId", "cls-00000000")))),
                Verdict.Effect.DENY);
        assertTrue(v.message().contains("used by cluster cls-00000000 (tke-clusterId) [E4013]"), v.message());
    }

    @Test
    void clbInAnotherVpcIsDenied() {
        ClbInfo elsewhere = new ClbInfo(LB, "x", "OPEN", 1, "vpc-99999999", null, List.of(), Map.of(), List.of());
        Verdict v = only(eval(create(service(LB, Map.of())), found(elsewhere)), Verdict.Effect.DENY);
        assertTrue(v.message().contains("it is in vpc-99999999, not in the cluster's VPC vpc-4f8q2w1e; choose a CLB in vpc-4f8q2w1e"),
                v.message());
    }

    @Test
    void withTheLiveObjectIndexADenialNamesTheOwnerServiceOrSaysTheTagIsStale() {
        ClbInfo taken = clb(LB, Map.of("tke-lb-serviceuuid", OTHER_UID));
        dev.clbguard.policy.clb.Owners index = dev.clbguard.policy.clb.Owners.indexed(uid -> uid.equals(OTHER_UID)
                ? java.util.Optional.of(new dev.clbguard.policy.clb.Owners.Name("Service", "billing", "api"))
                : java.util.Optional.empty());
        Verdict v = only(eval(create(service(LB, Map.of())), found(taken).withOwners(index)), Verdict.Effect.DENY);
        assertTrue(v.message().contains("it is tagged for Service billing/api (tke-lb-serviceuuid=5b1c…) [E4016]"),
                v.message());
        ClbInfo stale = clb(LB, Map.of("tke-lb-serviceuuid", "dead0000"));
        Verdict s = only(eval(create(service(LB, Map.of())), found(stale).withOwners(index)), Verdict.Effect.DENY);
        assertTrue(s.message().contains("its owner no longer exists in this cluster (tke-lb-serviceuuid=dead…, stale tag)"
                + " [E4016]; remove it (UnTagResources) or let the guardian repair it"), s.message());
    }

    @Test
    void clbTaggedForAnotherServiceIsDeniedUnlessShared() {
        ClbInfo taken = clb(LB, Map.of("tke-lb-serviceuuid", OTHER_UID));
        Verdict v = only(eval(create(service(LB, Map.of())), found(taken)), Verdict.Effect.DENY);
        assertTrue(v.message().contains("tagged for another Service (tke-lb-serviceuuid=5b1c…) [E4016]"), v.message());
        assertTrue(v.message().contains("qcloud-share-existed-lb: \"true\""), v.message());
        assertEquals(List.of(), eval(create(service(LB, SHARE)), found(taken)));
    }

    @Test
    void onCreateAnyUuidTagIsSomeoneElses() {
        // The validating call of a CREATE has a fresh uid; even a tag equal to it cannot be this object's claim.
        ClbInfo tagged = clb(LB, Map.of("tke-lb-serviceuuid", UID));
        only(eval(create(service(LB, Map.of())), found(tagged)), Verdict.Effect.DENY);
    }

    @Test
    void adoptedClbPassesUpdateWithItsOwnListeners() {
        ClbInfo adopted = clb(LB, Map.of("tke-clusterId", "cls-7k2m9q4p", "tke-lb-serviceuuid", UID), listener("TCP", 443));
        Service svc = service(LB, Map.of());
        assertEquals(List.of(), eval(update(svc, service(LB, Map.of())), found(adopted)));
        // The same CLB tagged for someone else, with the same UPDATE: denied.
        ClbInfo foreign = clb(LB, Map.of("tke-lb-serviceuuid", OTHER_UID), listener("TCP", 443));
        only(eval(update(svc, service(LB, Map.of())), found(foreign)), Verdict.Effect.DENY);
    }

    @Test
    void listenersWithoutSharingAreDeniedWithE4016() {
        ClbInfo busy = clb(LB, Map.of(), listener("HTTP", 80));
        Verdict v = only(eval(create(service(LB, Map.of())), found(busy)), Verdict.Effect.DENY);
        assertTrue(v.message().contains("it has listeners (lbl-80http HTTP:80) and sharing is off [E4016]"), v.message());
    }

    @Test
    void sharedClbDeniesOnlyCollidingPortsWithE4014() {
        ClbInfo busy = clb(LB, Map.of(), listener("HTTP", 80), listener("UDP", 53));
        assertEquals(List.of(), eval(create(service(LB, SHARE, port(443, "TCP"))), found(busy)));
        // UDP and TCP may share a port number on a CLB.
        assertEquals(List.of(), eval(create(service(LB, SHARE, port(80, "UDP"), port(53, "TCP"))), found(busy)));
        Verdict v = only(eval(create(service(LB, SHARE, port(443, "TCP"), port(80, "TCP"))), found(busy)), Verdict.Effect.DENY);
        assertTrue(v.message().contains("port 80/TCP is taken by listener lbl-80http HTTP:80 [E4014]"), v.message());
        Verdict two = only(eval(create(service(LB, SHARE, port(80, "TCP"), port(53, "UDP"))), found(busy)), Verdict.Effect.DENY);
        assertTrue(two.message().contains("ports 80/TCP, 53/UDP are taken by listeners lbl-80http HTTP:80, "), two.message());
    }

    @Test
    void sharedClbUpdateKeepsPortsItAlreadyHeld() {
        ClbInfo shared = clb(LB, Map.of(), listener("TCP", 443), listener("TCP", 8080));
        Service old = service(LB, SHARE, port(443, "TCP"));
        assertEquals(List.of(), eval(update(service(LB, SHARE, port(443, "TCP")), old), found(shared)));
        Verdict v = only(eval(update(service(LB, SHARE, port(443, "TCP"), port(8080, "TCP")), old), found(shared)),
                Verdict.Effect.DENY);
        assertTrue(v.message().contains("port 8080/TCP") && v.message().contains("[E4014]"), v.message());
    }

    @Test
    void offlineManifestCannotCheckOwnership() {
        ClbInfo tagged = clb(LB, Map.of("tke-lb-serviceuuid", OTHER_UID), listener("TCP", 443));
        Verdict v = only(eval(offline(service(LB, Map.of())), found(tagged)), Verdict.Effect.WARN);
        assertTrue(v.message().contains("owner and listeners not checked (no metadata.uid offline)"), v.message());
        // Without a uuid tag nobody owns it: the offline check is complete.
        only(eval(offline(service(LB, Map.of())), found(clb(LB, Map.of(), listener("TCP", 443)))), Verdict.Effect.DENY);
    }

    @Test
    void internalSubnetBesideTheClbIsLeftToClbAnnotations() {
        Service svc = service(LB, Map.of("service.kubernetes.io/qcloud-loadbalancer-internal-subnetid", "subnet-3k2d9x1a"));
        assertEquals(List.of(), eval(create(svc), found(clb(LB, Map.of()))));
    }

    @Test
    void everyIndependentCauseIsReported() {
        ClbInfo bad = new ClbInfo(LB, "x", "OPEN", 1, "vpc-99999999", null, List.of(),
                Map.of("tke-clusterId", "cls-00000000"), List.of(listener("TCP", 443)));
        List<Verdict> verdicts = eval(create(service(LB, Map.of())), found(bad));
        assertEquals(3, verdicts.size(), verdicts.toString());
        assertTrue(verdicts.stream().allMatch(v -> v.effect() == Verdict.Effect.DENY));
    }

    @Test
    void clbOfAnIngressIsDeniedWhateverTheSharingAndUid() {
        ClbInfo ingressClb = clb(LB, Map.of("tke-lb-ingress-uuid", OTHER_UID), listener("HTTP", 80));
        for (ObjectReview review : List.of(create(service(LB, Map.of())), create(service(LB, SHARE, port(8080, "TCP"))),
                offline(service(LB, Map.of())))) {
            Verdict v = only(eval(review, found(ingressClb)), Verdict.Effect.DENY);
            assertEquals("service-existing-clb: Service shop/api cannot use " + LB + ": it is used by an Ingress"
                    + " (tke-lb-ingress-uuid=5b1c…) [E4020]; a CLB serves Services or Ingresses, not both: choose one"
                    + " without that tag", v.message());
        }
    }
}
