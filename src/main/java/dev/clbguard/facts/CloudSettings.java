package dev.clbguard.facts;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How clbguard reaches Tencent Cloud. Credentials are never settings: they come from the environment only
 * (see {@link CloudCredentials}).
 */
@ConfigMapping(prefix = "clbguard.cloud")
public interface CloudSettings {

    enum Mode {
        /** The real Tencent Cloud API through the SDK. */
        TENCENT,
        /** A CLB API emulator (builds that are not prod only), still through the SDK over HTTP. */
        EMULATOR
    }

    @WithDefault("tencent")
    Mode mode();

    /** Override of the CLB API host (e.g. clb.internal.tencentcloudapi.com); default clb.tencentcloudapi.com. */
    Optional<String> endpoint();

    /** Override of the Tag API host; default tag.tencentcloudapi.com. */
    Optional<String> tagEndpoint();

    /** TCP connect timeout (the SDK default is none); rounded up to whole seconds, as the SDK wants. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** Read and write timeout (the SDK default is none); rounded up to whole seconds. */
    @WithDefault("5s")
    Duration readTimeout();

    /** Reconciler path only: how often to try a call that failed with a retryable code. */
    @WithDefault("5")
    int retryAttempts();

    /** Reconciler path only: first backoff, doubled on each retry (with jitter). */
    @WithDefault("200ms")
    Duration retryBackoff();
}
