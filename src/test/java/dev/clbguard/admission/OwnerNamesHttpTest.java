package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeTags;
import dev.clbguard.reconcile.MockApiServer;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * A denial for a CLB tagged for another object names that object, read from the live-object index that the mock
 * API server feeds; a uid no live object has is called a stale tag, with the way to clear it.
 */
@QuarkusTest
@TestProfile(OwnerNamesHttpTest.WithIndex.class)
class OwnerNamesHttpTest {

    public static class WithIndex implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("clbguard.live-index.enabled", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MockApiServer.class));
        }
    }

    @Inject
    KubernetesClient client;
    @Inject
    ClbCloud cloud;
    @Inject
    LiveIndexRuntime live;

    String clbTaggedFor(String uid) {
        return cloud.create(new ClbCloud.CreateSpec("reuse-me", "OPEN", "vpc-4f8q2w1e", null,
                Map.of(TkeTags.CLUSTER_ID, "cls-7k2m9q4p", TkeTags.INGRESS_UUID, uid), "owner-names-" + uid)).lbId();
    }

    /** 024: validating CREATE of qcloud Ingress shop/checkout naming an existing CLB, pointed at {@code lbId}. */
    static JsonNode validate(String lbId) {
        ObjectNode review = Fixtures.tree("024");
        ((ObjectNode) review.path("request").path("object").path("metadata").path("annotations"))
                .put(TkeAnnotations.INGRESS_EXIST_LBID, lbId);
        return IngressClassPatchTest.post("/validate", review);
    }

    @Test
    void aDenialNamesTheLiveOwnerAndCallsADeadOneStale() {
        String uid = client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder()
                .withNewMetadata().withName("storefront").withNamespace("shop").endMetadata().withNewSpec().endSpec()
                .build()).create().getMetadata().getUid();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (live.index().orElseThrow().owner(uid).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the index never saw the Ingress");
            Thread.onSpinWait();
        }

        JsonNode named = validate(clbTaggedFor(uid));
        assertFalse(named.path("allowed").asBoolean(), named.toString());
        String message = named.path("status").path("message").asText();
        assertTrue(message.contains("it is tagged for Ingress shop/storefront (tke-lb-ingress-uuid="
                + uid.substring(0, 4) + "…) [E4020]"), message);

        JsonNode stale = validate(clbTaggedFor("0dead000-0000-4000-8000-000000000000"));
        String staleMessage = stale.path("status").path("message").asText();
        assertTrue(staleMessage.contains("its owner no longer exists in this cluster (tke-lb-ingress-uuid=0dea…,"
                + " stale tag) [E4020]; remove it (UnTagResources) or let the guardian repair it"), staleMessage);
        assertEquals(1, staleMessage.lines().count());
    }
}
