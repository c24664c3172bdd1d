package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.clbguard.tls.TestCertificates;

/**
 * Every start-up refusal an operator can cause ends the packaged prod server (as PackagedServerIT starts it) with
 * one ERROR line naming the setting or file and the fix, and no stack trace: a missing TLS file, missing
 * credentials, malformed or missing cluster settings, a missing policy directory. A log-level switch still shows
 * the trace. Run by the build's verify phase, after package.
 */
class StartupRefusalsIT {

    private static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Path ARGS = Path.of("src/main/docker/no-cluster.args");
    private static final Map<String, String> CREDENTIALS = Map.of("TENCENTCLOUD_SECRET_ID", "startup-refusals-it",
            "TENCENTCLOUD_SECRET_KEY", "startup-refusals-it");

    @TempDir
    Path dir;

    record Ended(int code, List<String> lines) {
        String error() {
            List<String> errors = lines.stream().filter(l -> l.contains(" ERROR ")).toList();
            assertEquals(1, errors.size(), "one ERROR line:\n" + String.join("\n", lines));
            return errors.get(0);
        }
    }

    @Test
    void aMissingTlsFile() throws Exception {
        Ended e = start(Map.of(), CREDENTIALS, "-D%prod.quarkus.tls.key-store.pem.0.cert=" + dir.resolve("missing.crt"));
        assertRefused(e, "clbguard cannot start: the serving certificate or key " + dir.resolve("missing.crt")
                + " does not exist (quarkus.tls.key-store.pem.0.cert and .key): mount the clbguard-tls Secret at"
                + " /etc/clbguard/tls, or set both settings to the PEM files");
    }

    @Test
    void noCredentials() throws Exception {
        Ended e = start(tls(), Map.of());
        assertRefused(e, "clbguard cannot start: no Tencent Cloud credentials: set TENCENTCLOUD_SECRET_ID and"
                + " TENCENTCLOUD_SECRET_KEY, or TKE workload identity (TKE_ROLE_ARN, TKE_WEB_IDENTITY_TOKEN_FILE,"
                + " TKE_PROVIDER_ID, TKE_REGION): create the clbguard-tencentcloud Secret (secretId, secretKey) or set up"
                + " workload identity for the ServiceAccount (docs/install.md)");
    }

    @Test
    void malformedAndMissingClusterSettingsAllAtOnce() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(tls());
        settings.put("clbguard.cluster.id", "CHANGE-ME");
        settings.put("clbguard.cluster.vpc-id", "vpc-1");
        Ended e = start(settings, Map.of("CLBGUARD_CLUSTER_REGION", ""), "-Dclbguard.cluster.region=");
        String line = e.error();
        assertTrue(line.contains("clbguard cannot start: clbguard.cluster.id (CLBGUARD_CLUSTER_ID) \"CHANGE-ME\" is not a TKE"
                + " cluster id (like cls-7k2m9q4p); "), line);
        assertTrue(line.contains("clbguard.cluster.region (CLBGUARD_CLUSTER_REGION) "), line);
        assertTrue(line.contains("clbguard.cluster.vpc-id (CLBGUARD_CLUSTER_VPC_ID) \"vpc-1\" is not a VPC id (like"
                + " vpc-4f8q2w1e)"), line);
        assertTrue(line.endsWith(": set them in cluster.env (the clbguard-cluster ConfigMap), or the chart's cluster.* values"),
                line);
        assertNoTrace(e);
    }

    @Test
    void aMissingPolicyDirectory() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(tls());
        settings.put("clbguard.policies.dir", dir.resolve("policies").toString());
        Ended e = start(settings, CREDENTIALS);
        assertRefused(e, "clbguard cannot start: policy directory " + dir.resolve("policies") + " (clbguard.policies.dir)"
                + " cannot be read: does not exist: mount the policy ConfigMap (clbguard-policies) there, or set"
                + " clbguard.policies.dir (CLBGUARD_POLICIES_DIR) to the directory of the policy files");
    }

    @Test
    void theLogLevelSwitchStillShowsTheTrace() throws Exception {
        Ended e = start(tls(), Map.of(), "-Dquarkus.log.category.\"dev.clbguard.launch\".level=DEBUG");
        assertTrue(e.error().contains("no Tencent Cloud credentials"), e.error());
        assertTrue(e.lines().stream().anyMatch(l -> l.contains("StartupRefusal")), String.join("\n", e.lines()));
    }

    private void assertRefused(Ended e, String expected) {
        String line = e.error();
        assertTrue(line.endsWith(" ERROR [dev.clbguard.launch.StartupFailure] (main) " + expected), line);
        assertNoTrace(e);
    }

    private static void assertNoTrace(Ended e) {
        assertEquals(1, e.code(), String.join("\n", e.lines()));
        assertTrue(e.lines().stream().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")
                || l.contains("Exception")), "a stack trace:\n" + String.join("\n", e.lines()));
        assertTrue(e.lines().get(e.lines().size() - 1).contains(" ERROR "), "the ERROR line is the last:\n"
                + String.join("\n", e.lines()));
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Map<String, String> tls() {
        TestCertificates.write(dir, "localhost", 1);
        return Map.of("%prod.quarkus.tls.key-store.pem.0.cert", dir.resolve("tls.crt").toString(),
                "%prod.quarkus.tls.key-store.pem.0.key", dir.resolve("tls.key").toString(),
                "clbguard.policies.dir", Path.of("policies").toAbsolutePath().toString());
    }

    private Ended start(Map<String, String> settings, Map<String, String> env, String... more) throws IOException,
            InterruptedException {
        assertTrue(Files.isRegularFile(APP), APP + " is missing: run the package phase first (./mvnw -B verify)");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "@" + ARGS.toAbsolutePath(), "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.ssl-port=" + freePort(), "-Dquarkus.http.port=" + freePort(),
                "-Dclbguard.warmup.rehearsals=0"));
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of(more));
        cmd.addAll(List.of("-jar", APP.toAbsolutePath().toString()));
        Path log = Files.createTempFile(dir, "server", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("TENCENTCLOUD_") || k.startsWith("TKE_") || k.startsWith("CLBGUARD_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 90 s:\n" + Files.readString(log));
        }
        return new Ended(p.exitValue(), Files.readAllLines(log, StandardCharsets.UTF_8));
    }
}
