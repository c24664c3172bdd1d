package dev.clbguard.live;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.live-index")
public interface LiveIndexSettings {

    /** On where there is an API server (prod); off in dev and test unless a test configures one. */
    @WithDefault("true")
    boolean enabled();
}
