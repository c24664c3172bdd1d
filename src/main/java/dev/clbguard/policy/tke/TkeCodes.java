package dev.clbguard.policy.tke;

/** TKE's own error codes (docs/tke-rules.md §7), reused in messages so users can find TKE's documentation. */
public final class TkeCodes {

    // Service
    public static final String SVC_BAD_EXTENSIVE_PARAMETERS = "E4005";
    public static final String SVC_CLB_NOT_FOUND = "E4011";
    public static final String SVC_CLB_CREATED_BY_TKE = "E4012";
    public static final String SVC_CLB_OTHER_CLUSTER = "E4013";
    public static final String SVC_PORT_CONFLICT = "E4014";
    public static final String SVC_SHARING_NOT_ENABLED = "E4016";

    // Ingress
    public static final String ING_CLB_NOT_FOUND = "E4018";
    public static final String ING_CLB_CREATED_BY_TKE = "E4019";
    public static final String ING_CLB_OTHER_INGRESS = "E4020";
    public static final String ING_CLB_HAS_LISTENERS = "E4021";
    public static final String ING_BAD_HTTP_RULES = "E4022";
    public static final String ING_BAD_HTTPS_RULES = "E4023";
    public static final String ING_BAD_EXTENSIVE_PARAMETERS = "E4026";
    public static final String ING_CLASSIC_CLB = "E4030";
    public static final String ING_BAD_RULE_MIX = "E4044";
    public static final String ING_BAD_HOST = "E4052";
    public static final String ING_BAD_CLB_ID = "E4098";
    public static final String ING_PORT_CONFLICT = "E4101";

    /**
     * A CLB a Service names that an Ingress uses, or the other way round. TKE has no code of its own for it; E4020
     * ("CLB reuse with wrong UUID tag") is the one whose text fits: the CLB carries an owner tag not of this object.
     */
    public static final String CLB_OF_OTHER_KIND = "E4020";

    private TkeCodes() {
    }
}
