package dev.clbguard.facts;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The CLB facts cache in front of DescribeLoadBalancers / DescribeListeners. */
@ConfigMapping(prefix = "clbguard.facts")
public interface FactsSettings {

    /** How long a found CLB is trusted. */
    @WithDefault("30s")
    Duration ttl();

    /** How long "this id does not exist" is trusted (shorter: the CLB may be created any moment). */
    @WithDefault("5s")
    Duration negativeTtl();

    /** Per-admission time budget; past it the id is Unknown and the policy's onLookupFailure decides. */
    @WithDefault("1500ms")
    Duration budget();

    /** Ids asked for within this window go into one DescribeLoadBalancers call (up to 20 per call). */
    @WithDefault("5ms")
    Duration batchWindow();

    default FactsCache.Options options() {
        return new FactsCache.Options(ttl(), negativeTtl(), budget(), batchWindow());
    }
}
