package dev.clbguard.policy.tke;

import io.fabric8.kubernetes.api.model.Service;

/** Which Services get a CLB with TKE's semantics. */
public final class Services {

    private Services() {
    }

    /**
     * A LoadBalancer Service whose CLB is TKE's (no class) or clbguard's (its class): both read the CLB annotations
     * the same way. Other Services, and those of another loadBalancerClass, have no CLB of ours to check.
     */
    public static boolean loadBalancer(Service svc) {
        return Ownership.of(svc) != Ownership.Owner.NONE;
    }
}
