package dev.clbguard.config;

import dev.clbguard.policy.ClusterProfile;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** The cluster profile (docs/tke-rules.md §1): configured, never guessed. */
@ConfigMapping(prefix = "clbguard.cluster")
public interface ClusterSettings {

    /** TKE cluster id, e.g. cls-7k2m9q4p: the value of tag tke-clusterId. */
    @WithConverter(ClusterFormats.ClusterId.class)
    String id();

    /** Region of the cluster and its CLBs, e.g. ap-guangzhou. */
    @WithConverter(ClusterFormats.Region.class)
    String region();

    /** VPC of the cluster: an existing CLB must be in it. */
    @WithConverter(ClusterFormats.VpcId.class)
    String vpcId();

    /** Whether this is an elastic (serverless) cluster. */
    @WithDefault("false")
    @WithConverter(ClusterFormats.Flag.class)
    boolean elastic();

    /** Account UIN owning the CLBs, for tag resource names. */
    @WithConverter(ClusterFormats.Uin.class)
    String ownerUin();
}
