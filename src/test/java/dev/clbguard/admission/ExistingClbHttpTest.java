package dev.clbguard.admission;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.kube.KubeJson;
import dev.clbguard.emulator.ClbEmulator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * The existing-CLB policies through /validate, with real apiserver requests (fixtures) pointed at the CLBs of
 * {@code clb-policies/seed.yaml}, served by the CLB API emulator through the real SDK adapter and facts cache.
 * Every CLB id is used by one scenario only, so the facts cache never answers for another test.
 */
@QuarkusTest
@TestProfile(ExistingClbHttpTest.Seeded.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExistingClbHttpTest {

    public static class Seeded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("clbguard.emulator.seed", "clb-policies/seed.yaml");
        }
    }

    private static final String SVC_EXISTED = "service.kubernetes.io/tke-existed-lbid";
    private static final String SVC_SHARE = "service.kubernetes.io/qcloud-share-existed-lb";
    private static final String ING_EXIST = "kubernetes.io/ingress.existLbId";
    private static final String ING_CLASS = "kubernetes.io/ingress.class";
    private static final String DESCRIBE = "DescribeLoadBalancers";

    @Inject
    ClbEmulator emulator;

    // --- requests derived from the real ones -------------------------------------------------------------

    /** 036: validating CREATE of LoadBalancer Service shop/api-public (port 443), not a dry-run. */
    private static ObjectNode serviceCreate(String lbId) {
        ObjectNode r = Fixtures.tree("036");
        annotate(r, "object", SVC_EXISTED, lbId);
        return r;
    }

    /** 044: validating UPDATE of the same Service (same uid), old and new naming the given CLBs. */
    private static ObjectNode serviceUpdate(String oldLbId, String newLbId) {
        ObjectNode r = Fixtures.tree("044");
        annotate(r, "oldObject", SVC_EXISTED, oldLbId);
        annotate(r, "object", SVC_EXISTED, newLbId);
        return r;
    }

    /** 024: validating CREATE of Ingress shop/checkout (class qcloud, with TLS), not a dry-run. */
    private static ObjectNode ingressCreate(String lbId) {
        ObjectNode r = Fixtures.tree("024");
        annotate(r, "object", ING_EXIST, lbId);
        return r;
    }

    /** 042: validating UPDATE of the same Ingress, kept in class qcloud on both sides. */
    private static ObjectNode ingressUpdate(String lbId) {
        ObjectNode r = Fixtures.tree("042");
        for (String side : new String[] { "oldObject", "object" }) {
            annotate(r, side, ING_CLASS, "qcloud");
            annotate(r, side, ING_EXIST, lbId);
        }
        return r;
    }

    private static void annotate(ObjectNode review, String side, String key, String value) {
        ((ObjectNode) review.path("request").path(side).path("metadata").path("annotations")).put(key, value);
    }

    private static ObjectNode dryRun(ObjectNode review) {
        ((ObjectNode) review.path("request")).put("dryRun", true);
        return review;
    }

    private static JsonNode validate(ObjectNode review) throws Exception {
        String body = given().contentType("application/json").body(review.toString()).post("/validate")
                .then().statusCode(200).extract().asString();
        JsonNode response = KubeJson.mapper().readTree(body).path("response");
        assertEquals(review.path("request").path("uid").asText(), response.path("uid").asText());
        return response;
    }

    // --- what the answers must say -----------------------------------------------------------------------

    /** The outcome the policy reported in the audit annotation, e.g. "denied". */
    private static String outcome(JsonNode response, String policy) {
        for (String part : response.path("auditAnnotations").path("policies").asText().split(",")) {
            if (part.startsWith(policy + "=")) {
                return part.substring(policy.length() + 1);
            }
        }
        return "not run";
    }

    private static void denied(JsonNode response, String policy, String lbId, String code) {
        assertFalse(response.path("allowed").asBoolean(), response.toString());
        assertEquals("denied", outcome(response, policy), response.toString());
        String message = response.path("status").path("message").asText();
        assertTrue(message.contains(policy + ": ") && message.contains("cannot use " + lbId + ": ")
                && (code == null || message.contains("[" + code + "]")) && !message.contains("\n"), message);
    }

    private static void allowed(JsonNode response, String policy) {
        assertTrue(response.path("allowed").asBoolean(), response.toString());
        assertEquals("allowed", outcome(response, policy), response.toString());
    }

    // --- Service: tke-existed-lbid -----------------------------------------------------------------------

    @Test
    @Order(1)
    void serviceCreateOnEveryRowOfTheTable() throws Exception {
        String p = "service-existing-clb";
        allowed(validate(serviceCreate("lb-svcfree1")), p);
        denied(validate(serviceCreate("lb-nothere1")), p, "lb-nothere1", "E4011");
        denied(validate(serviceCreate("lb-tkemade1")), p, "lb-tkemade1", "E4012");
        denied(validate(serviceCreate("lb-otherc01")), p, "lb-otherc01", "E4013");
        denied(validate(serviceCreate("lb-othervpc")), p, "lb-othervpc", null);
        denied(validate(serviceCreate("lb-svcused1")), p, "lb-svcused1", "E4016");
        // The busy CLB's listener sits on 443, the Service's port: refused without sharing and with it.
        denied(validate(serviceCreate("lb-busy0001")), p, "lb-busy0001", "E4016");
        ObjectNode shared = serviceCreate("lb-busy0001");
        annotate(shared, "object", SVC_SHARE, "true");
        denied(validate(shared), p, "lb-busy0001", "E4014");
        // Sharing a CLB tagged for another Service whose listener is on another port (8443): allowed.
        ObjectNode sharedOther = serviceCreate("lb-svcused1");
        annotate(sharedOther, "object", SVC_SHARE, "true");
        allowed(validate(sharedOther), p);
    }

    @Test
    @Order(2)
    void serviceUpdateOfAnAdoptedServicePasses() throws Exception {
        // lb-adopted1 carries this Service's uid and a listener on its port 443: its own.
        allowed(validate(serviceUpdate("lb-adopted1", "lb-adopted1")), "service-existing-clb");
        // The validating CREATE of a new object cannot own it, whatever its listeners.
        denied(validate(serviceCreate("lb-adopted1")), "service-existing-clb", "lb-adopted1", "E4016");
    }

    @Test
    @Order(3)
    void serviceUpdateChangingTheClb() throws Exception {
        // Changing the CLB id is a forbidden transition: that is the clb-transitions policy's answer. This policy
        // judges the CLB now named: a free one passes it, one tagged for another Service does not.
        JsonNode free = validate(serviceUpdate("lb-adopted1", "lb-svcfree1"));
        assertEquals("allowed", outcome(free, "service-existing-clb"), free.toString());
        if (!free.path("allowed").asBoolean()) {
            assertFalse(free.path("status").path("message").asText().contains("service-existing-clb"), free.toString());
        }
        denied(validate(serviceUpdate("lb-adopted1", "lb-svcused1")), "service-existing-clb", "lb-svcused1", "E4016");
    }

    // --- Ingress: existLbId -------------------------------------------------------------------------------

    @Test
    @Order(4)
    void ingressCreateOnEveryRowOfTheTable() throws Exception {
        String p = "ingress-existing-clb";
        allowed(validate(ingressCreate("lb-ingfree1")), p);
        denied(validate(ingressCreate("lb-nothere2")), p, "lb-nothere2", "E4018");
        denied(validate(ingressCreate("lb-tkemade1")), p, "lb-tkemade1", "E4019");
        denied(validate(ingressCreate("lb-classic1")), p, "lb-classic1", "E4030");
        denied(validate(ingressCreate("lb-otherc01")), p, "lb-otherc01", "E4020");
        denied(validate(ingressCreate("lb-othervpc")), p, "lb-othervpc", null);
        denied(validate(ingressCreate("lb-ingused1")), p, "lb-ingused1", "E4020");
        denied(validate(ingressCreate("lb-busy0001")), p, "lb-busy0001", "E4021");
        ObjectNode grouped = ingressCreate("lb-ingused1");
        annotate(grouped, "object", "ingress.cloud.tencent.com/enable-group", "true");
        allowed(validate(grouped), p);
    }

    @Test
    @Order(5)
    void ingressUpdateOfAnAdoptedIngressPasses() throws Exception {
        allowed(validate(ingressUpdate("lb-adoptin1")), "ingress-existing-clb");
        denied(validate(ingressCreate("lb-adoptin1")), "ingress-existing-clb", "lb-adoptin1", "E4020");
    }

    @Test
    @Order(6)
    void dryRunGetsTheSameVerdict() throws Exception {
        // 004 is the real dry-run CREATE of shop/checkout.
        ObjectNode r = Fixtures.tree("004");
        annotate(r, "object", ING_EXIST, "lb-classic1");
        denied(validate(r), "ingress-existing-clb", "lb-classic1", "E4030");
    }

    @Test
    @Order(7)
    void nginxIngressIsNeverLookedUp() throws Exception {
        long before = emulator.calls(DESCRIBE);
        ObjectNode r = ingressCreate("lb-nothere3");
        annotate(r, "object", ING_CLASS, "nginx");
        JsonNode response = validate(r);
        assertTrue(response.path("allowed").asBoolean(), response.toString());
        assertEquals("allowed", outcome(response, "ingress-existing-clb"), response.toString());
        assertTrue(response.path("warnings").isMissingNode(), response.toString());
        assertEquals(before, emulator.calls(DESCRIBE), "an nginx Ingress must not cost a CLB lookup");
        // Same request in class qcloud: looked up (and missing).
        annotate(r, "object", ING_CLASS, "qcloud");
        denied(validate(r), "ingress-existing-clb", "lb-nothere3", "E4018");
        assertTrue(emulator.calls(DESCRIBE) > before);
    }

    // --- a CLB serves one kind ---------------------------------------------------------------------------

    @Test
    @Order(7)
    void aClbOfTheOtherKindIsDeniedBothWays() throws Exception {
        JsonNode service = validate(serviceCreate("lb-ingonly1"));
        denied(service, "service-existing-clb", "lb-ingonly1", "E4020");
        assertTrue(service.path("status").path("message").asText().contains("it is used by an Ingress (tke-lb-ingress-uuid="),
                service.toString());
        JsonNode ingress = validate(ingressCreate("lb-svconly1"));
        denied(ingress, "ingress-existing-clb", "lb-svconly1", "E4020");
        assertTrue(ingress.path("status").path("message").asText().contains("it is used by a Service (tke-lb-serviceuuid="),
                ingress.toString());
    }

    // --- the cloud down -----------------------------------------------------------------------------------

    @Test
    @Order(8)
    void cloudDownDeniesWithinTheBudgetAndDryRunWarns() throws Exception {
        emulator.setLatency(Duration.ofSeconds(4));
        try {
            long start = System.nanoTime();
            JsonNode real = validate(serviceCreate("lb-slowsvc1"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertFalse(real.path("allowed").asBoolean(), real.toString());
            String message = real.path("status").path("message").asText();
            assertTrue(message.startsWith("service-existing-clb: Service shop/api-public: CLB lb-slowsvc1 could not be checked"),
                    message);
            assertTrue(millis < 3000, "answered after " + millis + " ms; the facts budget is 1.5 s");

            JsonNode dry = validate(dryRun(ingressCreate("lb-slowing1")));
            assertTrue(dry.path("allowed").asBoolean(), dry.toString());
            String warning = dry.path("warnings").path(0).asText();
            assertTrue(warning.contains("CLB lb-slowing1 could not be checked"), dry.toString());
        } finally {
            emulator.setLatency(Duration.ZERO);
        }
    }
}
