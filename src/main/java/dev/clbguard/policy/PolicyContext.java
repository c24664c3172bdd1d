package dev.clbguard.policy;

import dev.clbguard.policy.clb.ClbFacts;

/** What a policy may read besides the object: the cluster, its own settings and the CLB facts it asked for. */
public record PolicyContext(ClusterProfile profile, PolicyConfig config, ClbFacts facts) {
}
