package dev.clbguard.admission;

import static dev.clbguard.admission.ClaimsHttpTest.allowed;
import static dev.clbguard.admission.ClaimsHttpTest.denied;
import static dev.clbguard.admission.ClaimsHttpTest.review;
import static dev.clbguard.admission.ClaimsHttpTest.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.testing.ApiServerProcess;
import dev.clbguard.testing.Trees;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * An API server too slow for the claim Leases (it answers their writes 5 s late; the claim budget here is 500 ms):
 * the webhook still answers inside its budget, and the policy's onLookupFailure decides. ingress-existing-clb keeps
 * the default and fails closed; service-existing-clb is set to allow-with-warning, so the Service is admitted with a
 * warning and this replica's own record of it stands in for the Lease.
 */
@QuarkusTest
@TestProfile(ClaimFailureHttpTest.SlowLeases.class)
class ClaimFailureHttpTest {

    private static final String SERVICE = "036";
    private static final String INGRESS = "024";

    /** Leases written 5 s late; the Service policy allows with a warning when a CLB cannot be checked. */
    public static class SlowLeases implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory("claim-failure-policies");
                Trees.copy(Path.of("policies"), dir);
                Path svc = dir.resolve("service-existing-clb.yaml");
                Files.writeString(svc, Files.readString(svc).replace("# onLookupFailure: deny", "onLookupFailure: allow-with-warning"));
                return Map.of("clbguard.live-index.enabled", "true", "clbguard.claims.budget", "500ms",
                        "clbguard.policies.dir", dir.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SlowLeaseWrites.class));
        }
    }

    /** The mock API server of ApiServerProcess, in this JVM, slow on the claim Leases' writes only. */
    public static class SlowLeaseWrites implements QuarkusTestResourceLifecycleManager {
        private KubernetesMockServer server;

        @Override
        public Map<String, String> start() {
            server = ApiServerProcess.server("clb-claim-", 5000);
            server.init();
            return Map.of("quarkus.kubernetes-client.api-server-url", server.url("/"),
                    "quarkus.kubernetes-client.trust-certs", "true", "quarkus.kubernetes-client.namespace", "default");
        }

        @Override
        public void stop() {
            server.destroy();
        }
    }

    @Inject
    ClbCloud cloud;

    String freeClb(String name) {
        return ClaimsHttpTest.freeClb(cloud, "claim-failure-" + name);
    }

    @Test
    void byDefaultTheAdmissionFailsClosedInsideItsBudget() {
        String lb = freeClb("fail-closed");
        long start = System.nanoTime();
        String message = denied(validate(review(INGRESS, "checkout", lb, Map.of())));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("ingress-existing-clb: Ingress shop/checkout: CLB " + lb + " could not be checked (its claim could not"
                + " be recorded: the API server did not answer within 500 ms); retry shortly, or set onLookupFailure:"
                + " allow-with-warning", message);
        // The facts budget (1.5 s) and the claim budget (0.5 s), far inside the webhook's 5 s.
        assertTrue(millis < 3000, "answered after " + millis + " ms");
    }

    @Test
    void allowWithWarningFallsBackToThisReplicasOwnRecord() {
        String lb = freeClb("fallback");
        JsonNode first = validate(review(SERVICE, "first", lb, Map.of()));
        allowed(first);
        assertTrue(first.path("warnings").get(0).asText().endsWith("could not be checked (its claim could not be recorded:"
                + " the API server did not answer within 500 ms); admitted unchecked"), first.toString());
        String message = denied(validate(review(SERVICE, "second", lb, Map.of())));
        assertTrue(message.contains("it is already named by Service shop/first (just admitted, not yet tagged by TKE) [E4016]"),
                message);
    }
}
