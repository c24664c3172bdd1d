package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.clbguard.tls.TestCertificates;

/**
 * The packaged prod jar (target/quarkus-app, built by the package phase) started as the image's AOT training and
 * the cold-path benchmark start it: with src/main/docker/no-cluster.args and no Kubernetes API server. It must
 * become ready (the warm-up included), judge a real kube-apiserver request, serve HTTPS only, expose nothing of
 * the CLB API emulator, and stop cleanly on SIGTERM without an ERROR line. Run by the build's verify phase.
 */
class PackagedServerIT {

    private static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Path ARGS = Path.of("src/main/docker/no-cluster.args");
    private static final Path BODY = Path.of("src/test/resources/fixtures/apiserver-1.28/requests/030-validate-service-create-backend.json");

    @TempDir
    Path dir;
    private Process server;

    @AfterEach
    void stop() {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
        }
    }

    @Test
    void startsWithoutAClusterAnswersOverTlsOnlyAndStopsCleanly() throws Exception {
        assertTrue(Files.isRegularFile(APP), APP + " is missing: run the package phase first (./mvnw -B verify)");
        X509Certificate cert = TestCertificates.write(dir, "localhost", 1);
        int https = freePort();
        int http = freePort();
        Path log = dir.resolve("server.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "@" + ARGS.toAbsolutePath(),
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.ssl-port=" + https, "-Dquarkus.http.port=" + http,
                "-D%prod.quarkus.tls.key-store.pem.0.cert=" + dir.resolve("tls.crt"),
                "-D%prod.quarkus.tls.key-store.pem.0.key=" + dir.resolve("tls.key"),
                "-Dclbguard.policies.dir=" + Path.of("policies").toAbsolutePath(),
                "-Dclbguard.warmup.rehearsals=200", "-jar", APP.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TENCENTCLOUD_SECRET_ID", "packaged-server-it");
        pb.environment().put("TENCENTCLOUD_SECRET_KEY", "packaged-server-it");
        server = pb.start();

        HttpClient client = HttpClient.newBuilder().sslContext(trusting(cert))
                .connectTimeout(Duration.ofSeconds(2)).build();
        String base = "https://localhost:" + https;
        HttpResponse<String> ready = null;
        for (int i = 0; i < 600 && server.isAlive(); i++) {
            try {
                ready = client.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        assertTrue(server.isAlive(), "the server exited during start:\n" + tail(log));
        assertEquals(200, ready == null ? -1 : ready.statusCode(), "never ready:\n" + (ready == null ? "" : ready.body()) + tail(log));
        assertTrue(ready.body().contains("200 sample admissions in"), ready.body());

        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(base + "/validate"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofFile(BODY)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"allowed\":false") && answer.body().contains("elastic"), answer.body());

        HttpResponse<String> emulator = client.send(HttpRequest.newBuilder(URI.create(base + "/emulator/load-balancers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, emulator.statusCode(), "a prod build serves the CLB API emulator's state");
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThrows(ConnectException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/q/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString()), "plain HTTP is served outside dev mode");

        server.destroy(); // SIGTERM, as the kubelet stops a pod
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(out.contains("stopped in"), "no clean Quarkus stop:\n" + tail(log));
        assertTrue(out.lines().noneMatch(l -> l.contains(" ERROR ") || l.contains("Exception")), "errors logged:\n" + out);
    }

    private static SSLContext trusting(X509Certificate cert) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, TestCertificates.trusting(cert), null);
        return ssl;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
