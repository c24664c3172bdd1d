package dev.clbguard.reconcile;

import dev.clbguard.policy.ResourceKind;

/** What the work queue holds: kind plus namespace/name (a Service and an Ingress may share a name). */
public record ObjectKey(ResourceKind kind, String namespace, String name) {

    @Override
    public String toString() {
        return kind.kind() + " " + namespace + "/" + name;
    }
}
