package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import dev.clbguard.kube.ClaimLease;
import dev.clbguard.kube.ClaimLeases;
import dev.clbguard.policy.PolicySet;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.testing.ApiServerProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Pairs of objects naming one free CLB, claimed at the same moment through three clients of one API server process
 * (each as a replica holds its own): exactly one of each pair is allowed, and its Lease holds it alone. The same
 * race with three clbguard processes, at 500 pairs and more, is src/bench/replicas.sh.
 */
class LeaseClaimsRaceTest {

    private static final int PAIRS = 150;
    private static final Duration WINDOW = Duration.ofSeconds(60);

    @Test
    void exactlyOneOfEachPairIsAllowed() throws Exception {
        PolicySet policies = LeaseClaimsTest.policies(c -> c);
        ExecutorService executor = Executors.newCachedThreadPool();
        List<KubernetesClient> clients = new ArrayList<>();
        try (ApiServerProcess api = ApiServerProcess.start()) {
            List<LeaseClaims> replicas = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                KubernetesClient c = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(api.url())
                        .withRequestRetryBackoffLimit(0).build()).build();
                clients.add(c);
                replicas.add(new LeaseClaims(new ClaimLeases(c, "clbguard", WINDOW), WINDOW, Duration.ofSeconds(10),
                        Clock.systemUTC(), executor));
            }
            int exactlyOne = 0;
            for (int i = 0; i < PAIRS; i++) {
                String lb = String.format("lb-race%04d", i);
                HasMetadata a = i % 2 == 0 ? LeaseClaimsTest.service("a" + i, lb, Map.of()) : LeaseClaimsTest.ingress("a" + i, lb, Map.of());
                HasMetadata b = LeaseClaimsTest.service("b" + i, lb, Map.of());
                LeaseClaims ra = replicas.get(i % 3);
                LeaseClaims rb = replicas.get((i + 1) % 3);
                CyclicBarrier together = new CyclicBarrier(2);
                CompletableFuture<LeaseClaims.Outcome> fa = CompletableFuture.supplyAsync(() -> race(together,
                        () -> LeaseClaimsTest.admit(ra, a, lb, false, Optional.of(Claims.NONE), policies)), executor);
                CompletableFuture<LeaseClaims.Outcome> fb = CompletableFuture.supplyAsync(() -> race(together,
                        () -> LeaseClaimsTest.admit(rb, b, lb, false, Optional.of(Claims.NONE), policies)), executor);
                LeaseClaims.Outcome oa = fa.join();
                LeaseClaims.Outcome ob = fb.join();
                boolean allowedA = oa.decision().allowed();
                boolean allowedB = ob.decision().allowed();
                assertEquals(1, (allowedA ? 1 : 0) + (allowedB ? 1 : 0), "pair " + i + ": " + oa + " / " + ob);
                assertEquals(List.of((allowedA ? a : b).getMetadata().getName()), ClaimLease.holders(clients.get(0).leases()
                        .inNamespace("clbguard").withName(ClaimLease.name(lb)).get()).stream()
                        .map(h -> h.claim().object().name()).toList());
                exactlyOne++;
            }
            assertEquals(PAIRS, exactlyOne);
        } finally {
            clients.forEach(KubernetesClient::close);
            executor.shutdownNow();
        }
    }

    private static <T> T race(CyclicBarrier barrier, java.util.function.Supplier<T> call) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return call.get();
    }
}
