package dev.clbguard.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;

/** The lifecycle table of docs/tke-rules.md §5, row by row, as pure decisions. */
class LifecycleDecisionTest {

    static final ClusterProfile PROFILE = new ClusterProfile("cls-7k2m9q4p", "ap-guangzhou", "vpc-4f8q2w1e", true,
            "100012345678", "qcloud");
    static final String UID = "5b1c2d3e-0000-4000-8000-000000000001";
    /** The Ingress class that hands an Ingress to clbguard. */
    static final String MINE = "clbguard";

    static HasMetadata ingress(String cls, Map<String, String> annotations, boolean finalizer, boolean deleting) {
        var b = new IngressBuilder().withNewMetadata().withNamespace("shop").withName("checkout").withUid(UID)
                .withAnnotations(new java.util.HashMap<>(annotations)).endMetadata().withNewSpec().endSpec();
        var ing = b.build();
        if (cls != null) {
            ing.getMetadata().getAnnotations().put(TkeAnnotations.INGRESS_CLASS, cls);
        }
        if (finalizer) {
            ing.getMetadata().setFinalizers(new ArrayList<>(List.of(Subject.FINALIZER)));
        }
        if (deleting) {
            ing.getMetadata().setDeletionTimestamp(Instant.now().toString());
        }
        return ing;
    }

    /** A Service of clbguard's class ({@code clbguard.dev/clb}) when it is a LoadBalancer. */
    static HasMetadata service(String type, Map<String, String> annotations, boolean finalizer, boolean deleting) {
        var svc = (io.fabric8.kubernetes.api.model.Service) tkeService(type, annotations, finalizer, deleting);
        if ("LoadBalancer".equals(type)) {
            svc.getSpec().setLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS);
        }
        return svc;
    }

    /** A Service without loadBalancerClass: TKE's service-controller's when it is a LoadBalancer. */
    static HasMetadata tkeService(String type, Map<String, String> annotations, boolean finalizer, boolean deleting) {
        var svc = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("api").withUid(UID)
                .withAnnotations(new java.util.HashMap<>(annotations)).endMetadata().withNewSpec().withType(type)
                .addNewPort().withPort(443).withProtocol("TCP").endPort().endSpec().build();
        if (finalizer) {
            svc.getMetadata().setFinalizers(new ArrayList<>(List.of(Subject.FINALIZER)));
        }
        if (deleting) {
            svc.getMetadata().setDeletionTimestamp(Instant.now().toString());
        }
        return svc;
    }

    static ClbInfo clb(String id, Map<String, String> tags, ClbListener... listeners) {
        return new ClbInfo(id, "x", "OPEN", 1, "vpc-4f8q2w1e", null, List.of("203.0.113.10"), tags, List.of(listeners));
    }

    static Action decide(HasMetadata obj, ClbInfo clb) {
        return LifecycleDecision.decide(Subject.of(obj), clb, PROFILE);
    }

    @Test
    void finalizerComesBeforeAnyCloudAction() {
        assertInstanceOf(Action.AddFinalizer.class, decide(ingress(MINE, Map.of(), false, false), null));
        assertInstanceOf(Action.AddFinalizer.class, decide(service("LoadBalancer", Map.of(), false, false), null));
    }

    @Test
    void notOursIsLeftAlone() {
        assertInstanceOf(Action.Nothing.class, decide(ingress("nginx", Map.of(), false, false), null));
        assertInstanceOf(Action.Nothing.class, decide(service("ClusterIP", Map.of(), false, false), null));
        assertInstanceOf(Action.Nothing.class, decide(ingress(MINE, Map.of(), false, true), null));
        assertInstanceOf(Action.Nothing.class, decide(service("LoadBalancer", Map.of(), false, true), null));
        assertEquals(new LifecycleDecision.Target.None(),
                LifecycleDecision.target(Subject.of(ingress("nginx", Map.of(), false, false)), PROFILE));
    }

    @Test
    void tkesObjectsAreNeverTouched() {
        for (String cls : new String[] {null, "qcloud"}) {
            var ing = ingress(cls, Map.of(TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m"), false, false);
            assertInstanceOf(Action.Nothing.class, decide(ing, null));
            assertEquals(new LifecycleDecision.Target.None(), LifecycleDecision.target(Subject.of(ing), PROFILE));
        }
        var svc = tkeService("LoadBalancer", Map.of(), false, false);
        assertInstanceOf(Action.Nothing.class, decide(svc, null));
        assertEquals(new LifecycleDecision.Target.None(), LifecycleDecision.target(Subject.of(svc), PROFILE));
    }

    @Test
    void aLeftoverFinalizerOnTkesObjectIsDroppedWithoutLookingAtTheClb() {
        var mine = clb("lb-00000001", Map.of(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, "cls-7k2m9q4p",
                TkeTags.INGRESS_UUID, UID));
        for (boolean deleting : new boolean[] {false, true}) {
            var ing = ingress("qcloud", Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, "lb-00000001"), true, deleting);
            assertEquals(new LifecycleDecision.Target.None(), LifecycleDecision.target(Subject.of(ing), PROFILE));
            assertEquals(new Action.Disown(), decide(ing, mine));
            assertEquals(new Action.Disown(), decide(tkeService("LoadBalancer", Map.of(), true, deleting), null));
        }
    }

    @Test
    void createsWithAllThreeTagsAndTheUidAsClientToken() {
        var a = assertInstanceOf(Action.Create.class, decide(ingress(MINE, Map.of(), true, false), null));
        assertEquals(Map.of(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.INGRESS_UUID, UID),
                a.spec().tags());
        assertEquals(UID, a.spec().clientToken());
        assertEquals("OPEN", a.spec().type());
        assertEquals("cls-7k2m9q4p_shop_checkout", a.spec().name());
    }

    @Test
    void internalServiceIsCreatedInTheAnnotatedSubnet() {
        var a = assertInstanceOf(Action.Create.class, decide(service("LoadBalancer",
                Map.of(TkeAnnotations.SERVICE_INTERNAL_SUBNET, "subnet-3c9d2k1m"), true, false), null));
        assertEquals("INTERNAL", a.spec().type());
        assertEquals("subnet-3c9d2k1m", a.spec().subnetId());
        assertEquals(UID, a.spec().tags().get(TkeTags.SERVICE_UUID));
    }

    @Test
    void createdClbIsRecordedThenInSync() {
        var ing = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, "lb-00000001"), true, false);
        var mine = clb("lb-00000001", Map.of(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, "cls-7k2m9q4p",
                TkeTags.INGRESS_UUID, UID));
        assertEquals(new LifecycleDecision.Target.ById("lb-00000001"), LifecycleDecision.target(Subject.of(ing), PROFILE));
        assertEquals(new Action.Record("lb-00000001", List.of("203.0.113.10")), decide(ing, mine));
        ((io.fabric8.kubernetes.api.model.networking.v1.Ingress) ing).setStatus(new io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder()
                .withNewLoadBalancer().addNewIngress().withIp("203.0.113.10").endIngress().endLoadBalancer().build());
        assertInstanceOf(Action.Nothing.class, decide(ing, mine));
    }

    @Test
    void recordedClbOfSomeoneElseIsRefusedNotAdopted() {
        var ing = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, "lb-00000001"), true, false);
        assertInstanceOf(Action.Refuse.class, decide(ing, clb("lb-00000001", Map.of(TkeTags.INGRESS_UUID, "other"))));
        assertInstanceOf(Action.Refuse.class, decide(ing, null));
    }

    @Test
    void existingClbIsClaimedWithClusterAndUuidTags() {
        var ing = ingress(MINE, Map.of(TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m"), true, false);
        var a = decide(ing, clb("lb-0g3v8r2m", Map.of()));
        assertEquals(new Action.Tag("lb-0g3v8r2m", Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.INGRESS_UUID, UID)), a);
        var claimed = clb("lb-0g3v8r2m", Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.INGRESS_UUID, UID));
        assertEquals(new Action.Record("lb-0g3v8r2m", List.of("203.0.113.10")), decide(ing, claimed));
    }

    @Test
    void existingClbThatIsNotClaimableIsRefusedWithTkeCodes() {
        var ing = ingress(MINE, Map.of(TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m"), true, false);
        assertEquals("E4018", ((Action.Refuse) decide(ing, null)).code());
        assertEquals("E4013", ((Action.Refuse) decide(ing, clb("lb-0g3v8r2m", Map.of(TkeTags.CLUSTER_ID, "cls-other")))).code());
        assertEquals("E4019", ((Action.Refuse) decide(ing, clb("lb-0g3v8r2m", Map.of(TkeTags.CREATED_BY, "yes")))).code());
        assertEquals("E4020", ((Action.Refuse) decide(ing, clb("lb-0g3v8r2m", Map.of(TkeTags.INGRESS_UUID, "u2")))).code());
        var svc = service("LoadBalancer", Map.of(TkeAnnotations.SERVICE_EXISTED_LBID, "lb-0g3v8r2m"), true, false);
        assertEquals("E4011", ((Action.Refuse) decide(svc, null)).code());
        assertEquals("E4016", ((Action.Refuse) decide(svc, clb("lb-0g3v8r2m", Map.of(TkeTags.SERVICE_UUID, "u2")))).code());
    }

    @Test
    void sharedExistingClbKeepsTheFirstOwnersUuidTag() {
        var svc = service("LoadBalancer", Map.of(TkeAnnotations.SERVICE_EXISTED_LBID, "lb-0g3v8r2m",
                TkeAnnotations.SERVICE_SHARE_EXISTED_LB, "true"), true, false);
        assertEquals(new Action.Tag("lb-0g3v8r2m", Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p")),
                decide(svc, clb("lb-0g3v8r2m", Map.of(TkeTags.SERVICE_UUID, "u2"))));
    }

    @Test
    void deletedObjectDeletesTheClbCreatedForIt() {
        var ing = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, "lb-00000001"), true, true);
        var mine = clb("lb-00000001", Map.of(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, "cls-7k2m9q4p",
                TkeTags.INGRESS_UUID, UID));
        assertEquals(new Action.DeleteClb("lb-00000001"), decide(ing, mine));
        assertInstanceOf(Action.Finish.class, decide(ing, null));
    }

    @Test
    void deletionWithoutRecordedIdLooksTheClbUpByTags() {
        var ing = ingress(MINE, Map.of(), true, true);
        assertEquals(new LifecycleDecision.Target.ByTags(Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.INGRESS_UUID, UID)),
                LifecycleDecision.target(Subject.of(ing), PROFILE));
    }

    @Test
    void retainedOrUserOwnedClbIsReleasedNotDeleted() {
        var tags = Map.of(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.INGRESS_UUID, UID);
        var retained = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, "lb-00000001",
                TkeAnnotations.INGRESS_LOADBALANCE_RETAIN, "true"), true, true);
        assertEquals(new Action.Untag("lb-00000001", Set.of(TkeTags.INGRESS_UUID, TkeTags.CLUSTER_ID)),
                decide(retained, clb("lb-00000001", tags)));
        var userOwned = new java.util.HashMap<>(tags);
        userOwned.put(TkeTags.LIFECYCLE_OWNER, "user");
        var plain = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, "lb-00000001"), true, true);
        assertInstanceOf(Action.Untag.class, decide(plain, clb("lb-00000001", userOwned)));
    }

    @Test
    void existingClbLosesOnlyTheObjectsListenersAndTags() {
        var svc = service("LoadBalancer", Map.of(TkeAnnotations.SERVICE_EXISTED_LBID, "lb-0g3v8r2m"), true, true);
        var tags = Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.SERVICE_UUID, UID, "team", "shop");
        var withListeners = clb("lb-0g3v8r2m", tags, new ClbListener("lbl-1", "mine", "TCP", 443),
                new ClbListener("lbl-2", "theirs", "TCP", 8080));
        assertEquals(new Action.DeleteListeners("lb-0g3v8r2m", List.of("lbl-1")), decide(svc, withListeners));
        assertEquals(new Action.Untag("lb-0g3v8r2m", Set.of(TkeTags.SERVICE_UUID, TkeTags.CLUSTER_ID)),
                decide(svc, clb("lb-0g3v8r2m", tags, new ClbListener("lbl-2", "theirs", "TCP", 8080))));
        assertInstanceOf(Action.Finish.class, decide(svc, clb("lb-0g3v8r2m", Map.of("team", "shop"))));
    }

    @Test
    void existingClbOfAnotherOwnerIsNeverTouchedOnRelease() {
        var svc = service("LoadBalancer", Map.of(TkeAnnotations.SERVICE_EXISTED_LBID, "lb-0g3v8r2m"), true, true);
        var other = clb("lb-0g3v8r2m", Map.of(TkeTags.CLUSTER_ID, "cls-other"), new ClbListener("lbl-1", "x", "TCP", 443));
        assertInstanceOf(Action.Finish.class, decide(svc, other));
    }

    static final String LB = "lb-00000001";
    static final String EXISTING = "lb-0g3v8r2m";
    static final ClbInfo CREATED = clb(LB, Map.of(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, "cls-7k2m9q4p",
            TkeTags.INGRESS_UUID, UID));

    @Test
    void classChangedAwayReleasesAndChangedBackCreates() {
        var away = ingress("nginx", Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, LB), true, false);
        assertEquals(new Action.BeginRelease(LB), decide(away, CREATED), "the object stays: marked before the delete");
        var marked = ingress("nginx", Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, LB, Subject.RELEASING, LB), true, false);
        assertEquals(new Action.DeleteClb(LB), decide(marked, CREATED));
        assertInstanceOf(Action.Finish.class, decide(away, null), "nothing to release: no mark");
        var svcAway = service("ClusterIP", Map.of(TkeAnnotations.SERVICE_LOADBALANCE_ID, "lb-00000001"), true, false);
        assertInstanceOf(Action.Finish.class, decide(svcAway, null));
        assertInstanceOf(Action.AddFinalizer.class, decide(ingress(MINE, Map.of(), false, false), null));
    }

    @Test
    void neverDeletesARecordedClbTaggedForAnotherObject() {
        var ing = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, "lb-00000001"), true, true);
        var notMine = clb("lb-00000001", Map.of(TkeTags.CREATED_BY, "yes", TkeTags.INGRESS_UUID, "someone-else"));
        assertInstanceOf(Action.Finish.class, decide(ing, notMine));
    }

    @Test
    void aClbCreatedAfterAReleaseUsesANewClientToken() {
        var back = ingress(MINE, Map.of(Subject.RELEASES, "2"), true, false);
        assertEquals(UID + "-2", ((Action.Create) decide(back, null)).spec().clientToken());
    }

    @Test
    void aReleaseKilledBeforeItsEndIsFinishedWhenTheObjectIsHandedBack() {
        // A retained CLB, untagged; the process died before the finalizer update; the class came back.
        var back = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, LB, Subject.RELEASING, LB,
                TkeAnnotations.INGRESS_LOADBALANCE_RETAIN, "true"), true, false);
        assertTrue(Subject.of(back).releasing());
        assertEquals(new LifecycleDecision.Target.ById(LB), LifecycleDecision.target(Subject.of(back), PROFILE));
        assertInstanceOf(Action.Finish.class, decide(back, clb(LB, Map.of(TkeTags.CREATED_BY, "yes"))),
                "not refused as 'not tagged for this object'");
        // A deleted one: the delete is repeated while the CLB is there, and the release ends once it is gone.
        var deleted = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, LB, Subject.RELEASING, LB), true, false);
        assertEquals(new Action.DeleteClb(LB), decide(deleted, CREATED));
        assertInstanceOf(Action.Finish.class, decide(deleted, null), "not refused as 'no longer exists'");
        assertEquals(Subject.of(deleted).inputs(), Subject.of(ingress(MINE, Map.of(), true, false)).inputs(),
                "the mark is the reconciler's own write, not a change that needs a new pass");
    }

    @Test
    void aClbHeldFromBeforeItsObjectWasReboundIsReleasedFirst() {
        // An existing CLB named while the object was away, the created one still recorded: released, then claimed.
        var named = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, LB, TkeAnnotations.INGRESS_EXIST_LBID,
                EXISTING), true, false);
        assertEquals(new Action.BeginRelease(LB), decide(named, clb(EXISTING, Map.of())));
        var marked = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, LB, Subject.RELEASING, LB,
                TkeAnnotations.INGRESS_EXIST_LBID, EXISTING), true, false);
        assertEquals(new LifecycleDecision.Target.ById(LB), LifecycleDecision.target(Subject.of(marked), PROFILE));
        assertEquals(new Action.DeleteClb(LB), decide(marked, CREATED), "the created CLB goes, though one is named");
        // The existing CLB unnamed: the claimed one is released, then a CLB is created.
        var claimed = clb(EXISTING, Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.INGRESS_UUID, UID));
        var unnamed = ingress(MINE, Map.of(TkeAnnotations.INGRESS_LOADBALANCE_ID, EXISTING), true, false);
        assertEquals(new Action.BeginRelease(EXISTING), decide(unnamed, claimed));
        // Public to internal.
        var internal = service("LoadBalancer", Map.of(TkeAnnotations.SERVICE_LOADBALANCE_ID, LB,
                TkeAnnotations.SERVICE_INTERNAL_SUBNET, "subnet-3c9d2k1m"), true, false);
        assertEquals(new Action.BeginRelease(LB), decide(internal, clb(LB, Map.of(TkeTags.CREATED_BY, "yes",
                TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.SERVICE_UUID, UID))));
    }

    @Test
    void aCreationNeverRecordedIsReleasedBeforeAnExistingClbIsClaimed() {
        var claiming = Subject.of(ingress(MINE, Map.of(TkeAnnotations.INGRESS_EXIST_LBID, EXISTING), true, false));
        assertEquals(Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.INGRESS_UUID, UID),
                LifecycleDecision.unrecordedCreations(claiming, PROFILE));
        assertEquals(new Action.BeginRelease(LB),
                LifecycleDecision.decide(claiming, clb(EXISTING, Map.of()), List.of(CREATED), PROFILE));
        var claimed = clb(EXISTING, Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.INGRESS_UUID, UID));
        assertEquals(new Action.Record(EXISTING, List.of("203.0.113.10")),
                LifecycleDecision.decide(claiming, claimed, List.of(claimed), PROFILE), "its own claim is no creation");
        assertEquals(Map.of(), LifecycleDecision.unrecordedCreations(Subject.of(ingress(MINE, Map.of(
                TkeAnnotations.INGRESS_EXIST_LBID, EXISTING, TkeAnnotations.INGRESS_LOADBALANCE_ID, EXISTING), true, false)),
                PROFILE), "once recorded, no listing");
    }

    @Test
    void aServiceReleasingAnExistingClbItNeverClaimedLeavesItsListenersAlone() {
        var svc = service("LoadBalancer", Map.of(TkeAnnotations.SERVICE_EXISTED_LBID, EXISTING), true, true);
        var unclaimed = clb(EXISTING, Map.of("team", "shop"), new ClbListener("lbl-1", "theirs", "TCP", 443));
        assertInstanceOf(Action.Finish.class, decide(svc, unclaimed));
    }
}
