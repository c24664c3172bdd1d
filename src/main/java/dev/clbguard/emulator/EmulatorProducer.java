package dev.clbguard.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.clbguard.facts.ClbSeed;
import dev.clbguard.facts.CloudSettings;
import dev.clbguard.policy.clb.ClbInfo;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The emulator as a bean (emulator mode only), seeded from {@code clbguard.emulator.seed}. */
@ApplicationScoped
public class EmulatorProducer {

    @Produces
    @Singleton
    ClbEmulator emulator(CloudSettings cloud, EmulatorSettings settings, Vertx vertx) {
        if (cloud.mode() != CloudSettings.Mode.EMULATOR) {
            throw new IllegalStateException("the CLB emulator runs only with clbguard.cloud.mode=emulator");
        }
        List<ClbInfo> seed = settings.seed().map(EmulatorProducer::readSeed).orElse(List.of());
        return new ClbEmulator(settings.options(), seed, vertx).start();
    }

    void close(@Disposes ClbEmulator emulator) {
        emulator.close();
    }

    /** A file path, else a classpath resource. */
    static List<ClbInfo> readSeed(String location) {
        try {
            Path p = Path.of(location);
            if (Files.isRegularFile(p)) {
                return ClbSeed.parse(Files.readString(p), location);
            }
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(location)) {
                if (in == null) {
                    throw new IllegalArgumentException("clbguard.emulator.seed: " + location + " is neither a file nor a classpath resource");
                }
                return ClbSeed.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("clbguard.emulator.seed: " + location + " cannot be read: " + e.getMessage());
        }
    }
}
