package dev.clbguard.live;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;

/**
 * fabric8's own item store, given the lean copy ({@link LeanObjects}) of each object instead of the object: the
 * transform runs before the store, so the informer never holds a whole object once its event is handled. Every
 * change is also told, in the informer's own order and with the stored instance, to the index built on it.
 * fabric8's ReducedStateItemStore was the other choice; it rebuilds an object through Jackson on every read, and
 * the audit and the guardian read them all each pass.
 */
final class LeanItemStore<T extends HasMetadata> extends BasicItemStore<T> {

    private final BiConsumer<T, T> onPut;
    private final Consumer<T> onRemove;

    /** {@code onPut(before, now)}: before is null for a new key. */
    LeanItemStore(BiConsumer<T, T> onPut, Consumer<T> onRemove) {
        super(CacheImpl::metaNamespaceKeyFunc);
        this.onPut = onPut;
        this.onRemove = onRemove;
    }

    @Override
    public T put(String key, T obj) {
        T lean = LeanObjects.lean(obj);
        T before = super.put(key, lean);
        onPut.accept(before, lean);
        return before;
    }

    @Override
    public T remove(String key) {
        T gone = super.remove(key);
        if (gone != null) {
            onRemove.accept(gone);
        }
        return gone;
    }
}
