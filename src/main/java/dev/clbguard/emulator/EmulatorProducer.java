package dev.clbguard.emulator;

import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.clbguard.clbapi.ApiEndpoint;
import dev.clbguard.clbapi.ClbStateFile;
import io.quarkus.arc.profile.UnlessBuildProfile;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Offers the SDK adapter an {@link ApiEndpoint} when {@code clbguard.cloud.mode=emulator}: an emulator started in
 * this process (seeded from {@code clbguard.emulator.seed}), or the one of another process that
 * {@code clbguard.emulator.endpoint} names. Prod builds have none of these beans.
 */
@ApplicationScoped
@UnlessBuildProfile("prod")
public class EmulatorProducer {

    @ConfigProperty(name = "clbguard.cloud.mode", defaultValue = "tencent")
    String mode;
    @Inject
    EmulatorSettings settings;

    /** True when this process runs the emulator itself. */
    boolean inProcess() {
        return "emulator".equalsIgnoreCase(mode) && settings.endpoint().isEmpty();
    }

    @Produces
    @Dependent
    ApiEndpoint endpoint(Instance<ClbEmulator> emulator) {
        if (!"emulator".equalsIgnoreCase(mode)) {
            throw new IllegalStateException("the CLB emulator serves only with clbguard.cloud.mode=emulator");
        }
        String host = settings.endpoint().orElseGet(() -> emulator.get().endpoint());
        return new ApiEndpoint(host, settings.secretId(), settings.secretKey());
    }

    @Produces
    @Singleton
    ClbEmulator emulator(Vertx vertx) {
        if (!inProcess()) {
            throw new IllegalStateException("no CLB emulator runs in this process: clbguard.cloud.mode is " + mode
                    + (settings.endpoint().isPresent() ? ", clbguard.emulator.endpoint is " + settings.endpoint().get() : ""));
        }
        List<ClbStateFile.Lb> seed;
        try {
            seed = settings.seed().map(ClbStateFile::load).orElse(List.of());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("clbguard.emulator.seed: " + e.getMessage());
        }
        return new ClbEmulator(settings.options(), seed, vertx).start();
    }

    void close(@Disposes ClbEmulator emulator) {
        emulator.close();
    }
}
