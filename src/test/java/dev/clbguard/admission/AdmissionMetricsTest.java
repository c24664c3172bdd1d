package dev.clbguard.admission;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * /q/metrics carries what docs/install.md lists: admission requests and latency histograms by webhook, kind,
 * operation and result, policy results by policy, policy load errors, and the certificate expiry gauges.
 */
@QuarkusTest
class AdmissionMetricsTest {

    @Test
    void admissionPolicyAndCertificateMetricsAppear() {
        post("/validate", Fixtures.body("030"), 200); // Service ClusterIP: denied by elastic-service-types
        post("/mutate", Fixtures.body("027"), 200);   // Ingress without class: patched by ingress-class-default
        post("/validate", Fixtures.body("036"), 200); // LoadBalancer Service: allowed
        post("/validate", "{\"kind\":\"AdmissionReview\"", 400);
        com.fasterxml.jackson.databind.node.ObjectNode unreadable = Fixtures.tree("030");
        ((com.fasterxml.jackson.databind.node.ObjectNode) unreadable.at("/request/object/spec")).put("ports", "80");
        post("/validate", Fixtures.json(unreadable), 200); // denied with code 400: spec.ports is not a list

        String m = given().get("/q/metrics").then().statusCode(200).extract().asString();
        has(m, "clbguard_admission_requests_total", "webhook=\"validate\"", "kind=\"Service\"", "operation=\"CREATE\"", "result=\"denied\"");
        has(m, "clbguard_admission_requests_total", "webhook=\"mutate\"", "kind=\"Ingress\"", "result=\"patched\"");
        has(m, "clbguard_admission_requests_total", "webhook=\"validate\"", "kind=\"Service\"", "result=\"allowed\"");
        has(m, "clbguard_admission_requests_total", "webhook=\"validate\"", "result=\"malformed\"");
        // An object that cannot be read still names its kind and operation in the request.
        has(m, "clbguard_admission_requests_total", "webhook=\"validate\"", "kind=\"Service\"", "operation=\"CREATE\"",
                "result=\"invalid\"");
        has(m, "clbguard_admission_latency_seconds_bucket", "webhook=\"validate\"", "result=\"denied\"", "le=\"");
        has(m, "clbguard_admission_latency_seconds_count", "webhook=\"mutate\"", "result=\"patched\"");
        has(m, "clbguard_policy_results_total", "policy=\"elastic-service-types\"", "kind=\"Service\"", "result=\"denied\"");
        has(m, "clbguard_policy_results_total", "policy=\"ingress-class-default\"", "webhook=\"mutate\"", "result=\"patched\"");
        has(m, "clbguard_admission_denials_total", "webhook=\"validate\"", "policy=\"elastic-service-types\"",
                "code=\"none\"");
        has(m, "clbguard_policy_load_errors");
        has(m, "clbguard_policy_active");
        // No key store in the test profile: the gauges exist, without a value (CertificateReloadTest has one).
        has(m, "clbguard_tls_certificate_expiry_seconds");
        has(m, "clbguard_tls_certificate_not_after_seconds");
        // The webhook routes are counted once, above, not again by the generic HTTP server timer.
        assertTrue(m.lines().noneMatch(l -> l.startsWith("http_server_requests") && (l.contains("uri=\"/validate\"")
                || l.contains("uri=\"/mutate\""))), "webhook routes in http_server_requests");
    }

    private static void post(String path, String body, int status) {
        given().contentType("application/json").body(body).post(path).then().statusCode(status);
    }

    /** A sample line of the metric with all the given label fragments. */
    private static void has(String metrics, String name, String... labels) {
        boolean found = metrics.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .anyMatch(l -> java.util.Arrays.stream(labels).allMatch(l::contains));
        assertTrue(found, name + " with " + String.join(",", labels) + " missing; have:\n"
                + metrics.lines().filter(l -> l.startsWith(name.replaceAll("_(bucket|count|total)$", ""))).limit(20)
                        .reduce("", (a, b) -> a + b + "\n"));
    }

}
