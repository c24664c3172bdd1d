package dev.clbguard.kube;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Lease that elects the one replica doing background work (reconciler, audit). */
@ConfigMapping(prefix = "clbguard.reconciler.lease")
public interface LeaseSettings {

    @WithDefault("clbguard-leader")
    String name();

    /** Namespace of the Lease; defaults to clbguard's own (clbguard.webhook.namespace). */
    Optional<String> namespace();

    /** This replica's name in the Lease; defaults to the pod name (HOSTNAME). */
    Optional<String> identity();

    @WithDefault("15s")
    Duration duration();

    @WithDefault("10s")
    Duration renewDeadline();

    @WithDefault("2s")
    Duration retryPeriod();
}
