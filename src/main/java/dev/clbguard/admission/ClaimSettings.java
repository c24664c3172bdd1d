package dev.clbguard.admission;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.claims")
public interface ClaimSettings {

    /**
     * How long this replica remembers the CLB an admitted object names, at most: the time its informer may lag
     * behind the API server, after which the live-object index holds the object (or TKE's tag is on the CLB).
     */
    @WithDefault("60s")
    Duration window();
}
