package dev.clbguard.reports;

import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.testing.IndexCatchUp;
import dev.clbguard.audit.AuditReport;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.clbguard.admission.Fixtures;
import dev.clbguard.audit.AuditService;
import dev.clbguard.kube.Leadership;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * Every PromQL expression of the PrometheusRule and of the Grafana dashboard names only metrics (and labels)
 * that /q/metrics of a running clbguard exposes, so renaming a metric breaks the build rather than an alert.
 * The server first does what makes each labelled series appear: admissions (with a CLB lookup through the
 * SDK), a reconcile that creates a CLB, an audit with a violation.
 */
@QuarkusTest
@TestProfile(ReportsTestProfile.class)
class MonitoringQueriesTest {

    static final Path OVERLAY = Path.of("webhook-config/overlays/monitoring");
    /** Metrics of other exporters that the alerts read: kube-state-metrics, part of every Prometheus install on TKE. */
    static final Set<String> EXTERNAL = Set.of("kube_deployment_status_replicas_available");

    static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)");
    static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");

    @Inject
    KubernetesClient client;
    @Inject
    Leadership leadership;
    @Inject
    AuditService audit;
    @Inject
    LiveIndexRuntime live;

    /** The audit judges the live-object index's copies: a pass after a write waits until the index has it. */
    AuditReport audited() {
        IndexCatchUp.await(client, live.index().orElseThrow());
        return audit.run();
    }

    @Test
    void everyQueryNamesExposedMetricsAndLabels() throws IOException {
        Map<String, String> queries = queries();
        assertTrue(queries.size() >= 20, "alerts and panels read: " + queries.keySet());

        Map<String, Set<String>> exposed = exposedAfterActivity();
        List<String> problems = new ArrayList<>();
        Set<String> named = new TreeSet<>();
        queries.forEach((where, expr) -> {
            for (String metric : metrics(expr)) {
                named.add(metric);
                if (!exposed.containsKey(metric) && !EXTERNAL.contains(metric)) {
                    problems.add(where + ": " + metric + " is not exposed");
                }
            }
            Matcher s = SELECTOR.matcher(STRING.matcher(expr).replaceAll("\"\""));
            while (s.find()) {
                Matcher m = MATCHER.matcher(s.group(2));
                while (m.find()) {
                    if (exposed.containsKey(s.group(1)) && !exposed.get(s.group(1)).contains(m.group(1))) {
                        problems.add(where + ": " + s.group(1) + " has no label " + m.group(1));
                    }
                }
            }
        });
        assertEquals(List.of(), problems, "exposed: " + exposed.keySet());
        // The reading itself must work, or the test would pass on nothing.
        assertTrue(named.containsAll(Set.of("clbguard_admission_latency_seconds_bucket", "clbguard_findings",
                "clbguard_cloud_calls_seconds_count", "clbguard_reconcile_total", "kube_deployment_status_replicas_available")),
                named.toString());
    }

    @Test
    void theReaderFindsMetricsAndSkipsFunctionsLabelsAndKeywords() {
        assertEquals(Set.of("a_total", "b_bucket"), metrics("sum by (le, x) (rate(a_total{result=~\"error|x\"}[5m]))"
                + " / on() histogram_quantile(0.9, b_bucket) > 2.5 and vector(1)"));
    }

    static Set<String> metrics(String expr) {
        String e = STRING.matcher(expr).replaceAll("\"\"");
        e = e.replaceAll("\\{[^}]*}", "").replaceAll("\\[[^]]*]", "");
        e = GROUPING.matcher(e).replaceAll("");
        Set<String> out = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            String name = m.group(1);
            String rest = e.substring(m.end()).stripLeading();
            if (rest.startsWith("(") || KEYWORDS.contains(name) || Character.isDigit(name.charAt(0))) {
                continue;
            }
            out.add(name);
        }
        return out;
    }

    /** "alert X" / "panel Y target A" → expression. */
    static Map<String, String> queries() throws IOException {
        Map<String, String> out = new TreeMap<>();
        JsonNode rule = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(OVERLAY.resolve("prometheusrule.yaml")));
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                out.put("alert " + r.path("alert").asText(), r.path("expr").asText());
            }
        }
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(OVERLAY.resolve("clbguard-dashboard.json")));
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                out.put("panel " + panel.path("title").asText() + " " + t.path("refId").asText(), t.path("expr").asText());
            }
        }
        return out;
    }

    Map<String, Set<String>> exposedAfterActivity() {
        ReportPublisherTest.await("leadership and a first audit", () -> leadership.isLeader() && audit.report() != null);
        post("/validate", Fixtures.body("030"));   // denied by elastic-service-types
        ObjectNode reuse = Fixtures.tree("036");   // reuses a CLB: a lookup through the SDK and the emulator
        ((ObjectNode) reuse.path("request").path("object").path("metadata")).putObject("annotations")
                .put("service.kubernetes.io/tke-existed-lbid", "lb-0a1b2c3d");
        post("/validate", reuse.toString());
        client.services().inNamespace("monitoring").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .withNamespace("monitoring").endMetadata().withNewSpec().withType("LoadBalancer")
                // Handed to clbguard by class: the reconciler leaves TKE's own Services alone.
                .withLoadBalancerClass(dev.clbguard.policy.tke.Ownership.LOAD_BALANCER_CLASS).addNewPort()
                .withPort(80).endPort().endSpec().build()).create();
        client.services().inNamespace("monitoring").resource(new ServiceBuilder().withNewMetadata().withName("db")
                .withNamespace("monitoring").endMetadata().withNewSpec().withType("ClusterIP").withClusterIP("10.0.0.7")
                .addNewPort().withPort(5432).endPort().endSpec().build()).create();
        audited();
        List<Map<String, Set<String>>> last = new ArrayList<>(List.of(Map.of()));
        ReportPublisherTest.await("a reconcile pass with cloud calls", () -> {
            last.set(0, exposed());
            return last.get(0).containsKey("clbguard_reconcile_total")
                    && last.get(0).containsKey("clbguard_reconcile_cloud_calls_total");
        });
        return last.get(0);
    }

    static void post(String path, String body) {
        given().contentType("application/json").body(body).post(path).then().statusCode(200);
    }

    /** Sample name → its label names, as /q/metrics shows them. */
    static Map<String, Set<String>> exposed() {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Set<String>> out = new TreeMap<>();
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Set<String> labels = out.computeIfAbsent(name, k -> new TreeSet<>());
            if (brace >= 0 && brace < space) {
                Matcher m = label.matcher(line.substring(brace, line.lastIndexOf('}')));
                while (m.find()) {
                    labels.add(m.group(1));
                }
            }
        }
        return out;
    }
}
