package dev.clbguard.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.webhook")
public interface WebhookSettings {

    /** clbguard's own namespace: exempt from every policy by default, like kube-system. */
    @WithDefault("clbguard")
    String namespace();
}
