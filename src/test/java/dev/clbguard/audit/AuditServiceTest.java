package dev.clbguard.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.reconcile.ReconcilerTestProfile;
import dev.clbguard.testing.IndexCatchUp;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/** The background audit against the mock API server: report, metrics and one Event per change. */
@QuarkusTest
@TestProfile(ReconcilerTestProfile.class)
class AuditServiceTest {

    @Inject
    KubernetesClient client;
    @Inject
    AuditService audit;
    @Inject
    MeterRegistry registry;
    @Inject
    LiveIndexRuntime live;

    /** The audit judges the live-object index's copies: a pass after a write waits until the index has it. */
    AuditReport auditAfterIndexed() {
        IndexCatchUp.await(client, live.index().orElseThrow());
        return audit.run();
    }

    List<Event> violationsOn(Service svc) {
        return client.v1().events().inNamespace("audit").list().getItems().stream()
                .filter(e -> "PolicyViolation".equals(e.getReason())
                        && svc.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
                .toList();
    }

    @Test
    void existingViolationsAreReportedCountedAndRecordedOncePerChange() {
        Service bad = client.services().inNamespace("audit").resource(new ServiceBuilder().withNewMetadata()
                .withName("db").withNamespace("audit").endMetadata().withNewSpec().withType("ClusterIP")
                .withClusterIP("10.0.0.5").addNewPort().withPort(5432).endPort().endSpec().build()).create();
        Service good = client.services().inNamespace("audit").resource(new ServiceBuilder().withNewMetadata()
                .withName("db-headless").withNamespace("audit").endMetadata().withNewSpec().withType("ClusterIP")
                .withClusterIP("None").addNewPort().withPort(5432).endPort().endSpec().build()).create();

        AuditReport r = auditAfterIndexed();
        List<AuditReport.Finding> mine = r.findings().stream().filter(f -> "audit".equals(f.namespace())).toList();
        assertEquals(1, mine.size(), mine.toString());
        AuditReport.Finding f = mine.get(0);
        assertEquals("elastic-service-types", f.policy());
        assertEquals("db", f.name());
        assertEquals("deny", f.effect());
        assertTrue(f.message().startsWith("elastic-service-types: Service audit/db "), f.message());
        assertEquals(1.0, registry.get("clbguard.audit.violations").tag("policy", "elastic-service-types")
                .tag("namespace", "audit").gauge().value());
        assertEquals(1, violationsOn(bad).size());
        assertTrue(violationsOn(good).isEmpty());

        auditAfterIndexed();
        assertEquals(1, violationsOn(bad).size(), "no new Event while the findings stay the same");
        given().get("/audit/report").then().statusCode(200)
                .body("findings.name", hasItem("db"))
                .body("findings.policy", hasItem("elastic-service-types"));

        client.services().inNamespace("audit").withName("db").edit(s -> {
            s.getSpec().setClusterIP("None");
            return s;
        });
        auditAfterIndexed();
        assertTrue(audit.report().findings().stream().noneMatch(x -> "audit".equals(x.namespace())));
        assertTrue(registry.find("clbguard.audit.violations").tag("namespace", "audit").gauges().isEmpty());
    }

    @Test
    void twoLiveObjectsOnOneClbAreEachReportedNamingTheOther() {
        String lb = "lb-6swtxp1x"; // the seed's free CLB for a Service (the reconciler's cloud is another, in memory)
        for (String name : List.of("pair-a", "pair-b")) {
            client.services().inNamespace("audit-claims").resource(new ServiceBuilder().withNewMetadata().withName(name)
                    .withNamespace("audit-claims").addToAnnotations("service.kubernetes.io/tke-existed-lbid", lb)
                    .endMetadata().withNewSpec().withType("LoadBalancer").addNewPort().withPort(80).endPort().endSpec()
                    .build()).create();
        }

        List<AuditReport.Finding> pair = auditAfterIndexed().findings().stream()
                .filter(f -> "audit-claims".equals(f.namespace())).toList();
        assertEquals(2, pair.size(), pair.toString());
        for (AuditReport.Finding f : pair) {
            String other = f.name().equals("pair-a") ? "pair-b" : "pair-a";
            assertEquals("service-existing-clb", f.policy());
            assertTrue(f.message().contains("Service audit-claims/" + f.name() + " cannot use " + lb + ": it is already"
                    + " named by Service audit-claims/" + other + " (not yet tagged by TKE) [E4016]"), f.message());
        }
        client.services().inNamespace("audit-claims").delete();
    }
}
