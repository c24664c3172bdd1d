package dev.clbguard.emulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.admission.Fixtures;
import dev.clbguard.kube.KubeJson;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The server against an emulator in another process ({@code clbguard.emulator.endpoint}): admission's CLB facts
 * come from that process, whose state outlives the server; none runs in the server, which serves no state endpoint.
 */
@QuarkusTest
@TestProfile(ExternalEmulatorTest.External.class)
class ExternalEmulatorTest {

    public static class External implements QuarkusTestProfile {
        /** The first call wakes a cold JVM on a busy machine: this test is about where facts come from, not speed. */
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("clbguard.facts.budget", "20s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EmulatorProcess.class));
        }
    }

    @Test
    void admissionLooksUpTheOtherProcessAndServesNoStateItself() throws Exception {
        ObjectNode review = Fixtures.tree("036");
        ((ObjectNode) review.at("/request/object/metadata/annotations")).put("service.kubernetes.io/tke-existed-lbid",
                "lb-tkemade1");
        given().contentType("application/json").body(Fixtures.json(review)).post("/validate").then().statusCode(200)
                .body("response.allowed", is(false))
                .body("response.status.message", containsString("created by TKE"));
        given().get(ClbEmulator.STATE_PATH).then().statusCode(404);

        HttpResponse<String> state = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + EmulatorProcess.endpoint + ClbEmulator.STATE_PATH)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, state.statusCode());
        JsonNode json = KubeJson.mapper().readTree(state.body());
        assertTrue(json.at("/calls/DescribeLoadBalancers").asLong() >= 1, state.body());
        assertTrue(json.get("loadBalancers").findValuesAsText("id").contains("lb-tkemade1"), state.body());
    }

    @Test
    void aSeedThatCannotBeReadEndsTheCommandWithItsName() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        int code;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            code = new EmulatorCommand().run(new String[] { "--seed", "no/such/seed.yaml" });
        } finally {
            System.setErr(old);
        }
        assertEquals(2, code);
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("no/such/seed.yaml: cannot be read"), err.toString());
    }
}
