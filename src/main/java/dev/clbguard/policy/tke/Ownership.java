package dev.clbguard.policy.tke;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * Which controller provisions an object's CLB. TKE's service-controller and l7-lb-controller take every
 * LoadBalancer Service without a class and every Ingress of class qcloud (or none); clbguard takes only what is
 * handed to it by name, so installing it never puts a second controller on TKE's objects.
 */
public final class Ownership {

    /** spec.loadBalancerClass of a Service whose CLB clbguard provisions. */
    public static final String LOAD_BALANCER_CLASS = "clbguard.dev/clb";
    /** Ingress class (annotation or spec.ingressClassName) whose CLB clbguard provisions. */
    public static final String INGRESS_CLASS = "clbguard";
    /** spec.controller of the shipped IngressClass "clbguard". */
    public static final String CONTROLLER = "clbguard.dev/clb";

    public enum Owner {
        /** TKE's own controllers: clbguard only validates and watches. */
        TKE,
        /** Handed to clbguard by class: it runs the CLB lifecycle. */
        CLBGUARD,
        /** Another controller's, or no CLB at all (ClusterIP, nginx Ingress, ...). */
        NONE
    }

    private Ownership() {
    }

    public static Owner of(HasMetadata obj) {
        if (obj instanceof Service svc) {
            var spec = svc.getSpec();
            if (spec == null || !"LoadBalancer".equals(spec.getType())) {
                return Owner.NONE;
            }
            String cls = spec.getLoadBalancerClass();
            if (cls == null || cls.isEmpty()) {
                return Owner.TKE;
            }
            return LOAD_BALANCER_CLASS.equals(cls) ? Owner.CLBGUARD : Owner.NONE;
        }
        if (obj instanceof Ingress) {
            String cls = IngressClasses.declared(obj);
            if (cls == null || IngressClasses.QCLOUD.equals(cls)) {
                return Owner.TKE;
            }
            return INGRESS_CLASS.equals(cls) ? Owner.CLBGUARD : Owner.NONE;
        }
        return Owner.NONE;
    }

    /** A Service whose loadBalancerClass hands it to clbguard (whatever its type). */
    public static boolean clbguardServiceClass(Service svc) {
        return svc.getSpec() != null && LOAD_BALANCER_CLASS.equals(svc.getSpec().getLoadBalancerClass());
    }
}
