package dev.clbguard.admission;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.policy.tke.TkeAnnotations;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One answer, several denials: kubectl prints status.message as one line, and each denial already separates its
 * cause from its fix with "; ". The denials themselves must be told apart by another mark.
 */
@QuarkusTest
class DenialMessageTest {

    @Test
    void denialsAreJoinedWithAMarkOfTheirOwn() {
        // A LoadBalancer Service naming a malformed existing CLB and a bandwidth that is not a number.
        ObjectNode review = Fixtures.tree("036");
        ((ObjectNode) review.at("/request/object/metadata/annotations")).put(TkeAnnotations.SERVICE_EXISTED_LBID, "LB-Bad")
                .put(TkeAnnotations.SERVICE_MAX_BANDWIDTH_OUT, "lots");
        String message = given().contentType("application/json").body(Fixtures.json(review)).post("/validate")
                .then().statusCode(200).extract().path("response.status.message");

        List<String> denials = List.of(message.split(java.util.regex.Pattern.quote(AdmissionHandler.BETWEEN_DENIALS)));
        assertEquals(2, denials.size(), message);
        for (String d : denials) {
            assertTrue(d.matches("clb-annotations: Service shop/api-public [^|]+; [^|]+"), "one denial, cause then fix: " + d);
        }
    }
}
