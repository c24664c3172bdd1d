package dev.clbguard.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import dev.clbguard.emulator.ClbEmulator;
import dev.clbguard.policy.clb.ClbInfo;
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
 * The lifecycle against the CLB API emulator (TC3-signed SDK calls, asynchronous tasks, ClientToken, 20/s per
 * action) and a CRUD mock API server: create, claim, delete, class change, injected failures, kills mid-way.
 */
@QuarkusTest
@TestProfile(EmulatorTestProfile.class)
class ReconcilerEmulatorTest {

    static final String CLUSTER = "cls-7k2m9q4p";

    @Inject
    KubernetesClient client;
    @Inject
    ClbEmulator emulator;
    @Inject
    ReconcilerRuntime runtime;
    @Inject
    dev.clbguard.guardian.GuardianRuntime guardian;

    static void await(String what, BooleanSupplier condition) {
        ReconcileTests.await(what, Duration.ofSeconds(30), condition);
    }

    /** An Ingress of class clbguard unless {@code annotations} name another class. */
    Ingress ingress(String name, Map<String, String> annotations) {
        Map<String, String> a = new java.util.HashMap<>(annotations);
        a.putIfAbsent(TkeAnnotations.INGRESS_CLASS, Ownership.INGRESS_CLASS);
        return client.network().v1().ingresses().inNamespace("emu").resource(new IngressBuilder().withNewMetadata()
                .withName(name).withNamespace("emu").withAnnotations(a).endMetadata().withNewSpec()
                .endSpec().build()).create();
    }

    Ingress get(String name) {
        return client.network().v1().ingresses().inNamespace("emu").withName(name).get();
    }

    static String vip(HasMetadata obj) {
        return ReconcileTests.vip(obj);
    }

    List<ClbInfo> taggedFor(HasMetadata obj, String uuidTag) {
        return emulator.loadBalancers().stream().filter(c -> obj.getMetadata().getUid().equals(c.tag(uuidTag))).toList();
    }

    ClbInfo clb(String id) {
        return emulator.loadBalancers().stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
    }

    boolean hasEvent(HasMetadata obj, String reason) {
        return client.v1().events().inNamespace(obj.getMetadata().getNamespace()).list().getItems().stream()
                .anyMatch(e -> reason.equals(e.getReason()) && obj.getMetadata().getUid().equals(e.getInvolvedObject().getUid()));
    }

    @Test
    void createThenDeleteAnIngress() {
        Ingress ing = ingress("web", Map.of());
        await("VIP recorded", () -> vip(get("web")) != null);
        String lbId = get("web").getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_LOADBALANCE_ID);
        ClbInfo c = clb(lbId);
        assertEquals(Map.of(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.INGRESS_UUID,
                ing.getMetadata().getUid()), c.tags());
        assertEquals(c.vips().get(0), vip(get("web")));
        client.network().v1().ingresses().inNamespace("emu").withName("web").delete();
        await("gone", () -> get("web") == null);
        assertNull(clb(lbId));
    }

    @Test
    void claimAndReleaseAnExistingClb() {
        Ingress ing = ingress("shop", Map.of(TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m"));
        await("claimed", () -> "203.0.113.10".equals(vip(get("shop"))));
        assertEquals(Map.of(TkeTags.CLUSTER_ID, CLUSTER, TkeTags.INGRESS_UUID, ing.getMetadata().getUid()),
                clb("lb-0g3v8r2m").tags());
        client.network().v1().ingresses().inNamespace("emu").withName("shop").delete();
        await("gone", () -> get("shop") == null);
        assertNotNull(clb("lb-0g3v8r2m"));
        assertEquals(Map.of(), clb("lb-0g3v8r2m").tags());
    }

    @Test
    void aMissingExistingClbIsRefusedWithTheTkeCode() {
        Ingress ing = ingress("nowhere", Map.of(TkeAnnotations.INGRESS_EXIST_LBID, "lb-zzzzzzzz"));
        await("refused", () -> client.v1().events().inNamespace("emu").list().getItems().stream()
                .anyMatch(e -> "ClbRefused".equals(e.getReason()) && e.getMessage().contains("[E4018]")
                        && ing.getMetadata().getUid().equals(e.getInvolvedObject().getUid())));
        client.network().v1().ingresses().inNamespace("emu").withName("nowhere").delete();
        await("gone", () -> get("nowhere") == null);
    }

    @Test
    void serviceTypeChangeReleasesAndRecreates() {
        Service svc = client.services().inNamespace("emu").resource(new ServiceBuilder().withNewMetadata()
                .withName("api").withNamespace("emu")
                .withAnnotations(Map.of(TkeAnnotations.SERVICE_INTERNAL_SUBNET, "subnet-3c9d2k1m")).endMetadata()
                .withNewSpec().withType("LoadBalancer").withLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS).addNewPort().withPort(443).withProtocol("TCP").endPort()
                .endSpec().build()).create();
        await("created", () -> vip(client.services().inNamespace("emu").withName("api").get()) != null);
        assertEquals("INTERNAL", taggedFor(svc, TkeTags.SERVICE_UUID).get(0).type());
        client.services().inNamespace("emu").withName("api").edit(s -> {
            s.getSpec().setType("ClusterIP");
            s.getSpec().setLoadBalancerClass(null); // only a LoadBalancer may have a class
            return s;
        });
        await("released", () -> taggedFor(svc, TkeTags.SERVICE_UUID).isEmpty()
                && client.services().inNamespace("emu").withName("api").get().getMetadata().getFinalizers().isEmpty());
        client.services().inNamespace("emu").withName("api").edit(s -> {
            s.getSpec().setType("LoadBalancer");
            s.getSpec().setLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS);
            return s;
        });
        await("created again", () -> vip(client.services().inNamespace("emu").withName("api").get()) != null
                && taggedFor(svc, TkeTags.SERVICE_UUID).size() == 1);
        client.services().inNamespace("emu").withName("api").delete();
        await("gone", () -> client.services().inNamespace("emu").withName("api").get() == null
                && taggedFor(svc, TkeTags.SERVICE_UUID).isEmpty());
    }

    @Test
    void retriesAfterInjectedCloudErrors() {
        emulator.failNext("CreateLoadBalancer", "InternalError", 2);
        Ingress ing = ingress("flaky", Map.of());
        await("created", () -> vip(get("flaky")) != null);
        assertEquals(1, taggedFor(ing, TkeTags.INGRESS_UUID).size());
        assertTrue(hasEvent(ing, "CloudError"));
        emulator.failNext("DeleteLoadBalancer", "InternalError", 2);
        client.network().v1().ingresses().inNamespace("emu").withName("flaky").delete();
        await("gone", () -> get("flaky") == null && taggedFor(ing, TkeTags.INGRESS_UUID).isEmpty());
    }

    @Test
    void killedDuringCreateAndDeleteLeavesNoLeak() {
        long creates = emulator.calls("CreateLoadBalancer");
        Ingress ing = ingress("crash", Map.of());
        await("create sent", () -> emulator.calls("CreateLoadBalancer") > creates);
        runtime.restart();
        await("converged", () -> vip(get("crash")) != null);
        assertEquals(1, taggedFor(ing, TkeTags.INGRESS_UUID).size());
        long deletes = emulator.calls("DeleteLoadBalancer");
        client.network().v1().ingresses().inNamespace("emu").withName("crash").delete();
        await("delete sent", () -> emulator.calls("DeleteLoadBalancer") > deletes);
        runtime.restart();
        await("gone", () -> get("crash") == null);
        assertTrue(taggedFor(ing, TkeTags.INGRESS_UUID).isEmpty());
    }

    Service tkeService(String name, List<String> finalizers) {
        return client.services().inNamespace("emu").resource(new ServiceBuilder().withNewMetadata().withName(name)
                .withNamespace("emu").withFinalizers(finalizers).endMetadata().withNewSpec().withType("LoadBalancer")
                .addNewPort().withPort(80).withProtocol("TCP").endPort().endSpec().build()).create();
    }

    static boolean untouched(HasMetadata obj) {
        var m = obj.getMetadata();
        return (m.getFinalizers() == null || m.getFinalizers().isEmpty())
                && (m.getAnnotations() == null || (!m.getAnnotations().containsKey(TkeAnnotations.INGRESS_LOADBALANCE_ID)
                        && !m.getAnnotations().containsKey(TkeAnnotations.SERVICE_LOADBALANCE_ID)))
                && vip(obj) == null;
    }

    /**
     * The guardian's first sweep (a read, at leadership; the next is 10 min later) must not be counted as the
     * reconciler's doing.
     */
    void guardianSweptOnce() {
        await("the guardian's first sweep", () -> guardian.guardian() != null && guardian.guardian().report() != null);
    }

    @Test
    void tkesObjectsGetNoFinalizerNoAnnotationAndNoCloudCall() throws Exception {
        guardianSweptOnce();
        Map<String, Long> before = emulator.calls();
        ingress("tke-none", Map.of(TkeAnnotations.INGRESS_CLASS, ""));
        ingress("tke-qcloud", Map.of(TkeAnnotations.INGRESS_CLASS, "qcloud",
                TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m"));
        tkeService("tke-svc", List.of());
        // Leftovers of an earlier version prove the loop has seen both kinds: it removes them, and nothing else.
        Ingress leftIng = client.network().v1().ingresses().inNamespace("emu").resource(new IngressBuilder()
                .withNewMetadata().withName("tke-left").withNamespace("emu").withFinalizers(Subject.FINALIZER)
                .withAnnotations(Map.of(TkeAnnotations.INGRESS_CLASS, "qcloud")).endMetadata().withNewSpec().endSpec()
                .build()).create();
        Service leftSvc = tkeService("tke-left-svc", List.of(Subject.FINALIZER));
        await("leftover finalizers removed", () -> untouched(get("tke-left"))
                && untouched(client.services().inNamespace("emu").withName("tke-left-svc").get()));
        Thread.sleep(500);
        for (String n : List.of("tke-none", "tke-qcloud")) {
            assertTrue(untouched(get(n)), n);
        }
        assertTrue(untouched(client.services().inNamespace("emu").withName("tke-svc").get()));
        assertEquals(before, emulator.calls(), "not one cloud call, not even a describe");
        assertTrue(hasEvent(leftIng, "LeftToTke"));
        assertTrue(hasEvent(leftSvc, "LeftToTke"));
        assertEquals(Map.of(), clb("lb-0g3v8r2m").tags());
        for (String n : List.of("tke-none", "tke-qcloud", "tke-left")) {
            client.network().v1().ingresses().inNamespace("emu").withName(n).delete();
        }
        client.services().inNamespace("emu").withName("tke-svc").delete();
        client.services().inNamespace("emu").withName("tke-left-svc").delete();
    }

    @Test
    void aDeletedTkeObjectWithALeftoverFinalizerGoesWithoutACloudCall() {
        guardianSweptOnce();
        Map<String, Long> before = emulator.calls();
        runtime.stop(); // as during an upgrade: the object is deleted while no clbguard runs
        Service svc = tkeService("tke-deleted", List.of(Subject.FINALIZER));
        client.services().inNamespace("emu").withName("tke-deleted").delete();
        assertTrue(client.services().inNamespace("emu").withName("tke-deleted").get().getMetadata()
                .getDeletionTimestamp() != null, "held by the finalizer");
        runtime.start();
        await("gone", () -> client.services().inNamespace("emu").withName("tke-deleted").get() == null);
        assertEquals(before, emulator.calls());
        assertTrue(hasEvent(svc, "LeftToTke"));
    }
}
