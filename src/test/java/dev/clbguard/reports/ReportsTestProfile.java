package dev.clbguard.reports;

import java.util.List;
import java.util.Map;

import dev.clbguard.reconcile.MockApiServer;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The leader's outputs on: reconciler (through the real SDK adapter against the CLB API emulator) and audit,
 * against the mock API server, writing both report APIs. The audit runs once when leadership is won; tests
 * run it again themselves.
 */
public class ReportsTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(Map.entry("clbguard.reconciler.enabled", "true"),
                Map.entry("clbguard.live-index.enabled", "true"),
                Map.entry("clbguard.audit.enabled", "true"),
                Map.entry("clbguard.audit.interval", "1h"),
                Map.entry("clbguard.reports.api", "both"),
                Map.entry("clbguard.reconciler.task-poll", "50ms"),
                Map.entry("clbguard.reconciler.retry-base", "50ms"),
                Map.entry("clbguard.reconciler.retry-max", "1s"),
                Map.entry("clbguard.reconciler.lease.duration", "4s"),
                Map.entry("clbguard.reconciler.lease.renew-deadline", "3s"),
                Map.entry("clbguard.reconciler.lease.retry-period", "200ms"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MockApiServer.class));
    }
}
