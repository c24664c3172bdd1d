package dev.clbguard.policy;

/** The facts about the cluster that policies compare objects and CLBs against (docs/tke-rules.md §1). */
public record ClusterProfile(String clusterId, String region, String vpcId, boolean elastic, String ownerUin,
        String defaultIngressClass) {
}
