package dev.clbguard.admission;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.clbguard.kube.KubeJson;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Every real request the API server sent gets a valid AdmissionReview back: right kind and version, the uid
 * echoed, never a patch from /validate, and the verdict the policies call for on an elastic cluster.
 */
@QuarkusTest
class FixtureContractTest {

    /**
     * Fixtures that are denied at /validate, with the start and a part of the message: non-headless ClusterIP and
     * NodePort Services (both the dry-run and the real apply), and the CLB re-binding TKE forbids on UPDATE.
     */
    private static final Map<String, List<String>> DENIED = Map.of(
            "010", List.of("elastic-service-types: Service shop/", "spec.clusterIP=10."),
            "020", List.of("elastic-service-types: Service shop/", "NodePort"),
            "030", List.of("elastic-service-types: Service shop/", "spec.clusterIP=10."),
            "040", List.of("elastic-service-types: Service shop/", "NodePort"),
            "044", List.of("clb-transitions: Service shop/api-public", "'lb-6swtxp1x' to 'lb-77aa88bb'"),
            "048", List.of("clb-transitions: Ingress shop/storefront", "add kubernetes.io/ingress.existLbId"));
    /** Fixtures allowed with a warning, and a part of it: the Ingress class changed from qcloud to nginx. */
    private static final Map<String, String> WARNED = Map.of("042", "clb-transitions: Ingress shop/checkout changes class");
    /** Fixtures answered with a patch: the Ingress without a class, at /mutate. */
    private static final List<String> PATCHED = List.of("007", "027");

    static Stream<Path> fixtures() {
        return Fixtures.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyFixtureGetsAValidAnswer(Path fixture) throws Exception {
        String body = Fixtures.read(fixture);
        String number = fixture.getFileName().toString().substring(0, 3);
        String uid = KubeJson.mapper().readTree(body).path("request").path("uid").asText();
        Response r = given().contentType("application/json").body(body).post(Fixtures.path(fixture));
        r.then().statusCode(200).contentType("application/json")
                .body("apiVersion", equalTo("admission.k8s.io/v1"))
                .body("kind", equalTo("AdmissionReview"))
                .body("response.uid", equalTo(uid))
                .body("response.allowed", equalTo(!DENIED.containsKey(number)));
        JsonNode response = KubeJson.mapper().readTree(r.asString()).path("response");
        if (Fixtures.path(fixture).equals("/validate")) {
            r.then().body("response.patch", nullValue()).body("response.patchType", nullValue());
        }
        assertEquals(PATCHED.contains(number), response.has("patch"), "patch presence for " + fixture.getFileName());
        if (DENIED.containsKey(number)) {
            int code = response.path("status").path("code").asInt();
            assertEquals(403, code);
            String message = response.path("status").path("message").asText();
            org.junit.jupiter.api.Assertions.assertTrue(message.startsWith(DENIED.get(number).get(0))
                    && message.contains(DENIED.get(number).get(1)) && !message.contains("\n"), message);
        }
        if (WARNED.containsKey(number)) {
            String warnings = response.path("warnings").toString();
            org.junit.jupiter.api.Assertions.assertTrue(warnings.contains(WARNED.get(number)), warnings);
        }
    }
}
