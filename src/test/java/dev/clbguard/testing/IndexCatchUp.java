package dev.clbguard.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.clbguard.live.LiveIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Waits until a live-object index holds exactly what the API server stores: uid and resourceVersion of each. */
public final class IndexCatchUp {

    private IndexCatchUp() {
    }

    public static void await(KubernetesClient client, LiveIndex index) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Map<String, String> stored = Map.of();
        Map<String, String> cached = Map.of();
        while (System.nanoTime() < deadline) {
            stored = versions(client);
            cached = new HashMap<>();
            for (LiveIndex.Entry e : index.all()) {
                cached.put(e.uid(), e.object().getMetadata().getResourceVersion());
            }
            if (index.synced() && stored.equals(cached)) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the live-object index never caught up: stored " + stored + ", cached " + cached);
    }

    private static Map<String, String> versions(KubernetesClient client) {
        Map<String, String> out = new HashMap<>();
        for (HasMetadata o : client.services().inAnyNamespace().list().getItems()) {
            out.put(o.getMetadata().getUid(), o.getMetadata().getResourceVersion());
        }
        for (HasMetadata o : client.network().v1().ingresses().inAnyNamespace().list().getItems()) {
            out.put(o.getMetadata().getUid(), o.getMetadata().getResourceVersion());
        }
        return out;
    }
}
