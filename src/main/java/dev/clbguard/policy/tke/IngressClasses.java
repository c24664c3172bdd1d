package dev.clbguard.policy.tke;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/** Which controller an Ingress belongs to (docs/tke-rules.md §3): absent or qcloud means TKE's. */
public final class IngressClasses {

    public static final String QCLOUD = "qcloud";

    private IngressClasses() {
    }

    /** The class named by the annotation or, failing that, the field; null when neither is set. */
    public static String declared(HasMetadata obj) {
        String annotation = Meta.annotation(obj, TkeAnnotations.INGRESS_CLASS);
        if (annotation != null && !annotation.isEmpty()) {
            return annotation;
        }
        if (obj instanceof Ingress ing && ing.getSpec() != null) {
            String field = ing.getSpec().getIngressClassName();
            if (field != null && !field.isEmpty()) {
                return field;
            }
        }
        return null;
    }

    /** Whether TKE's l7-lb-controller provisions this Ingress's CLB. */
    public static boolean managedByTke(HasMetadata obj) {
        String c = declared(obj);
        return c == null || QCLOUD.equals(c);
    }

    /**
     * Whether the Ingress gets a CLB with TKE's semantics: TKE's own (qcloud or none) or clbguard's class, which
     * the admission policies judge exactly alike. Other classes (nginx, ...) are not CLB Ingresses.
     */
    public static boolean clbBacked(HasMetadata obj) {
        return managedByTke(obj) || Ownership.INGRESS_CLASS.equals(declared(obj));
    }
}
