package dev.clbguard.reconcile;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.reconciler")
public interface ReconcilerSettings {

    /** Off in dev and test (no API server there); on in prod. */
    @WithDefault("true")
    boolean enabled();

    /** Keys reconciled in parallel. */
    @WithDefault("4")
    int workers();

    /** Full resync of the informers: each object is looked at again at least this often. */
    @WithDefault("10m")
    Duration resync();

    /** First retry delay after a failure; doubled per failure of the same key up to {@link #retryMax()}. */
    @WithDefault("500ms")
    Duration retryBase();

    @WithDefault("5m")
    Duration retryMax();

    /** How often an asynchronous CLB task (create, delete) is polled. */
    @WithDefault("1s")
    Duration taskPoll();

    /** Client-side limit on cloud calls per second and API action (Tencent allows 20/s per action and account); 0 = none. */
    @WithDefault("20")
    double cloudRate();

    /** The guardian fixes what it finds (stale tags, leaked CLBs); off: it only reports. */
    @WithDefault("false")
    boolean repair();

    /** How long an owner uid must have been absent, at two sweeps this far apart, before it counts as gone. */
    @WithDefault("10m")
    Duration orphanGrace();

    /** An object still without its CLB id this long after creation is reported as not converged. */
    @WithDefault("5m")
    Duration convergeTimeout();

    /** At most this many guardian cloud writes a minute. */
    @WithDefault("5")
    int repairRate();

    /** Time between guardian sweeps (a paged DescribeLoadBalancers by the tke-clusterId tag). */
    @WithDefault("10m")
    Duration sweepInterval();

    Lease lease();

    interface Lease {
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
}
