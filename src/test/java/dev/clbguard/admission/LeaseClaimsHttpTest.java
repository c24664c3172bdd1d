package dev.clbguard.admission;

import static dev.clbguard.admission.ClaimsHttpTest.allowed;
import static dev.clbguard.admission.ClaimsHttpTest.await;
import static dev.clbguard.admission.ClaimsHttpTest.denied;
import static dev.clbguard.admission.ClaimsHttpTest.dryRun;
import static dev.clbguard.admission.ClaimsHttpTest.review;
import static dev.clbguard.admission.ClaimsHttpTest.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.kube.ClaimLease;
import dev.clbguard.kube.Leadership;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.reconcile.MockApiServer;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.clbguard.testing.AtRest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * The claim Leases through the webhook, against the mock API server: the Lease in clbguard's namespace records the
 * first object, the second is denied naming it, an admission never stored frees the CLB when its window ends,
 * a holder that is deleted is released by the leader, a dry run writes nothing, and an admission naming no CLB
 * makes no API call at all.
 */
@QuarkusTest
@TestProfile(LeaseClaimsHttpTest.Leases.class)
class LeaseClaimsHttpTest {

    static final Duration WINDOW = Duration.ofSeconds(3);
    private static final String SERVICE = "036"; // validating CREATE of LoadBalancer Service shop/api-public

    /** The live-object index, and with it the claim Leases, with a short window and a quick sweep. */
    public static class Leases extends OwnerNamesHttpTest.WithIndex {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("clbguard.live-index.enabled", "true", "clbguard.claims.window", WINDOW.toMillis() + "ms",
                    "clbguard.claims.sweep-interval", "200ms", "clbguard.reconciler.lease.duration", "4s",
                    "clbguard.reconciler.lease.renew-deadline", "3s", "clbguard.reconciler.lease.retry-period", "200ms");
        }
    }

    @Inject
    KubernetesClient client;
    @Inject
    ClbCloud cloud;
    @Inject
    LiveIndexRuntime live;
    @Inject
    Leadership leadership;

    String freeClb(String name) {
        return ClaimsHttpTest.freeClb(cloud, "lease-claims-" + name);
    }

    Lease lease(String lb) {
        return client.leases().inNamespace("clbguard").withName(ClaimLease.name(lb)).get();
    }

    @Test
    void theLeaseRecordsTheFirstObjectAndTheSecondIsDeniedNamingIt() {
        String lb = freeClb("first-wins");
        allowed(validate(review(SERVICE, "first", lb, Map.of())));
        Lease lease = lease(lb);
        assertNotNull(lease, "no claim Lease in clbguard's namespace");
        assertEquals("Service shop/first", lease.getSpec().getHolderIdentity());

        String message = denied(validate(review(SERVICE, "second", lb, Map.of())));
        assertTrue(message.contains("service-existing-clb: Service shop/second cannot use " + lb + ": it is already named by"
                + " Service shop/first (just admitted, not yet tagged by TKE) [E4016]"), message);
        allowed(validate(review(SERVICE, "first", lb, Map.of()))); // its own retry renews
    }

    @Test
    void anAdmissionNeverStoredFreesTheClbWhenItsWindowEnds() {
        String lb = freeClb("never-stored");
        long admitted = System.nanoTime();
        allowed(validate(review(SERVICE, "dropped", lb, Map.of()))); // a later webhook refuses it: never stored
        assertTrue(denied(validate(review(SERVICE, "next", lb, Map.of()))).contains("named by Service shop/dropped"));
        while (!validate(review(SERVICE, "next", lb, Map.of())).path("allowed").asBoolean()) {
            assertTrue(System.nanoTime() - admitted < WINDOW.plusSeconds(20).toNanos(), "the CLB was never freed");
            sleep(100);
        }
        long freedAfter = System.nanoTime() - admitted;
        assertTrue(freedAfter >= WINDOW.toNanos(), "freed before its window: " + freedAfter / 1_000_000 + " ms");
    }

    @Test
    void aHolderThatIsDeletedIsReleasedByTheLeader() {
        String lb = freeClb("deleted-holder");
        allowed(validate(review(SERVICE, "short-lived", lb, Map.of())));
        // The API server stores it, the index sees it, then it is deleted.
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("short-lived")
                .withNamespace("shop").addToAnnotations(TkeAnnotations.SERVICE_EXISTED_LBID, lb).endMetadata()
                .withNewSpec().withType("LoadBalancer").addNewPort().withPort(443).endPort().endSpec().build()).create();
        await(() -> !live.index().orElseThrow().claims(lb).isEmpty(), "the index never saw the Service");
        sleep(1000); // a few sweeps see it live
        client.services().inNamespace("shop").withName("short-lived").delete();
        eventually(() -> lease(lb) == null, "the leader never released the deleted holder's Lease");
        allowed(validate(review(SERVICE, "next", lb, Map.of())));
    }

    @Test
    void aDryRunWritesNothing() {
        String lb = freeClb("dry-run");
        allowed(dryRun(review(SERVICE, "one", lb, Map.of())));
        assertNull(lease(lb), "a dry run wrote a Lease");
        allowed(validate(review(SERVICE, "two", lb, Map.of())));
        String rv = lease(lb).getMetadata().getResourceVersion();
        assertTrue(denied(dryRun(review(SERVICE, "three", lb, Map.of()))).contains("named by Service shop/two"));
        assertEquals(rv, lease(lb).getMetadata().getResourceVersion());
    }

    @Test
    void anAdmissionNamingNoClbMakesNoApiCall() throws IOException {
        List<Path> bodies = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/bench/scenarios/no-lookups.txt"))) {
            String name = line.replaceAll("#.*", "").strip();
            if (!name.isEmpty()) {
                bodies.add(Fixtures.REQUESTS.resolve(name));
            }
        }
        assertTrue(bodies.size() >= 10, "the no-lookup scenarios: " + bodies);
        // At rest: a leader whose sweep has opened its informer and released what earlier tests left.
        await(leadership::isLeader, "no leader");
        eventually(() -> client.leases().inNamespace("clbguard").withLabel(ClaimLease.LABEL).list().getItems().isEmpty(),
                "claims of earlier tests never released");
        sleep(500);
        drain();
        for (Path body : bodies) {
            String path = body.getFileName().toString().contains("-mutate-") ? "/mutate" : "/validate";
            IngressClassPatchTest.post(path, (ObjectNode) Fixtures.tree(body.getFileName().toString().substring(0, 3)));
        }
        assertEquals(List.of(), drain(), "API requests made while answering admissions that name no CLB");

        // The same drain sees the one that does: the check could fail.
        allowed(validate(review(SERVICE, "named", freeClb("counted"), Map.of())));
        assertTrue(drain().stream().anyMatch(r -> r.contains("/leases")), "the claim's create was not seen");
    }

    static List<String> drain() {
        return AtRest.drain(MockApiServer.server());
    }

    /** Until {@code condition} holds, asking it every 100 ms (each asks the API server), for 30 s at most. */
    static void eventually(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            sleep(100);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
