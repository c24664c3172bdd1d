package dev.clbguard.admission;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.clbguard.policyfiles.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Ready once the policies are loaded, the serving certificate is in place and the warm-up has run. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    PolicyStore policies;

    @Inject
    Warmup warmup;

    @ConfigProperty(name = "quarkus.tls.key-store.pem.0.cert")
    Optional<List<String>> certificates;

    @ConfigProperty(name = "quarkus.tls.key-store.pem.0.key")
    Optional<List<String>> keys;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("clbguard");
        boolean policiesReady = policies.loaded();
        b.withData("policies", policiesReady ? policies.current().policies().size() + " active" : "not loaded");
        b.withData("policyErrors", policies.errors().size());
        boolean certReady = readable(certificates) && readable(keys);
        b.withData("certificate", certReady ? "present" : "missing");
        b.withData("warmup", warmup.state());
        return b.status(policiesReady && certReady && warmup.done()).build();
    }

    /** No files configured means plain HTTP, allowed only in dev and test profiles. */
    private static boolean readable(Optional<List<String>> files) {
        return files.map(l -> l.stream().allMatch(f -> Files.isReadable(Path.of(f)))).orElse(true);
    }
}
