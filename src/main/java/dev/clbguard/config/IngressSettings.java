package dev.clbguard.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.ingress")
public interface IngressSettings {

    /** The class written on Ingresses that name none. */
    @WithDefault("qcloud")
    String defaultClass();
}
