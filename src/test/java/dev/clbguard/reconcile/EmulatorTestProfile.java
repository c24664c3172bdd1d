package dev.clbguard.reconcile;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The reconciler on, against the mock API server and the CLB API emulator through the real SDK adapter. */
public class EmulatorTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("clbguard.reconciler.enabled", "true",
                "clbguard.live-index.enabled", "true",
                "clbguard.reconciler.task-poll", "50ms",
                "clbguard.reconciler.retry-base", "50ms",
                "clbguard.reconciler.retry-max", "1s",
                "clbguard.reconciler.lease.duration", "4s",
                "clbguard.reconciler.lease.renew-deadline", "3s",
                "clbguard.reconciler.lease.retry-period", "200ms");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MockApiServer.class));
    }
}
