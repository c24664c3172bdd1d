package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * Two objects naming one free CLB: TKE tags it for the first it reaches and fails the second later, so admission
 * judges the CLB as if the first one's tag were on it, whether the index already holds that object or this replica
 * has only just admitted it. Here without claim Leases ({@code clbguard.claims.leases=false}): this replica's own
 * record, as where Leases are off and as their fallback (LeaseClaimsHttpTest has the Leases). Each test uses a CLB
 * of its own (the replica's memory outlives a test).
 */
@QuarkusTest
@TestProfile(ClaimsHttpTest.PerReplica.class)
class ClaimsHttpTest {

    /** The live-object index without claim Leases. */
    public static class PerReplica extends OwnerNamesHttpTest.WithIndex {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("clbguard.live-index.enabled", "true", "clbguard.claims.leases", "false");
        }
    }

    private static final String SERVICE = "036"; // validating CREATE of LoadBalancer Service shop/api-public
    private static final String INGRESS = "024"; // validating CREATE of qcloud Ingress shop/checkout

    @Inject
    KubernetesClient client;
    @Inject
    ClbCloud cloud;
    @Inject
    LiveIndexRuntime live;

    String freeClb(String name) {
        return freeClb(cloud, "claims-" + name);
    }

    /** A new CLB of this cluster's VPC that nothing names yet; {@code name} is unique per test. */
    static String freeClb(ClbCloud cloud, String name) {
        return cloud.create(new ClbCloud.CreateSpec(name, "OPEN", "vpc-4f8q2w1e", null,
                Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p"), name)).lbId();
    }

    /** A fixture renamed to {@code name}, with a fresh uid, naming {@code lbId}; Services listen on {@code ports}. */
    static ObjectNode review(String fixture, String name, String lbId, Map<String, String> annotations, int... ports) {
        ObjectNode review = Fixtures.tree(fixture);
        ObjectNode request = (ObjectNode) review.path("request");
        request.put("uid", UUID.randomUUID().toString()).put("name", name);
        ObjectNode object = (ObjectNode) request.path("object");
        ObjectNode metadata = (ObjectNode) object.path("metadata");
        metadata.put("name", name).put("uid", UUID.randomUUID().toString());
        ObjectNode a = (ObjectNode) metadata.path("annotations");
        a.put(fixture.equals(SERVICE) ? TkeAnnotations.SERVICE_EXISTED_LBID : TkeAnnotations.INGRESS_EXIST_LBID, lbId);
        annotations.forEach(a::put);
        if (ports.length > 0) {
            ArrayNode list = ((ObjectNode) object.path("spec")).putArray("ports");
            for (int p : ports) {
                list.addObject().put("name", "p" + p).put("protocol", "TCP").put("port", p).put("targetPort", 8080);
            }
        }
        return review;
    }

    static JsonNode validate(ObjectNode review) {
        return IngressClassPatchTest.post("/validate", review);
    }

    static JsonNode dryRun(ObjectNode review) {
        ((ObjectNode) review.path("request")).put("dryRun", true);
        return validate(review);
    }

    static void allowed(JsonNode answer) {
        assertTrue(answer.path("allowed").asBoolean(), answer.toString());
    }

    static String denied(JsonNode answer) {
        assertFalse(answer.path("allowed").asBoolean(), answer.toString());
        return answer.path("status").path("message").asText();
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.onSpinWait();
        }
    }

    @Test
    void aLiveObjectTkeHasNotTaggedForHoldsTheClb() {
        String lb = freeClb("live-web");
        client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder().withNewMetadata()
                .withName("web").withNamespace("shop").addToAnnotations(TkeAnnotations.INGRESS_EXIST_LBID, lb)
                .endMetadata().withNewSpec().endSpec().build()).create();
        await(() -> live.index().orElseThrow().synced() && !live.index().orElseThrow().claims(lb).isEmpty(),
                "the index never saw Ingress shop/web");

        String message = denied(validate(review(INGRESS, "checkout", lb, Map.of())));
        assertTrue(message.contains("cannot use " + lb + ": it is already named by Ingress shop/web (not yet tagged by TKE)"
                + " [E4020]"), message);
        String service = denied(validate(review(SERVICE, "api-public", lb, Map.of())));
        assertTrue(service.contains("it is already named by Ingress shop/web (not yet tagged by TKE) [E4020]; a CLB serves"
                + " Services or Ingresses, not both"), service);
    }

    @Test
    void twoCreatesBackToBackTheSecondDeniedNamingTheFirstWhichMayRetry() {
        String lb = freeClb("back-to-back");
        allowed(validate(review(SERVICE, "first", lb, Map.of())));
        allowed(validate(review(SERVICE, "first", lb, Map.of())));

        String message = denied(validate(review(SERVICE, "second", lb, Map.of())));
        assertTrue(message.contains("service-existing-clb: Service shop/second cannot use " + lb + ": it is already named by"
                + " Service shop/first (just admitted, not yet tagged by TKE) [E4016]"), message);
        assertTrue(message.contains("qcloud-share-existed-lb"), message);
    }

    @Test
    void dryRunsRecordNothing() {
        String lb = freeClb("dry-runs");
        allowed(dryRun(review(SERVICE, "one", lb, Map.of())));
        allowed(dryRun(review(SERVICE, "two", lb, Map.of())));
        allowed(validate(review(SERVICE, "three", lb, Map.of())));
        denied(dryRun(review(SERVICE, "four", lb, Map.of())));
    }

    @Test
    void sharingServicesNeedDisjointPorts() {
        String lb = freeClb("sharing");
        Map<String, String> share = Map.of(TkeAnnotations.SERVICE_SHARE_EXISTED_LB, "true");
        allowed(validate(review(SERVICE, "https", lb, share, 443)));
        allowed(validate(review(SERVICE, "http", lb, share, 80, 8080)));

        String message = denied(validate(review(SERVICE, "other-http", lb, share, 9000, 80)));
        assertTrue(message.contains("port 80/TCP is already named by Service shop/http (just admitted, not yet tagged by"
                + " TKE) [E4014]"), message);
        assertTrue(denied(validate(review(SERVICE, "alone", lb, Map.of(), 7000))).contains("[E4016]"));
    }

    @Test
    void aServiceAndAnIngressNeverShareOneClb() {
        String lb = freeClb("mixed");
        allowed(validate(review(SERVICE, "api", lb, Map.of())));
        String message = denied(validate(review(INGRESS, "site", lb, Map.of())));
        assertTrue(message.contains("ingress-existing-clb: Ingress shop/site cannot use " + lb + ": it is already named by"
                + " Service shop/api (just admitted, not yet tagged by TKE) [E4020]"), message);
    }

    @Test
    void ingressesOfAGroupShareTheClbOthersDoNot() {
        String lb = freeClb("grouped");
        Map<String, String> group = Map.of(TkeAnnotations.INGRESS_ENABLE_GROUP, "true");
        allowed(validate(review(INGRESS, "blue", lb, group)));
        allowed(validate(review(INGRESS, "green", lb, group)));
        String message = denied(validate(review(INGRESS, "loner", lb, Map.of())));
        assertTrue(message.contains("it is already named by Ingress shop/blue") && message.contains("[E4020]"), message);
    }

    @Test
    void aJustAdmittedClaimEndsWhenTheInformerShowsTheObjectGone() {
        String lb = freeClb("gone");
        String uid = client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata()
                .withName("short-lived").withNamespace("shop").addToAnnotations(TkeAnnotations.SERVICE_EXISTED_LBID, lb)
                .endMetadata().withNewSpec().withType("LoadBalancer").addNewPort().withPort(443).endPort().endSpec()
                .build()).create().getMetadata().getUid();
        await(() -> !live.index().orElseThrow().claims(lb).isEmpty(), "the index never saw the Service");

        // 044: a validating UPDATE of that Service, allowed, so remembered: it alone holds the CLB once the index lets go.
        ObjectNode update = Fixtures.tree("044");
        ObjectNode request = (ObjectNode) update.path("request");
        request.put("name", "short-lived");
        for (String field : new String[] {"object", "oldObject"}) {
            ObjectNode metadata = (ObjectNode) request.path(field).path("metadata");
            metadata.put("name", "short-lived").put("uid", uid);
            ((ObjectNode) metadata.path("annotations")).put(TkeAnnotations.SERVICE_EXISTED_LBID, lb);
        }
        allowed(validate(update));

        client.services().inNamespace("shop").withName("short-lived").delete();
        await(() -> live.index().orElseThrow().claims(lb).isEmpty(), "the index never saw the Service go");
        allowed(validate(review(SERVICE, "next", lb, Map.of())));
    }

    @Test
    void aJustAdmittedClaimOutlivesAnotherObjectOfTheSameNameGoing() {
        // Without the index's word on this very object (its uid), the remembered claim stands for the window.
        String lb = freeClb("same-name");
        allowed(validate(review(SERVICE, "reborn", lb, Map.of())));
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("reborn")
                .withNamespace("shop").endMetadata().withNewSpec().withType("ClusterIP").addNewPort().withPort(80)
                .endPort().endSpec().build()).create();
        await(() -> live.index().orElseThrow().all().stream().anyMatch(e -> e.name().equals("reborn")),
                "the index never saw the other Service");
        client.services().inNamespace("shop").withName("reborn").delete();
        await(() -> live.index().orElseThrow().all().stream().noneMatch(e -> e.name().equals("reborn")),
                "the index never saw the other Service go");
        assertTrue(denied(validate(review(SERVICE, "after", lb, Map.of()))).contains("Service shop/reborn"));
    }
}
