package dev.clbguard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The soak's processes besides the API server: the CLB API emulator (the packaged jar's {@code emulator} command,
 * which keeps the cloud's state for the whole run) and the reconciler (the packaged server, bench build, with the
 * reconciler, its leader election, the live-object index and the guardian on), started and killed once per cycle.
 */
final class SoakProcesses {

    static final String CLUSTER = "cls-7k2m9q4p";
    static final String VPC = "vpc-4f8q2w1e";
    static final List<String> WRITES = List.of("CreateLoadBalancer", "DeleteLoadBalancer", "DeleteLoadBalancerListeners",
            "TagResources", "UnTagResources");
    static final Duration SWEEP = Duration.ofSeconds(2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path jar;
    private final Path work;
    private final int port;
    private Process emulator;
    String endpoint;

    SoakProcesses(Path jar, Path work, int port) {
        this.jar = jar;
        this.work = work;
        this.port = port;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code emulator --seed FILE --port 0}: waits for the line naming its endpoint. */
    void startEmulator(Path seed, long taskMillis) throws IOException {
        emulator = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar.toString(), "emulator", "--seed",
                seed.toString(), "--port", "0", "--task-duration", Long.toString(taskMillis))
                .redirectError(work.resolve("emulator.log").toFile()).start();
        String first = new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (first == null || !first.startsWith("CLB API emulator on ")) {
            emulator.destroyForcibly();
            throw new IllegalStateException("the emulator did not start: " + first);
        }
        endpoint = first.substring("CLB API emulator on ".length(), first.indexOf(' ', "CLB API emulator on ".length()));
    }

    void stopEmulator() {
        if (emulator != null) {
            emulator.destroy();
        }
    }

    /** The packaged server as the reconciler's leader would run, against the mock API server and the emulator. */
    Process startReconciler(String apiServer, String identity, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-Dquarkus.profile=bench", "-Dclbguard.cloud.mode=emulator", "-Dclbguard.emulator.endpoint=" + endpoint,
                "-Dclbguard.cluster.id=" + CLUSTER, "-Dclbguard.cluster.region=ap-guangzhou", "-Dclbguard.cluster.vpc-id=" + VPC,
                "-Dclbguard.cluster.elastic=true", "-Dclbguard.cluster.owner-uin=100012345678",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-Dquarkus.http.ssl-port=" + (port + 1),
                "-Dquarkus.http.insecure-requests=enabled", "-Dquarkus.kubernetes-client.api-server-url=" + apiServer,
                "-Dclbguard.webhook.namespace=clbguard", "-Dclbguard.warmup.rehearsals=0",
                // what the bench build turns off, on again: this process is the reconciler
                "-Dclbguard.live-index.enabled=true", "-Dclbguard.reconciler.enabled=true", "-Dclbguard.audit.enabled=false",
                // a restarted pod keeps its name (and the Lease at once); a new one waits for the old lease to lapse
                "-Dclbguard.reconciler.lease.identity=" + identity, "-Dclbguard.reconciler.lease.duration=4s",
                "-Dclbguard.reconciler.lease.renew-deadline=3s", "-Dclbguard.reconciler.lease.retry-period=500ms",
                "-Dclbguard.reconciler.retry-max=10s",
                "-Dclbguard.reconciler.sweep-interval=" + SWEEP.toSeconds() + "s", "-Dclbguard.reconciler.orphan-grace=1s",
                "-Dclbguard.reconciler.converge-timeout=2m",
                "-jar", jar.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The emulator's state: every CLB, and the calls per action since it started. */
    record CloudState(List<SoakCounts.Clb> clbs, Map<String, Long> calls) {
        long writes() {
            return WRITES.stream().mapToLong(a -> calls.getOrDefault(a, 0L)).sum();
        }
    }

    CloudState cloud() throws IOException, InterruptedException {
        JsonNode root = get("http://" + endpoint + "/emulator/load-balancers");
        List<SoakCounts.Clb> clbs = new ArrayList<>();
        for (JsonNode lb : root.path("loadBalancers")) {
            List<String> vips = new ArrayList<>();
            lb.path("vips").forEach(v -> vips.add(v.asText()));
            Map<String, String> tags = new LinkedHashMap<>();
            lb.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
            clbs.add(new SoakCounts.Clb(lb.path("id").asText(), lb.path("name").asText(null), lb.path("type").asText(null),
                    lb.path("subnetId").isNull() ? null : lb.path("subnetId").asText(null), vips, tags));
        }
        Map<String, Long> calls = new LinkedHashMap<>();
        root.path("calls").fields().forEachRemaining(e -> calls.put(e.getKey(), e.getValue().asLong()));
        return new CloudState(clbs, calls);
    }

    /** The reconciler process's last guardian sweep (GET /audit/report, "guardian"), or a missing node. */
    JsonNode guardian() {
        try {
            return get("http://127.0.0.1:" + port + "/audit/report").path("guardian");
        } catch (IOException | InterruptedException e) {
            return JSON.missingNode();
        }
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    static boolean logSays(Path log, String text) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
