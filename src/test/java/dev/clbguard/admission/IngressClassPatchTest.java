package dev.clbguard.admission;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.kube.KubeJson;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.junit.QuarkusTest;

/**
 * ingress-class-default through HTTP: the patch the API server gets is a JSONPatch that applies to the request's
 * own object, adds exactly the class annotation, and is not repeated on reinvocation.
 */
@QuarkusTest
class IngressClassPatchTest {

    private static final String CLASS_PATH = "/metadata/annotations/" + TkeAnnotations.INGRESS_CLASS.replace("~", "~0").replace("/", "~1");

    @ParameterizedTest(name = "fixture {0}")
    @ValueSource(strings = { "007", "027" })
    void ingressWithoutClassGetsTheDefaultClassAnnotation(String number) throws Exception {
        ObjectNode review = Fixtures.tree(number);
        JsonNode response = post("/mutate", review);
        assertTrue(response.path("allowed").asBoolean(), response.toString());
        assertEquals("JSONPatch", response.path("patchType").asText(), response.toString());

        JsonNode patch = KubeJson.mapper().readTree(Base64.getDecoder().decode(response.path("patch").asText()));
        assertTrue(patch.isArray() && patch.size() == 1, "one operation expected: " + patch);
        JsonNode op = patch.get(0);
        assertEquals("add", op.path("op").asText(), patch.toString());
        assertEquals(CLASS_PATH, op.path("path").asText(), patch.toString());
        assertEquals("qcloud", op.path("value").asText(), patch.toString());

        JsonNode original = review.path("request").path("object");
        JsonNode patched = JsonPatch.apply(patch, original);
        assertEquals("qcloud", patched.path("metadata").path("annotations").path(TkeAnnotations.INGRESS_CLASS).asText());
        // Nothing else changed: removing the annotation again gives back the request's object.
        ((ObjectNode) patched.path("metadata").path("annotations")).remove(TkeAnnotations.INGRESS_CLASS);
        assertEquals(original, patched);
        assertTrue(response.path("warnings").toString().contains("ingress-class-default"),
                "a mutation is announced as a warning: " + response);
    }

    @ParameterizedTest(name = "fixture {0}")
    @ValueSource(strings = { "007", "027" })
    void secondApplicationPatchesNothing(String number) throws Exception {
        ObjectNode review = Fixtures.tree(number);
        JsonNode first = post("/mutate", review);
        JsonNode patch = KubeJson.mapper().readTree(Base64.getDecoder().decode(first.path("patch").asText()));
        ObjectNode request = (ObjectNode) review.get("request");
        request.set("object", JsonPatch.apply(patch, request.get("object")));
        request.put("uid", request.path("uid").asText() + "-reinvoked");

        JsonNode second = post("/mutate", review);
        assertTrue(second.path("allowed").asBoolean(), second.toString());
        assertFalse(second.has("patch"), "reinvocation must not patch again: " + second);
        assertFalse(second.has("patchType"), second.toString());
    }

    /** 001 names spec.ingressClassName, 003 and 005 carry the class annotation. */
    @ParameterizedTest(name = "fixture {0}")
    @ValueSource(strings = { "001", "003", "005", "021", "023", "025" })
    void ingressThatNamesAClassIsNotPatched(String number) {
        JsonNode response = post("/mutate", Fixtures.tree(number));
        assertTrue(response.path("allowed").asBoolean(), response.toString());
        assertFalse(response.has("patch"), response.toString());
        assertFalse(response.has("patchType"), response.toString());
    }

    @Test
    void classAnnotationSetByHandIsKeptAsIs() {
        ObjectNode review = Fixtures.tree("007");
        ((ObjectNode) review.path("request").path("object").path("metadata").path("annotations"))
                .put(TkeAnnotations.INGRESS_CLASS, "nginx");
        JsonNode response = post("/mutate", review);
        assertFalse(response.has("patch"), response.toString());
    }

    @ParameterizedTest(name = "fixture {0} sent to /validate")
    @ValueSource(strings = { "007", "027" })
    void validateNeverPatches(String number) {
        // The very body that /mutate patches: /validate must only judge it.
        JsonNode response = post("/validate", Fixtures.tree(number));
        assertTrue(response.path("allowed").asBoolean(), response.toString());
        assertFalse(response.has("patch"), response.toString());
        assertFalse(response.has("patchType"), response.toString());
    }

    static JsonNode post(String path, JsonNode review) {
        String body = given().contentType("application/json").body(review.toString()).post(path)
                .then().statusCode(200).contentType("application/json").extract().asString();
        try {
            JsonNode root = KubeJson.mapper().readTree(body);
            assertEquals(review.path("request").path("uid").asText(), root.path("response").path("uid").asText());
            return root.path("response");
        } catch (java.io.IOException e) {
            throw new AssertionError("response is not JSON: " + body, e);
        }
    }
}
