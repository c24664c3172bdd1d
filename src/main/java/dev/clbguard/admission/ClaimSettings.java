package dev.clbguard.admission;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.claims")
public interface ClaimSettings {

    /**
     * How long an admitted object holds the CLB it names before it is stored and seen: the longest the live-object
     * index may lag behind the API server. Past it, a claim whose object no index holds was never stored (or let
     * go) and is taken over. The same for the claim Leases and this replica's own record.
     */
    @WithDefault("60s")
    Duration window();

    /**
     * Whether admission takes each CLB through a claim Lease in clbguard's namespace, so that replicas agree
     * (on where there is an API server: application.properties ties it to the live-object index).
     */
    @WithDefault("false")
    boolean leases();

    /** The time one admission may spend on its claim Lease: with the facts budget, well inside the webhook timeout. */
    @WithDefault("1500ms")
    Duration budget();

    /** How often the leader releases the claims of objects gone or no longer naming their CLB. */
    @WithDefault("10s")
    Duration sweepInterval();
}
