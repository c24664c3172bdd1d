package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.kube.KubeJson;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The skip mode through HTTP, on the API server's own captured Service requests given clbguard's class: /mutate
 * adds service.cloud.tencent.com/mode: skip, /validate denies a Service of the class without it or with another
 * mode, and a Service without the class is neither patched nor judged by these policies.
 */
@QuarkusTest
class ServiceSkipModeHttpTest {

    static ObjectNode withClass(String number) {
        ObjectNode review = Fixtures.tree(number);
        ((ObjectNode) review.path("request").path("object").path("spec")).put("loadBalancerClass",
                Ownership.LOAD_BALANCER_CLASS);
        return review;
    }

    static ObjectNode annotations(ObjectNode review) {
        return (ObjectNode) review.path("request").path("object").path("metadata").path("annotations");
    }

    /** What the policies said: the denial message and the warnings (audit annotations name every policy run). */
    static String verdicts(JsonNode response) {
        return response.path("status").path("message").asText() + response.path("warnings");
    }

    @Test
    void aClbguardServiceGetsTheSkipModeThroughMutate() throws Exception {
        ObjectNode review = withClass("035");
        JsonNode response = IngressClassPatchTest.post("/mutate", review);
        assertTrue(response.path("allowed").asBoolean(), response.toString());
        JsonNode patch = KubeJson.mapper().readTree(Base64.getDecoder().decode(response.path("patch").asText()));
        JsonNode patched = JsonPatch.apply(patch, review.path("request").path("object"));
        assertEquals("skip", patched.path("metadata").path("annotations").path(TkeAnnotations.SERVICE_MODE).asText());
        ((ObjectNode) patched.path("metadata").path("annotations")).remove(TkeAnnotations.SERVICE_MODE);
        assertEquals(review.path("request").path("object"), patched, "nothing else changed");

        // The patched object is what /validate then sees: no skip-mode complaint.
        ObjectNode validate = withClass("036");
        annotations(validate).put(TkeAnnotations.SERVICE_MODE, "skip");
        assertFalse(verdicts(IngressClassPatchTest.post("/validate", validate)).contains("service-skip-mode"));
    }

    @Test
    void aServiceWithoutTheClassIsNotPatched() {
        JsonNode response = IngressClassPatchTest.post("/mutate", Fixtures.tree("035"));
        assertTrue(response.path("allowed").asBoolean(), response.toString());
        assertFalse(response.has("patch"), response.toString());
    }

    @Test
    void validateDeniesAClbguardServiceWithoutSkipOrWithAnotherMode() {
        JsonNode missing = IngressClassPatchTest.post("/validate", withClass("036"));
        assertFalse(missing.path("allowed").asBoolean(), missing.toString());
        String message = missing.path("status").path("message").asText();
        assertTrue(message.contains("service-skip-mode: Service shop/api-public has no service.cloud.tencent.com/mode"),
                message);
        assertTrue(message.contains("second one"), message);

        ObjectNode other = withClass("036");
        annotations(other).put(TkeAnnotations.SERVICE_MODE, "normal");
        String denied = IngressClassPatchTest.post("/validate", other).path("status").path("message").asText();
        assertTrue(denied.contains("has service.cloud.tencent.com/mode='normal'"), denied);
        assertTrue(denied.contains("set service.cloud.tencent.com/mode: skip"), denied);

        assertFalse(verdicts(IngressClassPatchTest.post("/validate", Fixtures.tree("036"))).contains("service-skip-mode"),
                "a Service TKE provisions is not this policy's business");
    }
}
