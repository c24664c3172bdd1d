package dev.clbguard.reports;

import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.testing.IndexCatchUp;
import dev.clbguard.testing.AtRest;
import dev.clbguard.audit.AuditReport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.clbguard.audit.AuditService;
import dev.clbguard.kube.Leadership;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * PolicyReports against the mock API server (CRUD mode): a missing CRD tolerated and noticed once, then
 * reports created, updated in place, left alone when unchanged, emptied of deleted objects; CLB-level findings
 * in the cluster-wide report; each API; every written object checked against its shipped CRD.
 */
@QuarkusTest
@TestProfile(ReportsTestProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportPublisherTest {

    static final String NS = "reports-a";

    @Inject
    KubernetesClient client;
    @Inject
    AuditService audit;
    @Inject
    LiveIndexRuntime live;

    /** The audit judges the live-object index's copies: a pass after a write waits until the index has it. */
    AuditReport audited() {
        IndexCatchUp.await(client, live.index().orElseThrow());
        return audit.run();
    }
    @Inject
    ReportPublisher publisher;
    @Inject
    Leadership leadership;
    @Inject
    MeterRegistry registry;

    @BeforeEach
    void leaderWithAFirstAudit() {
        await("leadership and a first audit", () -> leadership.isLeader() && audit.report() != null);
    }

    @Test
    @Order(1)
    void aMissingCrdIsLoggedOnceAndTheOtherOutputsGoOn() {
        List<String> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String m = r.getMessage() == null ? "" : String.format(r.getMessage().replace("%d", "%s"),
                        r.getParameters() == null ? new Object[0] : r.getParameters());
                if (m.contains("is not served")) {
                    warnings.add(m);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        service("orphan-check", "10.0.0.9");
        try {
            // Not installed (the mock API server serves no report API yet): nothing written, the audit goes on.
            assertEquals(ReportPublisher.NOTHING, publisher.publish(objects(), clbs()));
            assertTrue(audited().findings().stream().anyMatch(f -> "orphan-check".equals(f.name())),
                    "the audit report goes on without the CRDs");
            for (ReportApi api : ReportApi.values()) {
                assertTrue(client.genericKubernetesResources(api.namespaced()).inAnyNamespace().list().getItems().isEmpty());
            }
            // Installed, then removed again: said once per API, however many passes follow.
            installCrds();
            assertEquals(4, publisher.publish(objects(), clbs()).created(), "a report and a cluster report per API");
            client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                    .filter(c -> c.getSpec().getGroup().equals(ReportApi.WGPOLICYK8S.group)
                            || c.getSpec().getGroup().equals(ReportApi.OPENREPORTS.group))
                    .forEach(c -> client.apiextensions().v1().customResourceDefinitions().resource(c).delete());
            await("report APIs no longer served", () -> client.getApiResources(ReportApi.WGPOLICYK8S.apiVersion()) == null
                    || client.getApiResources(ReportApi.WGPOLICYK8S.apiVersion()).getResources().isEmpty());
            java.util.logging.Logger log = java.util.logging.Logger.getLogger(ReportPublisher.class.getName());
            log.addHandler(capture);
            try {
                assertEquals(ReportPublisher.NOTHING, publisher.publish(objects(), clbs()));
                audited();
                assertEquals(ReportPublisher.NOTHING, publisher.publish(objects(), clbs()));
            } finally {
                log.removeHandler(capture);
            }
        } finally {
            client.services().inNamespace(NS).withName("orphan-check").delete();
        }
        assertEquals(2, warnings.size(), "once per API, not once per pass: " + warnings);
        assertTrue(warnings.get(0).contains("kubectl apply -k webhook-config/overlays/policy-reports"), warnings.get(0));
    }

    @Test
    @Order(2)
    void auditResultsAreCreatedPatchedInPlaceLeftAloneAndEmptied() throws IOException {
        installCrds();
        service("db", "10.0.0.5");         // elastic cluster: a ClusterIP that is not headless fails
        service("db-headless", "None");    // passes
        audited();

        for (ReportApi api : ReportApi.values()) {
            GenericKubernetesResource r = report(api, NS);
            assertNotNull(r, api + " report in " + NS);
            assertEquals(Set.of(), CrdSchemas.problems(api, false, r), api + " report fits its CRD");
            assertEquals("clbguard", r.getMetadata().getLabels().get(PolicyReports.MANAGED_BY));
            Map<String, Object> db = result(r, "db", "elastic-service-types");
            assertEquals("fail", db.get("result"));
            assertEquals("clbguard", db.get("source"));
            // The result names policy and object in fields of their own: the message is the cause alone.
            String message = (String) db.get("message");
            assertTrue(message.contains("spec.clusterIP") && !message.contains("elastic-service-types")
                    && !message.contains("reports-a/db"), message);
            assertEquals("pass", result(r, "db-headless", "elastic-service-types").get("result"));
            assertEquals(1, summary(r).get("fail"));
            assertEquals(api.reportSource ? "clbguard" : null, r.getAdditionalProperties().get("source"));
        }

        // Unchanged: nothing is written.
        String version = report(ReportApi.WGPOLICYK8S, NS).getMetadata().getResourceVersion();
        double writes = writes();
        audited();
        assertEquals(version, report(ReportApi.WGPOLICYK8S, NS).getMetadata().getResourceVersion());
        assertEquals(writes, writes(), "an unchanged audit writes no report");
        IndexCatchUp.await(client, live.index().orElseThrow());
        AtRest.drain(dev.clbguard.reconcile.MockApiServer.server());
        audit.run();
        assertEquals(List.of(), AtRest.drain(dev.clbguard.reconcile.MockApiServer.server()),
                "and reads nothing back: the same results as the last pass are compared in memory");

        // Changed: patched in place, the same object.
        String uid = report(ReportApi.WGPOLICYK8S, NS).getMetadata().getUid();
        client.services().inNamespace(NS).withName("db").edit(s -> {
            s.getSpec().setClusterIP("None");
            return s;
        });
        audited();
        GenericKubernetesResource patched = report(ReportApi.WGPOLICYK8S, NS);
        assertEquals(uid, patched.getMetadata().getUid(), "updated in place, never deleted and recreated");
        assertNotEquals(version, patched.getMetadata().getResourceVersion());
        assertEquals("pass", result(patched, "db", "elastic-service-types").get("result"));
        assertEquals(0, summary(patched).get("fail"));

        // Deleted objects: their results disappear; a report without results stays, empty.
        client.services().inNamespace(NS).withName("db-headless").delete();
        audited();
        assertNull(find(report(ReportApi.OPENREPORTS, NS), "db-headless", "elastic-service-types"));
        assertNotNull(find(report(ReportApi.OPENREPORTS, NS), "db", "elastic-service-types"));
        client.services().inNamespace(NS).withName("db").delete();
        audited();
        for (ReportApi api : ReportApi.values()) {
            GenericKubernetesResource empty = report(api, NS);
            assertEquals(List.of(), empty.getAdditionalProperties().get("results"), api.toString());
            assertEquals(Map.of("pass", 0, "fail", 0, "warn", 0, "error", 0, "skip", 0), summary(empty));
            assertEquals(Set.of(), CrdSchemas.problems(api, false, empty));
        }
        assertEquals(uid, report(ReportApi.WGPOLICYK8S, NS).getMetadata().getUid());
    }

    @Test
    @Order(3)
    void clbFindingsGoToTheClusterWideReportAndTheFindingsGauge() {
        installCrds();
        publisher.publishClbs(clbs());
        for (ReportApi api : ReportApi.values()) {
            GenericKubernetesResource r = clusterReport(api);
            assertNotNull(r, api.clusterKind);
            assertEquals(Set.of(), CrdSchemas.problems(api, true, r), api + " cluster report fits its CRD");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> results = (List<Map<String, Object>>) r.getAdditionalProperties().get("results");
            assertEquals(List.of("leaked-clb", "unowned-clb"), results.stream().map(x -> x.get("policy")).toList());
            assertEquals(Map.of("clbId", "lb-9x8y7z6w"), results.get(0).get("properties"));
            assertEquals("fail", results.get(0).get("result"));
        }
        assertEquals(1.0, registry.get("clbguard.findings").tag("kind", "leaked-clb").gauge().value());
        assertEquals(0.0, registry.get("clbguard.findings").tag("kind", "stale-owner-tag").gauge().value());

        // The audit publishing its part keeps the sweep's part.
        audited();
        assertEquals(2, ((List<?>) clusterReport(ReportApi.WGPOLICYK8S).getAdditionalProperties().get("results")).size());

        String uid = clusterReport(ReportApi.OPENREPORTS).getMetadata().getUid();
        publisher.publishClbs(List.of());
        assertEquals(List.of(), clusterReport(ReportApi.OPENREPORTS).getAdditionalProperties().get("results"));
        assertEquals(uid, clusterReport(ReportApi.OPENREPORTS).getMetadata().getUid());
        assertEquals(0.0, registry.get("clbguard.findings").tag("kind", "leaked-clb").gauge().value());
    }

    @Test
    @Order(4)
    void oneApiAloneWritesOnlyItsOwnReports() {
        installCrds();
        String ns = "reports-b";
        ObjectResult r = new ObjectResult("v1", "Service", ns, "web", "u-web", "clb-annotations", Outcome.PASS, null, null);
        ReportPublisher.Writes w = publisher.publish(List.of(r), null, List.of(ReportApi.OPENREPORTS));
        assertEquals(1, w.created());
        assertNotNull(report(ReportApi.OPENREPORTS, ns));
        assertNull(report(ReportApi.WGPOLICYK8S, ns));
        assertEquals(0, publisher.publish(List.of(r), null, List.of(ReportApi.OPENREPORTS)).created());
    }

    static List<ObjectResult> objects() {
        return List.of(new ObjectResult("v1", "Service", NS, "x", "u-x", "clb-annotations", Outcome.PASS, null, null));
    }

    static List<ClbResult> clbs() {
        return List.of(ClbResult.cluster(ClbResult.LEAKED_CLB, "lb-9x8y7z6w", "lb-9x8y7z6w is tagged for cluster"
                + " cls-7k2m9q4p but no Service or Ingress owns it", null),
                ClbResult.cluster(ClbResult.UNOWNED_CLB, "lb-0q1w2e3r", "lb-0q1w2e3r has no owner tag", null));
    }

    void service(String name, String clusterIp) {
        client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName(name)
                .withNamespace(NS).endMetadata().withNewSpec().withType("ClusterIP").withClusterIP(clusterIp)
                .addNewPort().withPort(5432).endPort().endSpec().build()).create();
    }

    void installCrds() {
        for (ReportApi api : ReportApi.values()) {
            for (boolean cluster : List.of(false, true)) {
                try (InputStream in = Files.newInputStream(CrdSchemas.file(api, cluster))) {
                    CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in,
                            CustomResourceDefinition.class);
                    client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(c -> c.update());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    GenericKubernetesResource report(ReportApi api, String ns) {
        return client.genericKubernetesResources(api.namespaced()).inNamespace(ns).withName(PolicyReports.NAME).get();
    }

    GenericKubernetesResource clusterReport(ReportApi api) {
        return client.genericKubernetesResources(api.cluster()).withName(PolicyReports.NAME).get();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> find(GenericKubernetesResource r, String name, String policy) {
        for (Map<String, Object> x : (List<Map<String, Object>>) r.getAdditionalProperties().get("results")) {
            List<Map<String, Object>> refs = (List<Map<String, Object>>) x.get("resources");
            if (policy.equals(x.get("policy")) && refs != null && name.equals(refs.get(0).get("name"))) {
                return x;
            }
        }
        return null;
    }

    static Map<String, Object> result(GenericKubernetesResource r, String name, String policy) {
        Map<String, Object> x = find(r, name, policy);
        assertNotNull(x, policy + " result for " + name + " in " + r.getAdditionalProperties().get("results"));
        return x;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(GenericKubernetesResource r) {
        return (Map<String, Object>) r.getAdditionalProperties().get("summary");
    }

    double writes() {
        return registry.find("clbguard.reports.writes").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
