package dev.clbguard.reports;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The two report APIs clbguard writes: the policy working group's {@code wgpolicyk8s.io/v1alpha2} and its
 * successor {@code openreports.io/v1alpha1}. Same results and summary; OpenReports also names the source
 * once per report, where wgpolicyk8s only has it per result.
 */
public enum ReportApi {
    WGPOLICYK8S("wgpolicyk8s.io", "v1alpha2", "PolicyReport", "policyreports", "ClusterPolicyReport",
            "clusterpolicyreports", false),
    OPENREPORTS("openreports.io", "v1alpha1", "Report", "reports", "ClusterReport", "clusterreports", true);

    public final String group;
    public final String version;
    public final String kind;
    public final String plural;
    public final String clusterKind;
    public final String clusterPlural;
    /** Whether the report itself has a {@code source} field (OpenReports) or only its results do. */
    public final boolean reportSource;

    ReportApi(String group, String version, String kind, String plural, String clusterKind, String clusterPlural,
            boolean reportSource) {
        this.group = group;
        this.version = version;
        this.kind = kind;
        this.plural = plural;
        this.clusterKind = clusterKind;
        this.clusterPlural = clusterPlural;
        this.reportSource = reportSource;
    }

    public String apiVersion() {
        return group + "/" + version;
    }

    ResourceDefinitionContext namespaced() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    ResourceDefinitionContext cluster() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(clusterKind)
                .withPlural(clusterPlural).withNamespaced(false).build();
    }
}
