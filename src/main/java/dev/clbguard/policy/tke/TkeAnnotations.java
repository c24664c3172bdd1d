package dev.clbguard.policy.tke;

/** Every TKE annotation key clbguard reads or writes (docs/tke-rules.md §2.2, §3), in one place. */
public final class TkeAnnotations {

    // Service
    public static final String SERVICE_EXISTED_LBID = "service.kubernetes.io/tke-existed-lbid";
    public static final String SERVICE_INTERNAL_SUBNET = "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid";
    public static final String SERVICE_SHARE_EXISTED_LB = "service.kubernetes.io/qcloud-share-existed-lb";
    public static final String SERVICE_EXTENSIVE_PARAMETERS = "service.kubernetes.io/service.extensiveParameters";
    public static final String SERVICE_DIRECT_ACCESS = "service.cloud.tencent.com/direct-access";
    public static final String SERVICE_SPECIFY_PROTOCOL = "service.cloud.tencent.com/specify-protocol";
    public static final String SERVICE_MAX_BANDWIDTH_OUT = "service.kubernetes.io/qcloud-loadbalancer-internet-max-bandwidth-out";
    /**
     * service-controller v2.10.0+: "skip" makes TKE neither change nor, on delete, remove anything for the
     * Service. Set on clbguard's Services because TKE does not document whether it honours loadBalancerClass.
     */
    public static final String SERVICE_MODE = "service.cloud.tencent.com/mode";
    public static final String SERVICE_MODE_SKIP = "skip";
    /** Written by the controller (and our reconciler), never an input. */
    public static final String SERVICE_LOADBALANCE_ID = "service.kubernetes.io/loadbalance-id";

    // Ingress
    public static final String INGRESS_CLASS = "kubernetes.io/ingress.class";
    public static final String INGRESS_EXIST_LBID = "kubernetes.io/ingress.existLbId";
    public static final String INGRESS_SUBNET_ID = "kubernetes.io/ingress.subnetId";
    public static final String INGRESS_HTTP_RULES = "kubernetes.io/ingress.http-rules";
    public static final String INGRESS_HTTPS_RULES = "kubernetes.io/ingress.https-rules";
    public static final String INGRESS_RULE_MIX = "kubernetes.io/ingress.rule-mix";
    public static final String INGRESS_EXTENSIVE_PARAMETERS = "kubernetes.io/ingress.extensiveParameters";
    public static final String INGRESS_ENABLE_GROUP = "ingress.cloud.tencent.com/enable-group";
    public static final String INGRESS_LOADBALANCE_RETAIN = "ingress.cloud.tencent.com/loadbalance-retain";
    /** Written by the controller (and our reconciler), never an input. */
    public static final String INGRESS_LOADBALANCE_ID = "kubernetes.io/ingress.qcloud-loadbalance-id";

    private TkeAnnotations() {
    }
}
