package dev.clbguard.live;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.clbguard.policy.ResourceKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A read-only index of the live Services and Ingresses of this cluster by uid, fed by informers (list and watch
 * only). Admission asks it who a CLB's ownership tag names; the guardian asks it whether an owner still exists.
 * Plain Java, so tests and benchmarks build it directly; {@link LiveIndexRuntime} runs one per replica where
 * there is an API server.
 */
public final class LiveIndex implements AutoCloseable {

    /** One live object: its kind and name, and the object itself as last seen (for Events about it). */
    public record Entry(ResourceKind kind, String namespace, String name, String uid, HasMetadata object) {

        /** "Ingress shop/checkout". */
        public String describe() {
            return kind.kind() + " " + namespace + "/" + name;
        }
    }

    private final KubernetesClient client;
    private final Map<String, Entry> byUid = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    public LiveIndex(KubernetesClient client) {
        this.client = client;
    }

    public synchronized LiveIndex start() {
        if (informers.isEmpty()) {
            informers.add(client.services().inAnyNamespace().inform(handler(ResourceKind.SERVICE), 0));
            informers.add(client.network().v1().ingresses().inAnyNamespace().inform(handler(ResourceKind.INGRESS), 0));
        }
        return this;
    }

    /** Both informers have listed once: until then an absent uid proves nothing. */
    public boolean synced() {
        List<SharedIndexInformer<?>> now;
        synchronized (this) {
            now = List.copyOf(informers);
        }
        return !now.isEmpty() && now.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    public int size() {
        return byUid.size();
    }

    public Optional<Entry> owner(String uid) {
        return uid == null ? Optional.empty() : Optional.ofNullable(byUid.get(uid));
    }

    public Collection<Entry> all() {
        return List.copyOf(byUid.values());
    }

    @Override
    public synchronized void close() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        byUid.clear();
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler(ResourceKind kind) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                put(obj);
            }

            @Override
            public void onUpdate(T old, T obj) {
                put(obj);
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                if (obj.getMetadata().getUid() != null) {
                    byUid.remove(obj.getMetadata().getUid());
                }
            }

            private void put(T obj) {
                var m = obj.getMetadata();
                if (m.getUid() != null) {
                    byUid.put(m.getUid(), new Entry(kind, m.getNamespace(), m.getName(), m.getUid(), obj));
                }
            }
        };
    }
}
