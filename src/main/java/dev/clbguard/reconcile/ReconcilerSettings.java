package dev.clbguard.reconcile;

import java.time.Duration;

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
}
