package dev.clbguard.admission;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The warm-up holds readiness until its rehearsals are judged, and leaves no trace a real call would: no
 * admission or policy metric, while real calls are counted as usual. A server of its own, so no other test's calls are in its metrics.
 */
@QuarkusTest
@TestProfile(WarmupTest.Rehearsals.class)
class WarmupTest {

    public static class Rehearsals implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("clbguard.warmup.rehearsals", "300");
        }
    }

    @Test
    void readyOnceTheRehearsalsAreJudgedAndOnlyRealCallsAreCounted() throws InterruptedException {
        JsonPath ready = null;
        for (int i = 0; i < 300; i++) {
            ready = given().get("/q/health/ready").then().extract().jsonPath();
            if ("UP".equals(ready.getString("status"))) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("UP", ready.getString("status"), ready.prettify());
        Map<String, Object> data = ready.getMap("checks.find { it.name == 'clbguard' }.data");
        assertTrue(String.valueOf(data.get("warmup")).matches("300 sample admissions in \\d+ ms"), data.toString());

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> traces = metrics.lines().filter(l -> !l.startsWith("#"))
                .filter(l -> l.startsWith("clbguard_admission_") || l.startsWith("clbguard_policy_results")).toList();
        assertEquals(List.of(), traces, "the warm-up's calls were counted as admissions");

        // A real call afterwards is counted as usual, and alone.
        given().contentType("application/json").body(Fixtures.body("030")).post("/validate").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(matchesPattern("(?s).*clbguard_admission_requests_total\\{[^}]*result=\"denied\"[^}]*\\} 1\\.0.*"));
    }
}
