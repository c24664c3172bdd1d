package dev.clbguard.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;

import dev.clbguard.testing.ApiServerProcess;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Crash soak of the reconciler. The mock API server and the CLB API emulator run as processes of their own for the
 * whole run; the reconciler (the packaged server) is started, left to work, and killed with SIGKILL, {@code cycles}
 * times, while Services and Ingresses of clbguard's class are created, edited and deleted, both while it runs and
 * while it is down. Then one reconciler runs undisturbed until the cluster and the cloud agree ({@link SoakCounts}),
 * and its guardian must report nothing. Loopback only; bounded by {@code --minutes}.
 *
 * <p>Kill moments: {@code after-write} right after (0-40 ms) a CreateLoadBalancer, DeleteLoadBalancer,
 * DeleteLoadBalancerListeners, TagResources or UnTagResources reached the emulator (while the reconciler has yet to
 * record what it did); {@code leading} within 400 ms of taking the Lease (informers syncing, first passes);
 * {@code random} 0.3-8 s after the start (start-up included).
 */
public final class CrashSoak {

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int cycles = Integer.parseInt(o.getOrDefault("cycles", "200"));
        long seed = Long.parseLong(o.getOrDefault("seed", Long.toString(ThreadLocalRandom.current().nextLong(1, 1_000_000))));
        int services = Integer.parseInt(o.getOrDefault("services", "8"));
        int ingresses = Integer.parseInt(o.getOrDefault("ingresses", "8"));
        long minutes = Long.parseLong(o.getOrDefault("minutes", "30"));
        Path jar = Path.of(o.getOrDefault("jar", "target/crash-soak/quarkus-run.jar")).toAbsolutePath();
        Path work = Path.of(o.getOrDefault("work", "target/crash-soak-run")).toAbsolutePath();
        int port = Integer.parseInt(o.getOrDefault("port", "18420"));
        System.out.printf("crash soak: seed %d, %d cycles, %d Services + %d Ingresses, at most %d min (reproduce: "
                + "src/bench/crash-soak.sh --seed %d --cycles %d)%n", seed, cycles, services, ingresses, minutes, seed, cycles);
        Files.createDirectories(work.resolve("logs"));
        Random random = new Random(seed);
        long t0 = System.nanoTime();
        long deadline = t0 + minutes * 60_000_000_000L;
        SoakProcesses procs = new SoakProcesses(jar, work, port);
        try (ApiServerProcess api = ApiServerProcess.start("-XX:+UseSerialGC", "-Xmx256m");
                KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                        .withMasterUrl(api.url()).withNamespace(SoakCluster.NS).build()).build()) {
            SoakCluster cluster = new SoakCluster(client, random, services, ingresses);
            Path seedFile = work.resolve("seed.yaml");
            Files.writeString(seedFile, cluster.seed(SoakProcesses.VPC), StandardCharsets.UTF_8);
            procs.startEmulator(seedFile, 300);
            Set<String> seeded = new TreeSet<>();
            procs.cloud().clbs().forEach(c -> seeded.add(c.id()));
            cluster.createTkeObjects();
            System.out.printf("mock API server %s, CLB API emulator %s (%d seeded CLBs), logs in %s%n", api.url(),
                    procs.endpoint, seeded.size(), work.resolve("logs"));

            Map<String, Integer> kills = new TreeMap<>();
            int done = 0;
            int selfExits = 0;
            String identity = "soak-0";
            for (int cycle = 1; cycle <= cycles && System.nanoTime() < deadline; cycle++) {
                if (cycle > 1 && random.nextInt(10) < 3) {
                    identity = "soak-" + cycle; // a new pod: it must wait for the killed one's Lease to lapse
                }
                Path log = work.resolve("logs").resolve(String.format("cycle-%03d.log", cycle));
                Process p = procs.startReconciler(api.url(), identity, log);
                String mode = live(p, log, procs, cluster, random);
                if (!p.isAlive()) {
                    selfExits++;
                    System.out.println("cycle " + cycle + ": the reconciler exited by itself; see " + log);
                }
                p.destroyForcibly(); // SIGKILL
                p.waitFor();
                kills.merge(mode, 1, Integer::sum);
                done = cycle;
                if (random.nextInt(10) < 6) {
                    for (int i = random.nextInt(4); i >= 0; i--) {
                        cluster.edit(true);
                    }
                }
                if (cycle % 20 == 0) {
                    System.out.printf("  %d cycles, %.0f s, %d live objects, %d CLBs%n", cycle, (System.nanoTime() - t0) / 1e9,
                            cluster.live().size(), procs.cloud().clbs().size());
                }
            }
            long soakNanos = System.nanoTime() - t0;

            // The clean run: one reconciler, no edits, until the cluster and the cloud agree.
            Path log = work.resolve("logs").resolve("final.log");
            long f0 = System.nanoTime();
            Process p = procs.startReconciler(api.url(), identity, log);
            SoakCounts.Known known = new SoakCounts.Known(SoakProcesses.CLUSTER, seeded, cluster.retainNames,
                    SoakCluster.tkeClbs());
            SoakCounts counts = null;
            Double convergedAfter = null;
            while (System.nanoTime() - f0 < 180_000_000_000L && p.isAlive()) {
                counts = SoakCounts.of(cluster.live(), procs.cloud().clbs(), known);
                if (counts.clean()) {
                    convergedAfter = (System.nanoTime() - f0) / 1e9;
                    break;
                }
                Thread.sleep(1000);
            }
            JsonNode guardian = awaitSweeps(procs, Instant.now(), 3);
            SoakProcesses.CloudState cloud = procs.cloud();
            counts = SoakCounts.of(cluster.live(), cloud.clbs(), known);
            p.destroy();
            p.waitFor();

            int findings = guardian.path("findings").isArray() ? guardian.path("findings").size() : -1;
            long errors = errorLines(work.resolve("logs"));
            System.out.println();
            System.out.println("counted as:");
            SoakCounts.DEFINITIONS.lines().forEach(l -> System.out.println("  " + l));
            System.out.println();
            System.out.printf("kill cycles: %d of %d (%s); reconciler exits without a kill: %d%n", done, cycles, kills, selfExits);
            System.out.println("edits: " + cluster.edits);
            System.out.println("cloud calls: " + new TreeMap<>(cloud.calls()));
            System.out.printf("soak %.0f s; clean run %s%n", soakNanos / 1e9,
                    convergedAfter == null ? "did NOT converge in 180 s" : String.format("converged in %.1f s", convergedAfter));
            System.out.printf("final state: %d live objects, %d CLBs (%d seeded), %d retained with loadbalance-retain%n",
                    cluster.live().size(), cloud.clbs().size(), seeded.size(), counts.retained);
            System.out.println("leaked CLBs:         " + counts.leaked);
            System.out.println("stray tags:          " + counts.stray);
            System.out.println("stale tags:          " + counts.stale);
            System.out.println("stuck finalizers:    " + counts.stuckFinalizers);
            System.out.println("unconverged objects: " + counts.unconverged);
            System.out.println("seeded CLBs deleted: " + counts.seededDeleted);
            System.out.println("guardian findings:   " + (findings < 0 ? "no sweep report" : findings)
                    + " (sweep at " + guardian.path("completedAt").asText("-") + ", " + guardian.path("clbsSwept").asInt() + " CLBs)");
            System.out.printf("ERROR lines in the reconciler logs: %d%n", errors);
            counts.details.forEach(d -> System.out.println("  " + d));
            if (findings > 0) {
                guardian.path("findings").forEach(f -> System.out.println("  guardian: " + f.path("message").asText()));
            }
            System.out.printf("run time %.0f s, seed %d%n", (System.nanoTime() - t0) / 1e9, seed);
            boolean ok = counts.clean() && findings == 0 && done == cycles && selfExits == 0;
            System.out.println(ok ? "PASSED" : "FAILED");
            procs.stopEmulator();
            System.exit(ok ? 0 : 1);
        } finally {
            procs.stopEmulator();
        }
    }

    /** Lets the reconciler work, editing now and then, until the cycle's kill moment; returns the kill mode. */
    private static String live(Process p, Path log, SoakProcesses procs, SoakCluster cluster, Random random)
            throws Exception {
        int r = random.nextInt(100);
        String mode = r < 55 ? "after-write" : r < 70 ? "leading" : "random";
        long start = System.nanoTime();
        long randomAt = start + (300 + random.nextInt(7700)) * 1_000_000L;
        long writes = procs.cloud().writes();
        long nextEdit = start + (200 + random.nextInt(700)) * 1_000_000L;
        while (p.isAlive()) {
            Thread.sleep(20);
            long now = System.nanoTime();
            if (now - start > 12_000_000_000L && !mode.equals("random")) {
                return mode + " (none in 12 s)";
            }
            if (mode.equals("after-write") && procs.cloud().writes() > writes) {
                Thread.sleep(random.nextInt(41));
                return mode;
            }
            if (mode.equals("leading") && SoakProcesses.logSays(log, "holds the lease")) {
                Thread.sleep(random.nextInt(401));
                return mode;
            }
            if (mode.equals("random") && now >= randomAt) {
                return mode;
            }
            if (now >= nextEdit) {
                if (random.nextBoolean()) {
                    cluster.edit(false);
                }
                nextEdit = now + (200 + random.nextInt(700)) * 1_000_000L;
            }
        }
        return mode;
    }

    /** Waits for {@code n} guardian sweeps completed after {@code after}; returns the last report. */
    private static JsonNode awaitSweeps(SoakProcesses procs, Instant after, int n) throws InterruptedException {
        Set<String> seen = new TreeSet<>();
        JsonNode last = procs.guardian();
        long end = System.nanoTime() + 20 * SoakProcesses.SWEEP.toNanos() * n;
        while (seen.size() < n && System.nanoTime() < end) {
            JsonNode g = procs.guardian();
            String at = g.path("completedAt").asText(null);
            if (at != null && Instant.parse(at).isAfter(after) && !g.path("held").isTextual()) {
                seen.add(at);
                last = g;
            }
            Thread.sleep(250);
        }
        return last;
    }

    private static long errorLines(Path logs) throws Exception {
        long n = 0;
        try (var files = Files.list(logs)) {
            for (Path f : files.toList()) {
                n += Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> l.contains(" ERROR ")).count();
            }
        }
        return n;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: CrashSoak [--cycles N] [--seed S] [--services N] [--ingresses N] "
                        + "[--minutes M] [--jar JAR] [--work DIR] [--port N]; not " + args[i]);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }
}
