package dev.clbguard.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.clbguard.reconcile.Leadership;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A replica that does not lead writes no report (it has no API client here: any call would fail) but keeps its gauge. */
class FollowerPublisherTest {

    @Test
    void aFollowerWritesNothingButCountsFindings() {
        ReportPublisher p = new ReportPublisher();
        p.leadership = new Leadership(); // never joined: not the leader
        p.settings = () -> ReportsSettings.Choice.both;
        p.registry = new SimpleMeterRegistry();
        p.client = null;
        p.onStart(null);

        assertEquals(ReportPublisher.NOTHING, p.publish(PolicyReportsTest.OBJECTS, PolicyReportsTest.CLBS));
        assertEquals(1.0, p.registry.get("clbguard.findings").tag("kind", "leaked-clb").gauge().value());
        assertEquals(0.0, p.registry.get("clbguard.findings").tag("kind", "not-converged").gauge().value());
        assertEquals(ReportPublisher.NOTHING, p.publishClbs(List.of()));
        assertEquals(0.0, p.registry.get("clbguard.findings").tag("kind", "leaked-clb").gauge().value());
    }
}
