package dev.clbguard.config;

import dev.clbguard.policy.ClusterProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Turns settings into the pure {@link ClusterProfile} that policies read. */
@ApplicationScoped
public class ClusterProfileProducer {

    @Produces
    @Singleton
    ClusterProfile clusterProfile(ClusterSettings cluster, IngressSettings ingress) {
        return new ClusterProfile(cluster.id(), cluster.region(), cluster.vpcId(), cluster.elastic(), cluster.ownerUin(),
                ingress.defaultClass());
    }
}
