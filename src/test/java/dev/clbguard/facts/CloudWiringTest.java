package dev.clbguard.facts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.clbguard.emulator.ClbEmulator;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbLookup;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** In the test profile the beans talk to the seeded emulator through the SDK, and its state is served as JSON. */
@QuarkusTest
class CloudWiringTest {

    @Inject
    ClbDirectory directory;

    @Inject
    ClbCloud cloud;

    @Inject
    ClbEmulator emulator;

    @Test
    void directoryAnswersFromTheSeededEmulator() {
        emulator.reset();
        ClbFacts facts = directory.lookup(Set.of("lb-77aa88bb", "lb-nothere1"), java.time.Duration.ofMillis(1500));
        var busy = assertInstanceOf(ClbLookup.Found.class, facts.get("lb-77aa88bb")).clb();
        assertEquals(80, busy.listeners().get(0).port());
        assertInstanceOf(ClbLookup.Missing.class, facts.get("lb-nothere1"));
        assertTrue(emulator.calls("DescribeLoadBalancers") <= 1);
        assertTrue(cloud.describe("lb-tkemade1").orElseThrow().tags().containsKey("tke-createdBy-flag"));
    }

    @Test
    void stateIsServedAsJson() {
        given().get("/emulator/load-balancers").then().statusCode(200)
                .body("loadBalancers.id", hasItem("lb-0g3v8r2m"))
                .body("loadBalancers.find { it.id == 'lb-77aa88bb' }.listeners[0].port", org.hamcrest.Matchers.is(80))
                .body("loadBalancers.find { it.id == 'lb-ingused1' }.tags.tke-clusterId", org.hamcrest.Matchers.is("cls-7k2m9q4p"));
    }
}
