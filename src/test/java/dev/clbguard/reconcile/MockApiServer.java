package dev.clbguard.reconcile;

import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A fabric8 mock API server in CRUD mode (stores, lists and watches what is written) for the app's client. */
public class MockApiServer implements QuarkusTestResourceLifecycleManager {

    static KubernetesMockServer server;

    /** The running server, for tests that look at the requests it received. */
    public static KubernetesMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        String url = server.url("/");
        return Map.of("quarkus.kubernetes-client.api-server-url", url,
                "quarkus.kubernetes-client.trust-certs", "true",
                "quarkus.kubernetes-client.namespace", "default");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
