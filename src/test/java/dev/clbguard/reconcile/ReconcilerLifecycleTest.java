package dev.clbguard.reconcile;

import dev.clbguard.kube.Leadership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * The lifecycle of docs/tke-rules.md §5 end to end: a mock API server in CRUD mode, informers, leader election,
 * the work queue, and the in-memory cloud with injected failures and crashes.
 */
@QuarkusTest
@TestProfile(ReconcilerTestProfile.class)
class ReconcilerLifecycleTest {

    static final String CLUSTER = "cls-7k2m9q4p";
    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    KubernetesClient client;
    @Inject
    FakeCloud cloud;
    @Inject
    ReconcilerRuntime runtime;
    @Inject
    Leadership leadership;

    static void await(String what, BooleanSupplier condition) {
        ReconcileTests.await(what, WAIT, condition);
    }

    /** An Ingress of class clbguard unless {@code annotations} name another class. */
    Ingress ingress(String name, Map<String, String> annotations) {
        Map<String, String> a = new java.util.HashMap<>(annotations);
        a.putIfAbsent(TkeAnnotations.INGRESS_CLASS, Ownership.INGRESS_CLASS);
        return client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder().withNewMetadata()
                .withName(name).withNamespace("shop").withAnnotations(a).endMetadata().withNewSpec()
                .endSpec().build()).create();
    }

    Ingress getIngress(String name) {
        return client.network().v1().ingresses().inNamespace("shop").withName(name).get();
    }

    Service getService(String name) {
        return client.services().inNamespace("shop").withName(name).get();
    }

    List<ClbInfo> clbsTaggedFor(HasMetadata obj, String uuidTag) {
        return cloud.all().values().stream().filter(c -> obj.getMetadata().getUid().equals(c.tag(uuidTag))).toList();
    }

    static String vip(Ingress ing) {
        return ReconcileTests.vip(ing);
    }

    boolean hasEvent(HasMetadata obj, String reason) {
        return client.v1().events().inNamespace("shop").list().getItems().stream()
                .anyMatch(e -> reason.equals(e.getReason()) && obj.getMetadata().getUid().equals(e.getInvolvedObject().getUid()));
    }

    @Test
    void leaderHoldsTheLease() {
        await("leadership", leadership::isLeader);
        var lease = client.leases().inNamespace("clbguard").withName("clbguard-leader").get();
        assertNotNull(lease);
        assertNotNull(lease.getSpec().getHolderIdentity());
        assertTrue(runtime.running());
    }

    @Test
    void ingressGetsACreatedClbAndLosesItOnDelete() {
        Ingress ing = ingress("web", Map.of());
        await("CLB recorded", () -> vip(getIngress("web")) != null);
        Ingress now = getIngress("web");
        String lbId = now.getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_LOADBALANCE_ID);
        ClbInfo clb = cloud.all().get(lbId);
        assertEquals(Map.of(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.INGRESS_UUID,
                ing.getMetadata().getUid()), clb.tags());
        assertEquals("OPEN", clb.type());
        assertEquals(clb.vips().get(0), vip(now));
        assertTrue(now.getMetadata().getFinalizers().contains(Subject.FINALIZER));
        assertTrue(hasEvent(ing, "ClbReady"));

        client.resource(now).delete();
        await("Ingress gone", () -> getIngress("web") == null);
        assertNull(cloud.all().get(lbId), "the created CLB is deleted with its Ingress");
    }

    @Test
    void internalServiceAndClassChanges() {
        Service svc = client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata()
                .withName("api").withNamespace("shop")
                .withAnnotations(Map.of(TkeAnnotations.SERVICE_INTERNAL_SUBNET, "subnet-3c9d2k1m")).endMetadata()
                .withNewSpec().withType("LoadBalancer").withLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS).addNewPort().withPort(443).withProtocol("TCP").endPort()
                .endSpec().build()).create();
        await("Service recorded", () -> getService("api").getMetadata().getAnnotations()
                .containsKey(TkeAnnotations.SERVICE_LOADBALANCE_ID) && getService("api").getStatus() != null
                && getService("api").getStatus().getLoadBalancer().getIngress().size() == 1);
        ClbInfo clb = clbsTaggedFor(svc, TkeTags.SERVICE_UUID).get(0);
        assertEquals("INTERNAL", clb.type());
        assertEquals("subnet-3c9d2k1m", clb.subnetId());

        // LoadBalancer -> ClusterIP: released as on delete, the Service stays.
        client.services().inNamespace("shop").withName("api").edit(s -> {
            s.getSpec().setType("ClusterIP");
            s.getSpec().setLoadBalancerClass(null); // only a LoadBalancer may have a class
            return s;
        });
        await("released", () -> getService("api").getMetadata().getFinalizers().isEmpty());
        assertTrue(clbsTaggedFor(svc, TkeTags.SERVICE_UUID).isEmpty());
        assertNull(getService("api").getMetadata().getAnnotations().get(TkeAnnotations.SERVICE_LOADBALANCE_ID));

        // ... and back: a new CLB.
        client.services().inNamespace("shop").withName("api").edit(s -> {
            s.getSpec().setType("LoadBalancer");
            s.getSpec().setLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS);
            return s;
        });
        await("created again", () -> clbsTaggedFor(svc, TkeTags.SERVICE_UUID).size() == 1
                && getService("api").getMetadata().getAnnotations().containsKey(TkeAnnotations.SERVICE_LOADBALANCE_ID));
        client.services().inNamespace("shop").withName("api").delete();
        await("Service gone", () -> getService("api") == null);
        assertTrue(clbsTaggedFor(svc, TkeTags.SERVICE_UUID).isEmpty());
    }

    @Test
    void ingressClassChangedAwayAndBack() {
        Ingress ing = ingress("blog", Map.of());
        await("created", () -> vip(getIngress("blog")) != null);
        client.network().v1().ingresses().inNamespace("shop").withName("blog").edit(i -> {
            i.getMetadata().getAnnotations().put(TkeAnnotations.INGRESS_CLASS, "nginx");
            return i;
        });
        await("released", () -> getIngress("blog").getMetadata().getFinalizers().isEmpty()
                && clbsTaggedFor(ing, TkeTags.INGRESS_UUID).isEmpty());
        assertNull(vip(getIngress("blog")));
        client.network().v1().ingresses().inNamespace("shop").withName("blog").edit(i -> {
            i.getMetadata().getAnnotations().put(TkeAnnotations.INGRESS_CLASS, Ownership.INGRESS_CLASS);
            return i;
        });
        await("created again", () -> vip(getIngress("blog")) != null);
        client.network().v1().ingresses().inNamespace("shop").withName("blog").delete();
        await("gone", () -> getIngress("blog") == null && clbsTaggedFor(ing, TkeTags.INGRESS_UUID).isEmpty());
    }

    @Test
    void existingClbIsClaimedAndReleasedButNeverDeleted() {
        cloud.seed(new ClbInfo("lb-0g3v8r2m", "shop-public", "OPEN", 1, "vpc-4f8q2w1e", null, List.of("203.0.113.10"),
                Map.of("team", "shop"), List.of()));
        Ingress ing = ingress("checkout", Map.of(TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m"));
        await("claimed", () -> "203.0.113.10".equals(vip(getIngress("checkout"))));
        assertEquals(Map.of("team", "shop", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.INGRESS_UUID, ing.getMetadata().getUid()),
                cloud.all().get("lb-0g3v8r2m").tags());
        assertEquals("lb-0g3v8r2m", getIngress("checkout").getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_LOADBALANCE_ID));
        // The listener TKE would create for the Ingress's rules.
        ClbInfo c = cloud.all().get("lb-0g3v8r2m");
        cloud.seed(new ClbInfo(c.id(), c.name(), c.type(), 1, c.vpcId(), null, c.vips(), c.tags(),
                List.of(new ClbListener("lbl-00000080", "http", "HTTP", 80))));

        client.network().v1().ingresses().inNamespace("shop").withName("checkout").delete();
        await("gone", () -> getIngress("checkout") == null);
        ClbInfo after = cloud.all().get("lb-0g3v8r2m");
        assertNotNull(after, "an existing CLB is never deleted");
        assertEquals(Map.of("team", "shop"), after.tags());
        assertTrue(after.listeners().isEmpty());
    }

    @Test
    void retriesAfterInjectedCloudFailures() {
        cloud.failNext("create", 3);
        Ingress ing = ingress("flaky", Map.of());
        await("created despite failures", () -> vip(getIngress("flaky")) != null);
        assertEquals(1, clbsTaggedFor(ing, TkeTags.INGRESS_UUID).size());
        assertTrue(hasEvent(ing, "CloudError"));
        cloud.failNext("delete", 2);
        client.network().v1().ingresses().inNamespace("shop").withName("flaky").delete();
        await("deleted despite failures", () -> getIngress("flaky") == null);
        assertTrue(clbsTaggedFor(ing, TkeTags.INGRESS_UUID).isEmpty());
    }

    @Test
    void killedRightAfterCreateMakesNoSecondClb() throws Exception {
        cloud.crashAfter("create");
        Ingress ing = ingress("crash-create", Map.of());
        assertTrue(cloud.awaitCrash(20));
        runtime.restart();
        await("converged", () -> vip(getIngress("crash-create")) != null);
        assertEquals(1, clbsTaggedFor(ing, TkeTags.INGRESS_UUID).size(), "ClientToken: one CLB however often created");
        assertEquals(clbsTaggedFor(ing, TkeTags.INGRESS_UUID).get(0).id(),
                getIngress("crash-create").getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_LOADBALANCE_ID));
        client.network().v1().ingresses().inNamespace("shop").withName("crash-create").delete();
        await("gone", () -> getIngress("crash-create") == null && clbsTaggedFor(ing, TkeTags.INGRESS_UUID).isEmpty());
    }

    @Test
    void killedRightAfterDeleteLeavesNoClbNorStuckFinalizer() throws Exception {
        Ingress ing = ingress("crash-delete", Map.of());
        await("created", () -> vip(getIngress("crash-delete")) != null);
        cloud.crashAfter("delete");
        client.network().v1().ingresses().inNamespace("shop").withName("crash-delete").delete();
        assertTrue(cloud.awaitCrash(20));
        runtime.restart();
        await("gone", () -> getIngress("crash-delete") == null);
        assertTrue(clbsTaggedFor(ing, TkeTags.INGRESS_UUID).isEmpty());
    }

    /** Class changed away, killed right after the release's cloud call, class handed back while it was down. */
    void killedMidReleaseThenHandedBack(String name, Map<String, String> annotations, String crashAfter, String leftTags)
            throws Exception {
        Ingress ing = ingress(name, annotations);
        await("created", () -> vip(getIngress(name)) != null);
        String first = getIngress(name).getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_LOADBALANCE_ID);
        cloud.crashAfter(crashAfter);
        client.network().v1().ingresses().inNamespace("shop").withName(name).edit(i -> {
            i.getMetadata().getAnnotations().put(TkeAnnotations.INGRESS_CLASS, "nginx");
            return i;
        });
        assertTrue(cloud.awaitCrash(20));
        runtime.stop();
        client.network().v1().ingresses().inNamespace("shop").withName(name).edit(i -> {
            i.getMetadata().getAnnotations().put(TkeAnnotations.INGRESS_CLASS, Ownership.INGRESS_CLASS);
            return i;
        });
        runtime.start();
        await("a new CLB", () -> vip(getIngress(name)) != null && !first.equals(
                getIngress(name).getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_LOADBALANCE_ID)));
        List<ClbInfo> tagged = clbsTaggedFor(ing, TkeTags.INGRESS_UUID);
        assertEquals(1, tagged.size());
        assertEquals(tagged.get(0).id(), getIngress(name).getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_LOADBALANCE_ID));
        assertNull(getIngress(name).getMetadata().getAnnotations().get(Subject.RELEASING));
        assertEquals(leftTags, cloud.all().containsKey(first) ? cloud.all().get(first).tags().toString() : "deleted");
        client.network().v1().ingresses().inNamespace("shop").withName(name).delete();
        await("gone", () -> getIngress(name) == null);
    }

    @Test
    void aRetainedClbUntaggedThenKilledAndHandedBackIsNotRefused() throws Exception {
        killedMidReleaseThenHandedBack("retained", Map.of(TkeAnnotations.INGRESS_LOADBALANCE_RETAIN, "true"), "untag",
                "{" + TkeTags.CREATED_BY + "=yes}");
    }

    @Test
    void aClbDeletedThenKilledAndHandedBackIsReplaced() throws Exception {
        killedMidReleaseThenHandedBack("replaced", Map.of(), "delete", "deleted");
    }

    @Test
    void aServicePointedAtAnExistingClbWhileNoReconcilerRanReleasesTheOneItHad() {
        cloud.seed(new ClbInfo("lb-7n4k2p9x", "shop-existing", "OPEN", 1, "vpc-4f8q2w1e", null, List.of("203.0.113.20"),
                Map.of(), List.of()));
        Service svc = client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata()
                .withName("rebound").withNamespace("shop").endMetadata().withNewSpec().withType("LoadBalancer")
                .withLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS).addNewPort().withPort(80).withProtocol("TCP").endPort()
                .endSpec().build()).create();
        await("created", () -> getService("rebound").getStatus() != null
                && getService("rebound").getStatus().getLoadBalancer().getIngress() != null);
        String created = getService("rebound").getMetadata().getAnnotations().get(TkeAnnotations.SERVICE_LOADBALANCE_ID);
        runtime.stop();
        // What clb-transitions allows: off LoadBalancer, name the existing CLB, back.
        client.services().inNamespace("shop").withName("rebound").edit(s -> {
            s.getSpec().setType("ClusterIP");
            s.getSpec().setLoadBalancerClass(null);
            return s;
        });
        client.services().inNamespace("shop").withName("rebound").edit(s -> {
            s.getMetadata().getAnnotations().put(TkeAnnotations.SERVICE_EXISTED_LBID, "lb-7n4k2p9x");
            s.getSpec().setType("LoadBalancer");
            s.getSpec().setLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS);
            return s;
        });
        runtime.start();
        await("claimed", () -> "lb-7n4k2p9x".equals(getService("rebound").getMetadata().getAnnotations()
                .get(TkeAnnotations.SERVICE_LOADBALANCE_ID)) && svc.getMetadata().getUid().equals(
                        cloud.all().get("lb-7n4k2p9x").tag(TkeTags.SERVICE_UUID)));
        await("the created CLB deleted", () -> !cloud.all().containsKey(created));
        client.services().inNamespace("shop").withName("rebound").delete();
        await("gone", () -> getService("rebound") == null);
    }

    @Test
    void otherClassesAreLeftAlone() throws Exception {
        Ingress ing = ingress("nginx-site", Map.of(TkeAnnotations.INGRESS_CLASS, "nginx"));
        Ingress marker = ingress("marker", Map.of());
        await("a later managed Ingress was handled", () -> vip(getIngress("marker")) != null);
        Ingress now = getIngress("nginx-site");
        assertTrue(now.getMetadata().getFinalizers() == null || now.getMetadata().getFinalizers().isEmpty());
        assertTrue(clbsTaggedFor(ing, TkeTags.INGRESS_UUID).isEmpty());
        client.resource(marker).delete();
        client.resource(ing).delete();
    }

    @Test
    void dryRunObjectsNeverReachTheReconciler() throws Exception {
        int creates = cloud.calls("create");
        for (String n : List.of("003", "004", "015", "016", "017", "018")) {
            var body = dev.clbguard.admission.Fixtures.numbered(n);
            io.restassured.RestAssured.given().contentType("application/json")
                    .body(dev.clbguard.admission.Fixtures.read(body)).post(dev.clbguard.admission.Fixtures.path(body))
                    .then().statusCode(200);
        }
        Ingress marker = ingress("after-dry-run", Map.of());
        await("a later object was handled", () -> vip(getIngress("after-dry-run")) != null);
        assertEquals(creates + 1, cloud.calls("create"), "only the persisted Ingress made a CLB");
        client.resource(marker).delete();
    }

    @Test
    void guardianFindingsAreInTheAuditReportAndTheMetrics() {
        cloud.seed(new ClbInfo("lb-unowned1", "left-behind", "OPEN", 1, "vpc-4f8q2w1e", null, List.of("203.0.113.99"),
                Map.of(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER), List.of()));
        await("reported", () -> {
            var body = io.restassured.RestAssured.get("/audit/report");
            return body.statusCode() == 200 && body.jsonPath().getList("guardian.findings.clb").contains("lb-unowned1");
        });
        var report = io.restassured.RestAssured.get("/audit/report").jsonPath();
        assertEquals("unowned-clb", report.getString("guardian.findings.find { it.clb == 'lb-unowned1' }.kind"));
        assertEquals("none", report.getString("guardian.findings.find { it.clb == 'lb-unowned1' }.repair"));
        assertEquals(false, report.getBoolean("guardian.repairs"));
        String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("clbguard_findings{kind=\"unowned-clb\"}")
                && !l.endsWith(" 0.0")), metrics.lines().filter(l -> l.contains("guardian")).toList().toString());
        assertNotNull(cloud.all().get("lb-unowned1"), "never deleted");
    }
}
