package dev.clbguard.live;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Owners;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A read-only index of the live Services and Ingresses of this cluster by uid, fed by informers (list and watch
 * only). Admission asks it who a CLB's ownership tag names and which live objects name a CLB (their claims, which
 * TKE tags seconds later and for the first only); the guardian asks it whether an owner still exists.
 * Plain Java, so tests and benchmarks build it directly; {@link LiveIndexRuntime} runs one per replica where
 * there is an API server.
 */
public final class LiveIndex implements AutoCloseable {

    /** How a live object's claim is described: TKE may not have written the owner tag yet. */
    public static final String NOT_TAGGED = "not yet tagged by TKE";

    /** One live object: its kind and name, and the object itself as last seen (for Events about it). */
    public record Entry(ResourceKind kind, String namespace, String name, String uid, HasMetadata object) {

        /** "Ingress shop/checkout". */
        public String describe() {
            return kind.kind() + " " + namespace + "/" + name;
        }
    }

    /** What the informer just saw of an object: the CLB it names (null: none), or that it is gone. */
    public record Seen(Owners.Name object, String uid, String clbId, boolean gone) {
    }

    private final KubernetesClient client;
    private final Map<String, Entry> byUid = new ConcurrentHashMap<>();
    /** CLB id → uid → the claim of the live object naming it: what TKE may not have tagged yet. */
    private final Map<String, Map<String, Claim>> claimsByClb = new ConcurrentHashMap<>();
    private final List<Consumer<Seen>> listeners = new CopyOnWriteArrayList<>();
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

    /** The live objects naming {@code clbId} (tke-existed-lbid, existLbId). */
    public List<Claim> claims(String clbId) {
        Map<String, Claim> m = claimsByClb.get(clbId);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    /** Told of every add, update and delete after it is applied to the index. */
    public void onSeen(Consumer<Seen> listener) {
        listeners.add(listener);
    }

    public Collection<Entry> all() {
        return List.copyOf(byUid.values());
    }

    @Override
    public synchronized void close() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        byUid.clear();
        claimsByClb.clear();
    }

    private void unclaim(Entry e) {
        Optional<Claim> old = e == null ? Optional.empty() : Claim.of(e.object(), NOT_TAGGED);
        old.ifPresent(c -> claimsByClb.computeIfPresent(c.clbId(), (k, m) -> {
            m.remove(c.uid());
            return m.isEmpty() ? null : m;
        }));
    }

    private void tell(Seen seen) {
        listeners.forEach(l -> l.accept(seen));
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
                var m = obj.getMetadata();
                if (m.getUid() != null) {
                    Entry gone = byUid.remove(m.getUid());
                    unclaim(gone);
                }
                tell(new Seen(new Owners.Name(kind.kind(), m.getNamespace(), m.getName()), m.getUid(), null, true));
            }

            private void put(T obj) {
                var m = obj.getMetadata();
                if (m.getUid() == null) {
                    return;
                }
                Entry before = byUid.put(m.getUid(), new Entry(kind, m.getNamespace(), m.getName(), m.getUid(), obj));
                unclaim(before);
                Optional<Claim> claim = Claim.of(obj, NOT_TAGGED);
                claim.ifPresent(c -> claimsByClb.computeIfAbsent(c.clbId(), k -> new ConcurrentHashMap<>()).put(c.uid(), c));
                tell(new Seen(new Owners.Name(kind.kind(), m.getNamespace(), m.getName()), m.getUid(),
                        claim.map(Claim::clbId).orElse(null), false));
            }
        };
    }
}
