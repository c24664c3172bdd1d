package dev.clbguard.kube;

import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.clbguard.policy.clb.Holder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The claim Leases ({@link ClaimLease}) through the API server, as compare-and-swap steps: a create that fails
 * when the Lease exists, an update and a delete that fail when it changed since it was read. Losing a race is an
 * empty answer; any other refusal or failure throws {@link KubernetesClientException}. Plain Java, so tests and
 * benchmarks build it directly.
 */
public final class ClaimLeases {

    private final KubernetesClient client;
    private final String namespace;
    private final Duration window;

    public ClaimLeases(KubernetesClient client, String namespace, Duration window) {
        this.client = client;
        this.namespace = namespace;
        this.window = window;
    }

    public String namespace() {
        return namespace;
    }

    /** The claim Lease of {@code clbId} as stored now, if there is one. */
    public Optional<Lease> read(String clbId) {
        return Optional.ofNullable(client.leases().inNamespace(namespace).withName(ClaimLease.name(clbId)).get());
    }

    /** Creates the Lease of {@code clbId} with {@code holders}; empty when it exists already. */
    public Optional<Lease> create(String clbId, List<Holder> holders) {
        try {
            return Optional.of(client.resource(ClaimLease.of(namespace, clbId, holders, window, null)).create());
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Writes {@code holders} over the Lease {@code read} (its resourceVersion); empty when it changed or went since. */
    public Optional<Lease> replace(Lease read, List<Holder> holders) {
        try {
            return Optional.of(client.resource(ClaimLease.of(namespace, ClaimLease.clbId(read), holders, window,
                    read.getMetadata().getResourceVersion())).update());
        } catch (KubernetesClientException e) {
            if (lostRace(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Deletes the Lease {@code read} unless it changed since (a precondition on its resourceVersion). */
    public boolean delete(Lease read) {
        try {
            client.leases().inNamespace(namespace).withName(read.getMetadata().getName())
                    .lockResourceVersion(read.getMetadata().getResourceVersion()).delete();
            return true;
        } catch (KubernetesClientException e) {
            if (lostRace(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * An informer, not started, on every claim Lease of the namespace: listed once, then watched (no resync). What
     * the leader sweeps.
     */
    public SharedIndexInformer<Lease> informer() {
        return client.leases().inNamespace(namespace).withLabel(ClaimLease.LABEL).runnableInformer(0);
    }

    private static boolean lostRace(KubernetesClientException e) {
        return e.getCode() == HttpURLConnection.HTTP_CONFLICT || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND;
    }
}
