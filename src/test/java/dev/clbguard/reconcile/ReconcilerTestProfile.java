package dev.clbguard.reconcile;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The reconciler on, against the mock API server and the in-memory cloud, with short delays. */
public class ReconcilerTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("clbguard.reconciler.enabled", "true",
                "clbguard.reconciler.task-poll", "50ms",
                "clbguard.reconciler.retry-base", "50ms",
                "clbguard.reconciler.retry-max", "1s",
                "clbguard.reconciler.cloud-rate", "0",
                "clbguard.reconciler.lease.duration", "4s",
                "clbguard.reconciler.lease.renew-deadline", "3s",
                "clbguard.reconciler.lease.retry-period", "200ms");
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
