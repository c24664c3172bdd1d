package dev.clbguard.live;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Owners;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The one cache of this replica's Services and Ingresses: an informer per kind (list in pages, then watch), whose
 * store keeps each object's lean copy ({@link LeanObjects}), and an index on it by uid and by the CLB each object
 * names. Admission asks who a CLB's ownership tag names and which live objects name a CLB (their claims, which
 * TKE tags seconds later and for the first only); the guardian and the audit read every object from it; the
 * reconciler takes its events and reads one object from it ({@link #cached}), and the whole object from the API
 * server only before it writes. Nothing here lists the API server on a timer.
 * Plain Java, so tests and benchmarks build it directly; {@link LiveIndexRuntime} runs one per replica where
 * there is an API server.
 */
public final class LiveIndex implements AutoCloseable {

    /** How a live object's claim is described: TKE may not have written the owner tag yet. */
    public static final String NOT_TAGGED = "not yet tagged by TKE";

    /** Objects per page of the informers' list: a list of the whole cluster at once would not fit the heap. */
    static final long LIST_PAGE = 500;

    private static final Logger LOG = Logger.getLogger(LiveIndex.class);

    /** One live object: its kind and its lean copy as last seen (what the policies read, and enough for Events). */
    public record Entry(ResourceKind kind, HasMetadata object) {

        public String namespace() {
            return object.getMetadata().getNamespace();
        }

        public String name() {
            return object.getMetadata().getName();
        }

        public String uid() {
            return object.getMetadata().getUid();
        }

        /** "Ingress shop/checkout". */
        public String describe() {
            return kind.kind() + " " + namespace() + "/" + name();
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
    private final Map<ResourceKind, SharedIndexInformer<? extends HasMetadata>> informers = new EnumMap<>(ResourceKind.class);

    public LiveIndex(KubernetesClient client) {
        this.client = client;
    }

    /** Lists both kinds (returns once both first lists are in) and watches them. */
    public synchronized LiveIndex start() {
        if (informers.isEmpty()) {
            long begin = System.nanoTime();
            SharedIndexInformer<Service> services = client.services().inAnyNamespace().withLimit(LIST_PAGE)
                    .runnableInformer(0);
            SharedIndexInformer<Ingress> ingresses = client.network().v1().ingresses().inAnyNamespace()
                    .withLimit(LIST_PAGE).runnableInformer(0);
            informers.put(ResourceKind.SERVICE, prepare(services, ResourceKind.SERVICE));
            informers.put(ResourceKind.INGRESS, prepare(ingresses, ResourceKind.INGRESS));
            services.run();
            ingresses.run();
            LOG.infof("live-object index synced: %d Services and Ingresses in %d ms (lean copies, pages of %d)",
                    byUid.size(), (System.nanoTime() - begin) / 1_000_000, LIST_PAGE);
        }
        return this;
    }

    private <T extends HasMetadata> SharedIndexInformer<T> prepare(SharedIndexInformer<T> informer, ResourceKind kind) {
        return informer.removeNamespaceIndex().itemStore(new LeanItemStore<T>((before, now) -> put(kind, before, now),
                gone -> remove(kind, gone)));
    }

    /** Both informers have listed once: until then an absent uid proves nothing. */
    public boolean synced() {
        List<SharedIndexInformer<? extends HasMetadata>> now;
        synchronized (this) {
            now = List.copyOf(informers.values());
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

    /** The lean copy of one object as last seen, or null: read-only, never a base for a write. */
    public HasMetadata cached(ResourceKind kind, String namespace, String name) {
        SharedIndexInformer<? extends HasMetadata> informer;
        synchronized (this) {
            informer = informers.get(kind);
        }
        return informer == null ? null : informer.getStore().getByKey(namespace + "/" + name);
    }

    /**
     * Adds a handler to one kind's informer: it is told of every object already cached (as adds), then of every
     * change. The objects it is given may be whole (a watch event) or lean (the cache): it reads only what the
     * lean copy keeps.
     */
    public synchronized void addHandler(ResourceKind kind, ResourceEventHandler<HasMetadata> handler) {
        informers.get(kind).addEventHandler(handler);
    }

    public synchronized void removeHandler(ResourceKind kind, ResourceEventHandler<HasMetadata> handler) {
        SharedIndexInformer<? extends HasMetadata> informer = informers.get(kind);
        if (informer != null) {
            informer.removeEventHandler(handler);
        }
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
        informers.values().forEach(SharedIndexInformer::close);
        informers.clear();
        byUid.clear();
        claimsByClb.clear();
    }

    private void unclaim(HasMetadata before) {
        Optional<Claim> old = before == null ? Optional.empty() : Claim.of(before, NOT_TAGGED);
        old.ifPresent(c -> claimsByClb.computeIfPresent(c.clbId(), (k, m) -> {
            m.remove(c.uid());
            return m.isEmpty() ? null : m;
        }));
    }

    private void tell(Seen seen) {
        listeners.forEach(l -> l.accept(seen));
    }

    private void put(ResourceKind kind, HasMetadata before, HasMetadata now) {
        var m = now.getMetadata();
        if (before != null && before.getMetadata().getUid() != null && !before.getMetadata().getUid().equals(m.getUid())) {
            byUid.remove(before.getMetadata().getUid()); // deleted and created again under the same name
        }
        unclaim(before);
        if (m.getUid() == null) {
            return;
        }
        Entry replaced = byUid.put(m.getUid(), new Entry(kind, now));
        if (replaced != null && replaced.object() != before) {
            unclaim(replaced.object());
        }
        Optional<Claim> claim = Claim.of(now, NOT_TAGGED);
        claim.ifPresent(c -> claimsByClb.computeIfAbsent(c.clbId(), k -> new ConcurrentHashMap<>()).put(c.uid(), c));
        tell(new Seen(new Owners.Name(kind.kind(), m.getNamespace(), m.getName()), m.getUid(),
                claim.map(Claim::clbId).orElse(null), false));
    }

    private void remove(ResourceKind kind, HasMetadata gone) {
        var m = gone.getMetadata();
        if (m.getUid() != null) {
            Entry e = byUid.remove(m.getUid());
            unclaim(e == null ? gone : e.object());
        }
        tell(new Seen(new Owners.Name(kind.kind(), m.getNamespace(), m.getName()), m.getUid(), null, true));
    }
}
