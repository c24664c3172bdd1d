package dev.clbguard.reconcile;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The reconciler and the audit on, against the mock API server and the in-memory cloud, with short delays. */
public class ReconcilerTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(Map.entry("clbguard.reconciler.enabled", "true"),
                Map.entry("clbguard.audit.enabled", "true"),
                Map.entry("clbguard.live-index.enabled", "true"),
                Map.entry("clbguard.reconciler.sweep-interval", "300ms"),
                Map.entry("clbguard.audit.interval", "1h"),
                Map.entry("clbguard.reconciler.task-poll", "50ms"),
                Map.entry("clbguard.reconciler.retry-base", "50ms"),
                Map.entry("clbguard.reconciler.retry-max", "1s"),
                Map.entry("clbguard.reconciler.cloud-rate", "0"),
                Map.entry("clbguard.reconciler.lease.duration", "4s"),
                Map.entry("clbguard.reconciler.lease.renew-deadline", "3s"),
                Map.entry("clbguard.reconciler.lease.retry-period", "200ms"));
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(FakeCloud.class);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MockApiServer.class));
    }
}
