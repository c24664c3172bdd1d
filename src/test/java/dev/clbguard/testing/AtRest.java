package dev.clbguard.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/** The requests a mock API server received, but for what runs at rest: the leader's Lease renewals and the watches. */
public final class AtRest {

    private AtRest() {
    }

    /**
     * The requests received since the last drain, but the leader's own Lease renewals and the informers' watches
     * (reopened whenever one ends). A call's requests are all in by the time it returns, so a short wait for more is
     * enough (the renewals never leave a long one).
     */
    public static List<String> drain(KubernetesMockServer server) {
        List<String> out = new ArrayList<>();
        try {
            for (RecordedRequest r; (r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null;) {
                if (!r.getPath().contains("/leases/clbguard-leader") && !r.getPath().contains("watch=true")) {
                    out.add(r.getMethod() + " " + r.getPath());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
