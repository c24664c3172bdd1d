package dev.clbguard.policy.tke;

import io.fabric8.kubernetes.api.model.Service;

/** Which Services TKE's service controller gives a CLB. */
public final class Services {

    private Services() {
    }

    /** Only a LoadBalancer Service has a CLB; TKE ignores the CLB annotations of the others. */
    public static boolean loadBalancer(Service svc) {
        return svc.getSpec() != null && "LoadBalancer".equals(svc.getSpec().getType());
    }
}
