package dev.clbguard.kube;

import java.util.Objects;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * fabric8's LeaseLock renews with PATCH; clbguard's RBAC grants leases get, create and update only. This lock
 * renews with an optimistic-locked UPDATE of the Lease last read (a concurrent change fails with 409, which the
 * elector treats as a failed renewal).
 */
final class UpdatingLeaseLock extends LeaseLock {

    private final String namespace;
    private final String name;
    private Lease current;

    UpdatingLeaseLock(String namespace, String name, String identity) {
        super(namespace, name, identity);
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public synchronized LeaderElectionRecord get(KubernetesClient client) {
        current = client.leases().inNamespace(namespace).withName(name).get();
        return current == null ? null : toRecord(current);
    }

    @Override
    public synchronized void update(KubernetesClient client, LeaderElectionRecord record) {
        Objects.requireNonNull(current, "the Lease must be read before it is updated");
        current = client.resource(toResource(record, getObjectMeta(current.getMetadata().getResourceVersion()))).update();
    }
}
