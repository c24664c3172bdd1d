package dev.clbguard.emulator;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The CLB API emulator, used when clbguard.cloud.mode=emulator (dev, test and bench builds, never prod). */
@ConfigMapping(prefix = "clbguard.emulator")
public interface EmulatorSettings {

    /**
     * host:port of an emulator running as a process of its own ({@code java -jar … emulator --port N}): the SDK
     * talks to it and none is started here, so that the server can be killed while the cloud's state survives.
     */
    Optional<String> endpoint();

    /** CLB state file (ClbStateFile format): a file path, or a classpath resource. Empty: no CLBs. */
    Optional<String> seed();

    /** Port on 127.0.0.1; 0 picks a free one. */
    @WithDefault("0")
    int port();

    /** The key pair the emulator checks signatures against (and the SDK adapter signs with in emulator mode). */
    @WithDefault(ClbEmulator.Options.SECRET_ID)
    String secretId();

    @WithDefault(ClbEmulator.Options.SECRET_KEY)
    String secretKey();

    /** Requests per second per action before RequestLimitExceeded; 0 = unlimited. */
    @WithDefault("20")
    int rateLimit();

    /** Added to every answer. */
    @WithDefault("0ms")
    Duration latency();

    /** How long asynchronous create/delete tasks run before DescribeTaskStatus reports them done. */
    @WithDefault("200ms")
    Duration taskDuration();

    /** Allowed difference between X-TC-Timestamp and the emulator's clock. */
    @WithDefault("5m")
    Duration maxClockSkew();

    default ClbEmulator.Options options() {
        return new ClbEmulator.Options(port(), secretId(), secretKey(), rateLimit(), latency(), taskDuration(),
                maxClockSkew());
    }
}
