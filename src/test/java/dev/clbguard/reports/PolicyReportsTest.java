package dev.clbguard.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.Decision;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.tke.MessageCodes;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The report model without a cluster: grouping, order, summary, TKE codes, and fit to each shipped CRD. */
class PolicyReportsTest {

    static final String DENIED = "ingress-existing-clb: Ingress shop/checkout cannot use lb-ingused1: it is tagged for"
            + " another Ingress (tke-lb-ingress-uuid=5b1c) [E4020]; use a CLB of its own";

    static final List<ObjectResult> OBJECTS = List.of(
            new ObjectResult("networking.k8s.io/v1", "Ingress", "shop", "checkout", "u-2", "ingress-existing-clb",
                    Outcome.FAIL, DENIED, "E4020"),
            new ObjectResult("v1", "Service", "shop", "backend", "u-1", "elastic-service-types", Outcome.PASS, null, null),
            new ObjectResult("v1", "Service", "billing", "api", "u-3", "clb-annotations", Outcome.WARN, "a warning", null));
    static final List<ClbResult> CLBS = List.of(
            ClbResult.cluster(ClbResult.LEAKED_CLB, "lb-9x8y7z6w", "lb-9x8y7z6w is tagged for this cluster but no object owns it", null),
            new ClbResult(ClbResult.STALE_OWNER_TAG, "lb-1a2b3c4d", "shop", "Service", "backend", Outcome.FAIL,
                    "lb-1a2b3c4d names a Service uid that no longer exists", "E4013"));

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> results(Map<String, Object> content) {
        return (List<Map<String, Object>>) content.get("results");
    }

    @Test
    void oneReportPerNamespacePlusOneClusterWideSortedWithSummary() {
        var reports = PolicyReports.build(ReportApi.WGPOLICYK8S, OBJECTS, CLBS);
        assertEquals(List.of(PolicyReports.CLUSTER, new PolicyReports.Target("billing"), new PolicyReports.Target("shop")),
                List.copyOf(reports.keySet()));

        Map<String, Object> shop = reports.get(new PolicyReports.Target("shop"));
        assertEquals(List.of("ingress-existing-clb", "elastic-service-types", "stale-owner-tag"),
                results(shop).stream().map(r -> r.get("policy")).toList(), "by kind, name, policy");
        assertEquals(Map.of("pass", 1, "fail", 2, "warn", 0, "error", 0, "skip", 0), shop.get("summary"));
        Map<String, Object> denied = results(shop).get(0);
        assertEquals("fail", denied.get("result"));
        assertEquals("clbguard", denied.get("source"));
        assertEquals(DENIED, denied.get("message"));
        assertEquals(Map.of("code", "E4020"), denied.get("properties"));
        assertEquals(List.of(Map.of("apiVersion", "networking.k8s.io/v1", "kind", "Ingress", "namespace", "shop",
                "name", "checkout", "uid", "u-2")), denied.get("resources"));
        assertFalse(results(shop).get(1).containsKey("message"), "a pass has nothing to say");
        assertEquals(Map.of("clbId", "lb-1a2b3c4d", "code", "E4013"), results(shop).get(2).get("properties"));

        Map<String, Object> cluster = reports.get(PolicyReports.CLUSTER);
        Map<String, Object> leaked = results(cluster).get(0);
        assertEquals("leaked-clb", leaked.get("policy"));
        assertEquals(Map.of("clbId", "lb-9x8y7z6w"), leaked.get("properties"));
        assertFalse(leaked.containsKey("resources"), "a CLB is not a Kubernetes object");
        assertFalse(cluster.containsKey("source"), "wgpolicyk8s.io has no report-level source");
    }

    @Test
    void theSameResultsInAnyOrderMakeTheSameContent() {
        var forward = PolicyReports.build(ReportApi.OPENREPORTS, OBJECTS, CLBS);
        var backward = PolicyReports.build(ReportApi.OPENREPORTS, reversed(OBJECTS), reversed(CLBS));
        assertEquals(forward, backward, "an unchanged audit must not look like a change");
        assertEquals("clbguard", forward.get(PolicyReports.CLUSTER).get("source"), "OpenReports names the source once");
    }

    @Test
    void everyReportFitsItsCrdAndAMisplacedFieldDoesNot() {
        for (ReportApi api : ReportApi.values()) {
            PolicyReports.build(api, OBJECTS, CLBS).forEach((target, content) -> {
                boolean cluster = target.namespace() == null;
                Map<String, Object> object = object(api, target, content);
                assertEquals(Set.of(), CrdSchemas.problems(api, cluster, object), api + " " + target);
            });
            assertEquals(Set.of(), CrdSchemas.problems(api, false, object(api, new PolicyReports.Target("x"),
                    PolicyReports.empty(api))));
        }
        // The validation is strict enough to catch a field in the wrong place or a result the API does not know.
        Map<String, Object> openReport = object(ReportApi.OPENREPORTS, new PolicyReports.Target("shop"),
                PolicyReports.build(ReportApi.OPENREPORTS, OBJECTS, List.of()).get(new PolicyReports.Target("shop")));
        openReport.put("kind", "PolicyReport");
        openReport.put("apiVersion", ReportApi.WGPOLICYK8S.apiVersion());
        assertFalse(CrdSchemas.problems(ReportApi.WGPOLICYK8S, false, openReport).isEmpty(), "report-level source");
        Map<String, Object> bad = object(ReportApi.WGPOLICYK8S, new PolicyReports.Target("shop"), Map.of("results",
                List.of(Map.of("policy", "p", "result", "denied"))));
        assertFalse(CrdSchemas.problems(ReportApi.WGPOLICYK8S, false, bad).isEmpty(), "result outside the enum");
    }

    static <T> List<T> reversed(List<T> list) {
        List<T> copy = new java.util.ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    static Map<String, Object> object(ReportApi api, PolicyReports.Target target, Map<String, Object> content) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", api.apiVersion());
        o.put("kind", target.namespace() == null ? api.clusterKind : api.kind);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", PolicyReports.NAME);
        if (target.namespace() != null) {
            metadata.put("namespace", target.namespace());
        }
        o.put("metadata", metadata);
        o.putAll(content);
        return o;
    }

    @Test
    void auditDecisionsBecomeOneResultPerPolicyWithTheTkeCode() {
        var svc = new ServiceBuilder().withNewMetadata().withName("checkout").withNamespace("shop").withUid("u-9")
                .endMetadata().build();
        svc.setApiVersion("v1");
        var outcomes = new LinkedHashMap<String, Decision.Outcome>();
        outcomes.put("clb-annotations", Decision.Outcome.ALLOWED);
        outcomes.put("service-existing-clb", Decision.Outcome.DENIED);
        outcomes.put("clb-transitions", Decision.Outcome.WARNED);
        outcomes.put("elastic-service-types", Decision.Outcome.ERROR);
        Decision d = new Decision(List.of(Verdict.deny("service-existing-clb", "lb-1 is another cluster's [E4013]")),
                List.of(Verdict.warn("clb-transitions", "class changed"),
                        Verdict.warn("elastic-service-types", "internal error")), List.of(), outcomes);
        List<ObjectResult> r = AuditResults.of(svc, d);
        assertEquals(List.of(Outcome.PASS, Outcome.FAIL, Outcome.WARN, Outcome.ERROR), r.stream().map(ObjectResult::result).toList());
        assertEquals("E4013", r.get(1).code());
        assertEquals("lb-1 is another cluster's [E4013]", r.get(1).message());
        assertEquals(null, r.get(0).message());
        assertEquals("u-9", r.get(2).uid());
    }

    @Test
    void tkeCodesAreReadFromMessages() {
        assertEquals(Optional.of("E4020"), MessageCodes.of(DENIED));
        assertEquals(Optional.empty(), MessageCodes.of("no code [X4020] here"));
        assertEquals(Optional.empty(), MessageCodes.of(null));
    }

    @Test
    void settingsPickTheApis() {
        assertEquals(List.of(ReportApi.WGPOLICYK8S), ReportsSettings.Choice.wgpolicyk8s.apis());
        assertEquals(List.of(ReportApi.OPENREPORTS), ReportsSettings.Choice.openreports.apis());
        assertEquals(List.of(ReportApi.WGPOLICYK8S, ReportApi.OPENREPORTS), ReportsSettings.Choice.both.apis());
        assertTrue(CrdSchemas.file(ReportApi.OPENREPORTS, true).toFile().isFile());
    }
}
