package dev.clbguard.policy.tke;

/** The CLB tags that carry ownership and lifecycle (docs/tke-rules.md §5). */
public final class TkeTags {

    public static final String CREATED_BY = "tke-createdBy-flag";
    public static final String CREATED_BY_YES = "yes";
    public static final String CLUSTER_ID = "tke-clusterId";
    public static final String INGRESS_UUID = "tke-lb-ingress-uuid";
    public static final String SERVICE_UUID = "tke-lb-serviceuuid";
    public static final String LIFECYCLE_OWNER = "tke-lifecycle-owner";
    public static final String LIFECYCLE_OWNER_USER = "user";

    private TkeTags() {
    }
}
