package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * What clbguard must let through untouched: objects on their way out (a denial would leave them stuck
 * Terminating), DELETE requests, kinds it does not judge and Ingress versions the API server no longer serves.
 */
@QuarkusTest
class PassThroughTest {

    /** 010 is denied as it stands: the variants below differ from it only in what is under test. */
    @Test
    void deniedFixtureIsDeniedAsItStands() {
        JsonNode response = IngressClassPatchTest.post("/validate", Fixtures.tree("010"));
        assertFalse(response.path("allowed").asBoolean(), response.toString());
    }

    @Test
    void deniedObjectBeingDeletedIsAllowed() {
        ObjectNode review = Fixtures.tree("010");
        ObjectNode request = (ObjectNode) review.get("request");
        // A DELETE of an object with finalizers first arrives as an UPDATE setting deletionTimestamp.
        request.set("oldObject", request.get("object").deepCopy());
        ((ObjectNode) request.path("object").path("metadata")).put("deletionTimestamp", "2026-11-23T09:00:00Z");
        request.put("operation", "UPDATE");
        for (String path : new String[] { "/validate", "/mutate" }) {
            JsonNode response = IngressClassPatchTest.post(path, review);
            assertTrue(response.path("allowed").asBoolean(), path + ": " + response);
            assertFalse(response.has("patch"), response.toString());
            assertFalse(response.has("status"), response.toString());
        }
    }

    @ParameterizedTest(name = "fixture {0}")
    @ValueSource(strings = { "049", "050", "051", "052", "053", "054" })
    void deleteRequestsAreAllowed(String number) {
        ObjectNode review = Fixtures.tree(number);
        assertTrue(review.path("request").path("object").isNull(), "a DELETE carries no object");
        JsonNode response = IngressClassPatchTest.post(number.compareTo("050") == 0 || number.equals("052")
                || number.equals("054") ? "/validate" : "/mutate", review);
        assertTrue(response.path("allowed").asBoolean(), response.toString());
        assertFalse(response.has("patch"), response.toString());
    }

    /** A denied Service turned into a DELETE: the old object alone is never judged. */
    @Test
    void deleteOfADeniedServiceIsAllowed() {
        ObjectNode review = Fixtures.tree("010");
        ObjectNode request = (ObjectNode) review.get("request");
        request.set("oldObject", request.get("object"));
        request.putNull("object");
        request.put("operation", "DELETE");
        JsonNode response = IngressClassPatchTest.post("/validate", review);
        assertTrue(response.path("allowed").asBoolean(), response.toString());
    }

    @Test
    void podIsAllowedUntouched() {
        ObjectNode review = Fixtures.tree("009");
        ObjectNode request = (ObjectNode) review.get("request");
        request.set("kind", kind("", "v1", "Pod"));
        request.set("requestKind", kind("", "v1", "Pod"));
        ObjectNode pod = request.putObject("object");
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "web").put("namespace", "shop");
        pod.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "nginx");
        for (String path : new String[] { "/validate", "/mutate" }) {
            JsonNode response = IngressClassPatchTest.post(path, review);
            assertTrue(response.path("allowed").asBoolean(), response.toString());
            assertFalse(response.has("patch"), response.toString());
            assertFalse(response.has("warnings"), response.toString());
        }
    }

    /** A v1beta1 Ingress without class (from 007): not served since 1.22, so never judged nor patched. */
    @ParameterizedTest(name = "group {0}")
    @ValueSource(strings = { "extensions", "networking.k8s.io" })
    void retiredIngressVersionIsAllowedUntouched(String group) {
        ObjectNode review = Fixtures.tree("007");
        ObjectNode request = (ObjectNode) review.get("request");
        request.set("kind", kind(group, "v1beta1", "Ingress"));
        request.set("requestKind", kind(group, "v1beta1", "Ingress"));
        ((ObjectNode) request.get("object")).put("apiVersion", group + "/v1beta1");
        for (String path : new String[] { "/validate", "/mutate" }) {
            JsonNode response = IngressClassPatchTest.post(path, review);
            assertTrue(response.path("allowed").asBoolean(), response.toString());
            assertFalse(response.has("patch"), response.toString());
            assertFalse(response.has("warnings"), response.toString());
            assertEquals(review.path("request").path("uid").asText(), response.path("uid").asText());
        }
    }

    private static ObjectNode kind(String group, String version, String kind) {
        ObjectNode n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        return n.put("group", group).put("version", version).put("kind", kind);
    }
}
