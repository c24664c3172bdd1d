package dev.clbguard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.kube.ClaimLease;
import dev.clbguard.testing.ApiServerProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * Three clbguard replicas as processes of their own (the packaged bench build), one mock API server process
 * ({@link ApiServerProcess}), one CLB API emulator process serving a seed of free CLBs:
 * <ol>
 * <li>latency: admissions naming a CLB (facts cached) on a replica with claim Leases and on one without, in turns,
 * and what one call to the API server costs: a first claim is one call (a create), a renewal two (a read, an
 * update);</li>
 * <li>pairs: each pair of objects naming one free CLB is sent to two replicas at the same moment (two threads
 * released by one barrier, the CLB's facts already cached on both): exactly one of each pair must be allowed.
 * The allowed one is then stored in the API server, as the API server would;</li>
 * <li>never stored: an allowed object that is never stored holds its CLB until the claim window ends, then frees it;</li>
 * <li>kill -9: a replica killed between its Lease write and its answer (the API server answers that write late) holds
 * nothing for good: the object's retry on another replica is allowed at once, another object after the window.</li>
 * </ol>
 * Loopback only. Usage: ReplicasBench JAR WORKDIR [pairs] [rounds] [latency-samples]. Exit code 1 when a check fails.
 */
public final class ReplicasBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/apiserver-1.28/requests");
    static final Duration WINDOW = Duration.ofSeconds(3);
    /** The uid prefix of objects whose replica is killed: the API server answers their Lease writes late. */
    static final String DOOMED = "d00med00";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newCachedThreadPool()).build();

    final Path jar;
    final Path work;
    final List<Process> processes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    String apiServer;
    String emulator;
    KubernetesClient client;

    ReplicasBench(Path jar, Path work) {
        this.jar = jar;
        this.work = work;
    }

    /** One clbguard process and its HTTP port. */
    record Replica(String name, Process process, int port) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int samples = args.length > 4 ? Integer.parseInt(args[4]) : 300;
        ReplicasBench b = new ReplicasBench(jar, work);
        int code;
        try {
            code = b.run(pairs, rounds, samples);
        } finally {
            b.stopAll();
        }
        System.exit(code);
    }

    int run(int pairs, int rounds, int samples) throws Exception {
        Files.createDirectories(work);
        Path seed = work.resolve("seed.yaml");
        int clbs = writeSeed(seed, rounds, pairs, samples + 200);
        try (ApiServerProcess api = ApiServerProcess.start(List.of("--slow-writes", DOOMED + "=3000"))) {
            apiServer = api.url();
            client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(apiServer)
                    .withNamespace("shop").build()).build();
            emulator = startEmulator(seed);
            System.out.printf("mock API server %s (pid %d); CLB emulator %s with %d CLBs; claim window %d ms%n", apiServer,
                    api.pid(), emulator, clbs, WINDOW.toMillis());
            List<CompletableFuture<Replica>> starting = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                String name = "replica-" + r;
                starting.add(CompletableFuture.supplyAsync(() -> startReplica(name, true)));
            }
            List<Replica> replicas = new ArrayList<>(starting.stream().map(CompletableFuture::join).toList());
            System.out.println("3 replicas ready: ports " + replicas.stream().map(r -> String.valueOf(r.port())).toList());

            // Latency first, while the mock API server holds few objects (its CRUD store scans them all on each call).
            latency(replicas.get(2), samples);
            for (int round = 1; round <= rounds; round++) {
                pairs(replicas, round, pairs);
            }
            neverStored(replicas);
            replicas.set(1, killedAndRetried(replicas, 1, "lb-kill0001"));
            killedAndWaited(replicas, 0, "lb-kill0002");
        } finally {
            if (client != null) {
                client.close();
            }
        }
        if (!failures.isEmpty()) {
            System.out.println("FAILED:");
            failures.forEach(f -> System.out.println("  " + f));
            return 1;
        }
        System.out.println("all checks passed");
        return 0;
    }

    // --- phases ---------------------------------------------------------------------------------------------------

    /** {@code n} pairs, each split across two replicas at once; returns nothing, counts what it saw. */
    void pairs(List<Replica> replicas, int round, int n) throws Exception {
        int exactlyOne = 0;
        int both = 0;
        int neither = 0;
        int errors = 0;
        int lostInLease = 0;
        long[] skews = new long[n];
        ExecutorService store = Executors.newSingleThreadExecutor();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String lb = pairClb(round, i);
            Replica ra = replicas.get(i % 3);
            Replica rb = replicas.get((i + 1) % 3);
            ObjectNode a = pairObject(i, "a-" + round + "-" + i, lb, true);
            ObjectNode b = pairObject(i, "b-" + round + "-" + i, lb, false);
            // Both replicas look the CLB up first (a dry run: it reads the Lease, writes nothing), so the race is the claim's.
            CompletableFuture.allOf(send(ra, dryRun(a)), send(rb, dryRun(b))).join();
            CyclicBarrier together = new CyclicBarrier(2);
            long[] sent = new long[2];
            HttpRequest qa = request(ra, a);
            HttpRequest qb = request(rb, b);
            CompletableFuture<JsonNode> fa = CompletableFuture.supplyAsync(() -> at(together, sent, 0, () -> post(qa)), senders);
            CompletableFuture<JsonNode> fb = CompletableFuture.supplyAsync(() -> at(together, sent, 1, () -> post(qb)), senders);
            JsonNode ansA = fa.join();
            JsonNode ansB = fb.join();
            skews[i] = Math.abs(sent[0] - sent[1]);
            if (ansA == null || ansB == null) {
                errors++;
                failures.add("round " + round + " pair " + i + ": no answer from a replica");
                continue;
            }
            boolean okA = ansA.path("allowed").asBoolean();
            boolean okB = ansB.path("allowed").asBoolean();
            if (okA && okB) {
                both++;
                failures.add("round " + round + " pair " + i + " on " + lb + ": both allowed");
            } else if (!okA && !okB) {
                neither++;
                failures.add("round " + round + " pair " + i + " on " + lb + ": both denied: " + message(ansA) + " | " + message(ansB));
            } else {
                exactlyOne++;
                JsonNode loser = okA ? ansB : ansA;
                if (message(loser).contains("(just admitted, not yet tagged by TKE)")) {
                    lostInLease++;
                }
                ObjectNode winner = okA ? a : b;
                store.submit(() -> client.resource(object(winner)).create());
            }
        }
        store.shutdown();
        store.awaitTermination(60, TimeUnit.SECONDS);
        senders.shutdown();
        long seconds = Math.max(1, (System.nanoTime() - start) / 1_000_000_000L);
        Arrays.sort(skews);
        System.out.printf("round %d: %d pairs in %d s: exactly one allowed %d, both allowed %d, both denied %d, no answer %d;"
                + " the loser named the winner's claim in %d; send skew p50 %d µs, p99 %d µs%n", round, n, seconds,
                exactlyOne, both, neither, errors, lostInLease, skews[n / 2] / 1000, skews[(int) (n * 0.99)] / 1000);
        // What etcd recorded: each pair's Lease holds the one object allowed, and nothing else.
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            Lease l = client.leases().inNamespace("clbguard").withName(ClaimLease.name(pairClb(round, i))).get();
            if (l == null || ClaimLease.holders(l).size() != 1) {
                wrong++;
            }
        }
        System.out.printf("round %d: Leases holding exactly one object: %d of %d%n", round, n - wrong, n);
        if (wrong > 0) {
            failures.add("round " + round + ": " + wrong + " Leases do not hold exactly one object");
        }
    }

    void neverStored(List<Replica> replicas) {
        String lb = "lb-never001";
        long admitted = System.nanoTime();
        JsonNode first = post(replicas.get(0), review("036", "dropped", lb, Map.of(), false));
        JsonNode next = post(replicas.get(1), review("036", "next", lb, Map.of(), false));
        check(first.path("allowed").asBoolean(), "never stored: the first object was not allowed: " + message(first));
        check(!next.path("allowed").asBoolean() && message(next).contains("Service shop/dropped"),
                "never stored: another object was not denied naming it: " + message(next));
        long freed = waitAllowed(replicas.get(2), lb, "next", admitted);
        System.out.printf("never stored: the CLB was held %d ms and freed then (window %d ms, asked every 100 ms)%n",
                freed / 1_000_000, WINDOW.toMillis());
        check(freed >= WINDOW.toNanos(), "never stored: freed before the window ended");
    }

    /** Kills replica {@code i} between its Lease write and its answer; the object's retry elsewhere is allowed at once. */
    Replica killedAndRetried(List<Replica> replicas, int i, String lb) throws Exception {
        Replica victim = replicas.get(i);
        boolean answered = killDuringWrite(victim, lb, "doomed-1");
        long start = System.nanoTime();
        JsonNode retry = post(replicas.get((i + 1) % 3), review("036", "doomed-1", lb, Map.of(), false));
        System.out.printf("kill -9 of %s (pid %d) after its Lease write, before its answer: answered %s; the same object's"
                + " retry on another replica: %s in %d ms%n", victim.name(), victim.process().pid(), answered,
                retry.path("allowed").asBoolean() ? "allowed" : "denied (" + message(retry) + ")",
                (System.nanoTime() - start) / 1_000_000);
        check(!answered, "kill: the killed replica answered");
        check(retry.path("allowed").asBoolean(), "kill: the retry was not allowed");
        Replica again = startReplica(victim.name(), true);
        System.out.printf("%s restarted (pid %d)%n", again.name(), again.process().pid());
        return again;
    }

    /** Kills replica {@code i} the same way; another object is denied until the window ends, then allowed. */
    void killedAndWaited(List<Replica> replicas, int i, String lb) throws Exception {
        long written = System.nanoTime();
        boolean answered = killDuringWrite(replicas.get(i), lb, "doomed-2");
        Replica other = replicas.get((i + 2) % 3);
        JsonNode at = post(other, review("036", "other", lb, Map.of(), false));
        check(!at.path("allowed").asBoolean(), "kill: another object was allowed at once beside the killed replica's claim");
        long freed = waitAllowed(other, lb, "other", written);
        System.out.printf("kill -9 of %s: answered %s; another object was denied until the window ended and allowed"
                + " %d ms after the write (window %d ms)%n", replicas.get(i).name(), answered, freed / 1_000_000,
                WINDOW.toMillis());
        check(!answered, "kill: the killed replica answered");
        check(freed >= WINDOW.toNanos(), "kill: freed before the window ended");
    }

    /**
     * Sends a CREATE of {@code name} (uid {@value #DOOMED}…: the API server answers its Lease write 3 s late) and
     * kills the replica with SIGKILL once the Lease is stored; true when the replica answered anyway.
     */
    boolean killDuringWrite(Replica victim, String lb, String name) throws Exception {
        CountDownLatch stored = new CountDownLatch(1);
        try (Watch w = client.leases().inNamespace("clbguard").withName(ClaimLease.name(lb)).watch(new Watcher<Lease>() {
            @Override
            public void eventReceived(Action action, Lease resource) {
                stored.countDown();
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            ObjectNode doomed = review("036", name, lb, Map.of(), false);
            ((ObjectNode) doomed.path("request").path("object").path("metadata"))
                    .put("uid", DOOMED + UUID.randomUUID().toString().substring(8));
            CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> post(victim, doomed));
            if (!stored.await(20, TimeUnit.SECONDS)) {
                failures.add("kill: the Lease of " + lb + " was never written");
            }
            victim.process().destroyForcibly(); // SIGKILL
            victim.process().waitFor(10, TimeUnit.SECONDS);
            return answer.get(10, TimeUnit.SECONDS) != null;
        }
    }

    /** Latency of admissions naming a CLB whose facts are cached: with the claim Lease (create, renew), without. */
    void latency(Replica withLeases, int samples) throws Exception {
        Replica without = startReplica("replica-no-leases", false);
        // The same warm-up on both: a few hundred admissions naming CLBs of their own, untimed.
        for (int j = 0; j < 200; j++) {
            String lb = latencyClb(samples + j);
            post(without, review("036", "warm-" + j, lb, Map.of(), false));
            post(withLeases, review("036", "warm-" + j, lb, Map.of(), false));
        }
        long[] none = new long[samples];
        long[] create = new long[samples];
        long[] renew = new long[samples];
        for (int j = 0; j < samples; j++) {
            String lb = latencyClb(j);
            ObjectNode x = review("036", "x-" + j, lb, Map.of(), false);
            ObjectNode y = review("036", "y-" + j, lb, Map.of(), false);
            CompletableFuture.allOf(send(without, dryRun(x)), send(withLeases, dryRun(y))).join();
            if (j % 2 == 0) {
                none[j] = timed(without, x);
                create[j] = timed(withLeases, y);
            } else {
                create[j] = timed(withLeases, y);
                none[j] = timed(without, x);
            }
            renew[j] = timed(withLeases, update(y));
        }
        // What one call to this API server costs from a client as the replicas' (same machine, same moment).
        long[] call = new long[samples];
        for (int j = 0; j < samples; j++) {
            long t = System.nanoTime();
            client.leases().inNamespace("clbguard").withName(ClaimLease.name(latencyClb(j))).get();
            call[j] = System.nanoTime() - t;
        }
        System.out.printf("latency: %d admissions each naming a CLB whose facts are cached, client-side, loopback, in turns%n", samples);
        System.out.printf("  %-34s %9s %9s%n", "", "p50 ms", "p99 ms");
        row("without the Lease (per-replica)", none);
        row("with the Lease: first claim", create);
        row("with the Lease: renewal (UPDATE)", renew);
        row("one API call (a Lease read)", call);
    }

    // --- processes ------------------------------------------------------------------------------------------------

    String startEmulator(Path seed) throws IOException {
        Process p = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar.toString(), "emulator",
                "--seed", seed.toString(), "--port", "0", "--rate-limit", "0")
                .redirectError(work.resolve("emulator.err").toFile()).start();
        processes.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null || !line.startsWith("CLB API emulator on ")) {
            throw new IllegalStateException("the emulator did not start: " + line);
        }
        return line.substring("CLB API emulator on ".length(), line.indexOf(' ', "CLB API emulator on ".length()));
    }

    Replica startReplica(String name, boolean leases) {
        try {
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-Xmx256m",
                    "-Dquarkus.profile=bench", "-Dclbguard.cloud.mode=emulator", "-Dclbguard.emulator.endpoint=" + emulator,
                    "-Dclbguard.cluster.id=cls-7k2m9q4p", "-Dclbguard.cluster.region=ap-guangzhou",
                    "-Dclbguard.cluster.vpc-id=vpc-4f8q2w1e", "-Dclbguard.cluster.owner-uin=100012345678",
                    "-Dquarkus.http.insecure-requests=enabled", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-Dclbguard.policies.dir=policies", "-Dclbguard.warmup.rehearsals=200",
                    // The bench build turns the index off for runs without a cluster: this one has one.
                    "-D%bench.clbguard.live-index.enabled=true", "-Dclbguard.claims.leases=" + leases,
                    "-Dquarkus.kubernetes-client.api-server-url=" + apiServer, "-Dquarkus.kubernetes-client.trust-certs=true",
                    "-Dquarkus.kubernetes-client.namespace=default", "-Dclbguard.webhook.namespace=clbguard",
                    "-Dclbguard.claims.window=" + WINDOW.toMillis() + "ms", "-Dclbguard.claims.sweep-interval=500ms",
                    "-Dclbguard.reconciler.lease.duration=4s", "-Dclbguard.reconciler.lease.renew-deadline=3s",
                    "-Dclbguard.reconciler.lease.retry-period=500ms", "-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile()));
            pb.environment().put("HOSTNAME", name);
            Process p = pb.start();
            processes.add(p);
            Replica r = new Replica(name, p, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && p.isAlive()) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create(r.url("/q/health/ready"))).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return r;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(name + " never became ready; see " + work.resolve(name + ".log"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void stopAll() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // --- objects and calls ----------------------------------------------------------------------------------------

    static String pairClb(int round, int i) {
        return String.format("lb-p%d%06d", round, i);
    }

    static String latencyClb(int j) {
        return String.format("lb-lat%05d", j);
    }

    /** The seed: a free application CLB of this cluster's VPC for every pair, the latency runs and the checks. */
    static int writeSeed(Path seed, int rounds, int pairs, int latencyCount) throws IOException {
        List<String> ids = new ArrayList<>(List.of("lb-never001", "lb-kill0001", "lb-kill0002"));
        for (int round = 1; round <= rounds; round++) {
            for (int i = 0; i < pairs; i++) {
                ids.add(pairClb(round, i));
            }
        }
        for (int j = 0; j < latencyCount; j++) {
            ids.add(latencyClb(j));
        }
        StringBuilder sb = new StringBuilder("loadBalancers:\n");
        for (int n = 0; n < ids.size(); n++) {
            sb.append("  - id: ").append(ids.get(n)).append("\n    name: bench-").append(n)
                    .append("\n    type: OPEN\n    forward: 1\n    vpcId: vpc-4f8q2w1e\n    vip: 198.51.100.")
                    .append(n % 250 + 1).append("\n    tags: {}\n    listeners: []\n");
        }
        Files.writeString(seed, sb.toString());
        return ids.size();
    }

    /**
     * A pair's object: pairs take turns being two Services, two Ingresses, a Service and an Ingress, and two
     * sharing Services on the same port; every kind of pair collides, so exactly one may have the CLB.
     */
    static ObjectNode pairObject(int i, String name, String lb, boolean first) {
        return switch (i % 4) {
            case 0 -> review("036", name, lb, Map.of(), false);
            case 1 -> review("024", name, lb, Map.of(), false);
            case 2 -> review(first ? "036" : "024", name, lb, Map.of(), false);
            default -> review("036", name, lb, Map.of("service.kubernetes.io/qcloud-share-existed-lb", "true"), false);
        };
    }

    /** Fixture 036 (a LoadBalancer Service) or 024 (a qcloud Ingress) as a CREATE of {@code name} naming {@code lb}. */
    static ObjectNode review(String fixture, String name, String lb, Map<String, String> extra, boolean dryRun) {
        try (var files = Files.list(FIXTURES)) {
            Path file = files.filter(p -> p.getFileName().toString().startsWith(fixture + "-")).findFirst().orElseThrow();
            ObjectNode review = (ObjectNode) JSON.readTree(file.toFile());
            ObjectNode request = (ObjectNode) review.path("request");
            request.put("uid", UUID.randomUUID().toString()).put("name", name).put("dryRun", dryRun);
            ObjectNode metadata = (ObjectNode) request.path("object").path("metadata");
            metadata.put("name", name).put("uid", UUID.randomUUID().toString());
            metadata.remove("managedFields");
            ObjectNode annotations = metadata.putObject("annotations");
            annotations.put(fixture.equals("036") ? "service.kubernetes.io/tke-existed-lbid" : "kubernetes.io/ingress.existLbId", lb);
            extra.forEach(annotations::put);
            return review;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode dryRun(ObjectNode review) {
        ObjectNode copy = review.deepCopy();
        ((ObjectNode) copy.path("request")).put("dryRun", true).put("uid", UUID.randomUUID().toString());
        return copy;
    }

    /** The UPDATE of the object {@code review} created: the same object, its own CLB. */
    static ObjectNode update(ObjectNode review) {
        ObjectNode copy = review.deepCopy();
        ObjectNode request = (ObjectNode) copy.path("request");
        request.put("operation", "UPDATE").put("uid", UUID.randomUUID().toString());
        request.set("oldObject", request.path("object").deepCopy());
        ((ObjectNode) request.path("object").path("metadata").path("annotations")).put("bench/edited", "yes");
        request.set("options", JSON.createObjectNode().put("kind", "UpdateOptions").put("apiVersion", "meta.k8s.io/v1"));
        return copy;
    }

    HasMetadata object(ObjectNode review) {
        return client.getKubernetesSerialization().unmarshal(review.path("request").path("object").toString());
    }

    static <T> T at(CyclicBarrier barrier, long[] sent, int slot, java.util.function.Supplier<T> call) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        sent[slot] = System.nanoTime();
        return call.get();
    }

    static HttpRequest request(Replica r, ObjectNode review) {
        return HttpRequest.newBuilder(URI.create(r.url("/validate"))).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review.toString())).build();
    }

    static JsonNode post(Replica r, ObjectNode review) {
        return post(request(r, review));
    }

    /** The AdmissionReview's response, or null when the replica gave no answer (it died, or refused the request). */
    static JsonNode post(HttpRequest request) {
        try {
            HttpResponse<String> res = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return res.statusCode() == 200 ? JSON.readTree(res.body()).path("response") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static CompletableFuture<JsonNode> send(Replica r, ObjectNode review) {
        return CompletableFuture.supplyAsync(() -> post(r, review));
    }

    long timed(Replica r, ObjectNode review) {
        long t = System.nanoTime();
        JsonNode answer = post(r, review);
        long d = System.nanoTime() - t;
        check(answer != null && answer.path("allowed").asBoolean(), "latency: not allowed on " + r.name() + ": "
                + (answer == null ? "no answer" : message(answer)));
        return d;
    }

    long waitAllowed(Replica r, String lb, String name, long since) {
        long deadline = since + WINDOW.plusSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode a = post(r, review("036", name, lb, Map.of(), false));
            if (a != null && a.path("allowed").asBoolean()) {
                return System.nanoTime() - since;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failures.add(lb + " was never freed");
        return Long.MAX_VALUE;
    }

    static String message(JsonNode answer) {
        return answer == null ? "no answer" : answer.path("status").path("message").asText();
    }

    void check(boolean ok, String failure) {
        if (!ok) {
            failures.add(failure);
        }
    }

    static void row(String label, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("  %-34s %9.2f %9.2f%n", label, s[s.length / 2] / 1e6, s[(int) Math.min(s.length - 1, s.length * 0.99)] / 1e6);
    }
}
