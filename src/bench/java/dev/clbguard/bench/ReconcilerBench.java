package dev.clbguard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.tencentcloudapi.common.Credential;

import dev.clbguard.emulator.ClbEmulator;
import dev.clbguard.facts.TencentClb;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.clbapi.ClbStateFile;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeTags;
import dev.clbguard.live.LiveIndex;
import dev.clbguard.reconcile.ReconcileLoop;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Converges {@code n} Ingresses (default 1,000) of class clbguard against the CLB API emulator limited to 20
 * requests/s per action, through the real SDK adapter, a CRUD mock API server and the reconcile loop; then
 * deletes them all and checks that no CLB and no tag of this cluster is left.
 * Usage: ReconcilerBench [n] [workers] [limit per action, 0 = none]
 */
public final class ReconcilerBench {

    static int LIMIT = 20;
    static final ClusterProfile PROFILE = new ClusterProfile("cls-7k2m9q4p", "ap-guangzhou", "vpc-4f8q2w1e", true,
            "100012345678", "qcloud");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        LIMIT = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init();
        ClbEmulator.Options eo = new ClbEmulator.Options(0, "AKIDbench000000000000000000000000", "bench-key", LIMIT,
                Duration.ZERO, Duration.ofMillis(200), Duration.ofMinutes(5));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (KubernetesClient client = api.createClient(); ClbEmulator emulator = new ClbEmulator(eo, List.of(), null).start();
                LiveIndex index = new LiveIndex(client).start()) {
            TencentClb cloud = new TencentClb(new Credential(eo.secretId(), eo.secretKey()),
                    new TencentClb.Options(PROFILE.region(), PROFILE.ownerUin(), emulator.endpoint(), emulator.endpoint(),
                            true, Duration.ofSeconds(2), Duration.ofSeconds(5), 5, Duration.ofMillis(200)), meters);
            ReconcileLoop loop = new ReconcileLoop(client, index, cloud, PROFILE, meters, new ReconcileLoop.Options(workers,
                    Duration.ofMinutes(10), Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(250), LIMIT));
            loop.start();

            ExecutorService pool = Executors.newFixedThreadPool(8);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String name = String.format("site-%04d", i);
                pool.submit(() -> client.network().v1().ingresses().inNamespace("bench").resource(new IngressBuilder()
                        .withNewMetadata().withName(name).withNamespace("bench").endMetadata().withNewSpec()
                        .withIngressClassName(Ownership.INGRESS_CLASS).endSpec()
                        .build()).create());
            }
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.MINUTES);
            long created = waitFor("all " + n + " Ingresses have a CLB and a VIP", () -> ready(client) == n, n);
            double createSecs = (created - t0) / 1e9;
            Map<String, Long> createCalls = new java.util.TreeMap<>(emulator.calls());
            int clbs = emulator.loadBalancers().size();

            long t1 = System.nanoTime();
            client.network().v1().ingresses().inNamespace("bench").delete();
            long deleted = waitFor("all Ingresses gone", () -> client.network().v1().ingresses().inNamespace("bench")
                    .list().getItems().isEmpty(), n);
            double deleteSecs = (deleted - t1) / 1e9;
            Map<String, Long> allCalls = new java.util.TreeMap<>(emulator.calls());
            loop.stop();

            List<ClbStateFile.Lb> left = emulator.loadBalancers();
            long taggedLeft = left.stream().filter(c -> PROFILE.clusterId().equals(c.tag(TkeTags.CLUSTER_ID))).count();
            // Each Ingress needs at least one CreateLoadBalancer, DescribeTaskStatus and DescribeLoadBalancers to
            // converge, and one DeleteLoadBalancer to go: at 20/s per action, n/20 seconds per phase at best.
            double bound = LIMIT == 0 ? 0 : n / (double) LIMIT;
            System.out.printf("ingresses: %d, workers: %d, emulator limit: %d requests/s per action%n", n, workers, LIMIT);
            System.out.printf("converge: %.1f s (bound %.1f s, %.0f%% of it), CLBs created: %d%n", createSecs, bound,
                    100 * bound / createSecs, clbs);
            System.out.printf("delete:   %.1f s (bound %.1f s, %.0f%% of it)%n", deleteSecs, bound, 100 * bound / deleteSecs);
            System.out.println("calls after converge: " + createCalls);
            System.out.println("calls in total:       " + allCalls);
            Map<String, Long> outcomes = new java.util.TreeMap<>();
            meters.getMeters().forEach(m -> {
                if (m.getId().getName().equals("clbguard.cloud.calls") && m instanceof io.micrometer.core.instrument.Timer t) {
                    outcomes.merge(m.getId().getTag("action") + "=" + m.getId().getTag("outcome"), t.count(), Long::sum);
                }
            });
            System.out.println("SDK calls by outcome (incl. the adapter's retries): " + outcomes);
            System.out.printf("left after delete: %d CLBs, %d CLBs tagged tke-clusterId=%s%n", left.size(), taggedLeft,
                    PROFILE.clusterId());
            if (clbs != n || !left.isEmpty() || taggedLeft != 0) {
                System.out.println("FAILED: expected " + n + " CLBs created and none left");
                System.exit(1);
            }
        } finally {
            api.destroy();
        }
        System.exit(0);
    }

    static long ready(KubernetesClient client) {
        List<Ingress> items = client.network().v1().ingresses().inNamespace("bench").list().getItems();
        return items.stream().filter(i -> i.getStatus() != null && i.getStatus().getLoadBalancer() != null
                && i.getStatus().getLoadBalancer().getIngress() != null
                && !i.getStatus().getLoadBalancer().getIngress().isEmpty()).count();
    }

    static long waitFor(String what, java.util.function.BooleanSupplier done, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + n); // far beyond the bound
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out: " + what);
            }
            Thread.sleep(250);
        }
        return System.nanoTime();
    }
}
