package dev.clbguard.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.policies")
public interface PolicySettings {

    /** Directory of policy files (*.yaml, *.yml); mounted from a ConfigMap in a cluster. */
    @WithDefault("policies")
    String dir();

    /** How often the directory is checked for changes (ConfigMap updates arrive as symlink swaps). */
    @WithDefault("5s")
    Duration reloadInterval();
}
