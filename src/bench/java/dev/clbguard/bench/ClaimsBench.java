package dev.clbguard.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.live.LiveIndex;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Decision;
import dev.clbguard.policy.FactsSource;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyCatalog;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.PolicyFiles;
import dev.clbguard.policy.PolicySet;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbLookup;
import dev.clbguard.policyfiles.PolicySources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * Admission with claims: the validating evaluation of a sharing Service CREATE (the default policies, its CLB's
 * facts in hand as a cache hit would give them, the claims read from the live-object index) with an index of
 * {@code objects} live Services and Ingresses, each naming a CLB, against an empty index; and how long the index
 * takes to see a new object (what a claim's window must cover). The index is fed by real informers from fabric8's mock
 * API server in CRUD mode. Usage: ClaimsBench [objects] [evaluations]
 */
public final class ClaimsBench {

    static final ClusterProfile PROFILE = new ClusterProfile("cls-7k2m9q4p", "ap-guangzhou", "vpc-4f8q2w1e", true,
            "100012345678", "qcloud");

    public static void main(String[] args) throws Exception {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int evaluations = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        PolicySet policies = PolicyCatalog.bind(PolicyFiles.parse(PolicySources.read(Path.of("policies")),
                PolicyCatalog.byId(), Set.of("kube-system")).configs());
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            long fill = System.nanoTime();
            for (int i = 0; i < objects; i++) {
                client.resource(i % 2 == 0 ? service("svc-" + i, id(i), 80) : ingress("ing-" + i, id(i))).create();
            }
            System.out.printf("filled the API server with %d objects in %.1f s%n", objects, (System.nanoTime() - fill) / 1e9);
            try (LiveIndex empty = new LiveIndex(server.createClient()); LiveIndex full = new LiveIndex(client).start()) {
                while (!full.synced() || full.size() < objects) {
                    Thread.sleep(10);
                }
                // The CLB under review is named by one live sharing Service on another port: the claims path runs in full.
                client.resource(service("shared", "lb-zzzzzzzz", 8080)).create();
                while (full.claims("lb-zzzzzzzz").isEmpty()) {
                    Thread.onSpinWait();
                }
                ObjectReview review = new ObjectReview(ResourceKind.SERVICE, Operation.CREATE,
                        service("under-review", "lb-zzzzzzzz", 443), null, false, Origin.VALIDATING_CALL);
                review.object().getMetadata().setUid("11111111-2222-4333-8444-555555555555");
                ClbFacts found = new ClbFacts(Map.of("lb-zzzzzzzz", new ClbLookup.Found(new ClbInfo("lb-zzzzzzzz",
                        "bench", "OPEN", 1, "vpc-4f8q2w1e", null, List.of("203.0.113.10"), Map.of(), List.of()))));
                FactsSource none = ids -> found;
                FactsSource withEmpty = ids -> found.withClaims(empty::claims);
                FactsSource withFull = ids -> found.withClaims(((Claims) full::claims));
                for (int round = 0; round < 3; round++) {
                    report("without claims (before)   ", measure(review, policies, none, evaluations));
                    report("claims, empty index       ", measure(review, policies, withEmpty, evaluations));
                    report("claims, index of " + objects, measure(review, policies, withFull, evaluations));
                }
                lag(client, full);
            }
        } finally {
            server.destroy();
        }
    }

    /** From the API server's answer to a CREATE until the index holds the object's claim. */
    static void lag(KubernetesClient client, LiveIndex index) {
        long[] nanos = new long[50];
        for (int i = 0; i < nanos.length; i++) {
            String id = "lb-lag" + String.format("%05d", i);
            client.resource(service("lag-" + i, id, 80)).create();
            long start = System.nanoTime();
            while (index.claims(id).isEmpty()) {
                Thread.onSpinWait();
            }
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("index lag after a CREATE (%d samples): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", nanos.length,
                nanos[nanos.length / 2] / 1e6, nanos[nanos.length * 99 / 100] / 1e6, nanos[nanos.length - 1] / 1e6);
    }

    static long[] measure(ObjectReview review, PolicySet policies, FactsSource facts, int n) {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            Decision d = PolicyEngine.evaluate(review, policies, PROFILE, facts);
            nanos[i] = System.nanoTime() - start;
            if (!d.allowed()) {
                throw new IllegalStateException("expected an allowed review: " + d.denials());
            }
        }
        return nanos;
    }

    static void report(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: p50 %.1f µs, p99 %.1f µs%n", label, sorted[sorted.length / 2] / 1e3,
                sorted[sorted.length * 99 / 100] / 1e3);
    }

    static String id(int i) {
        return "lb-" + String.format("%08d", i);
    }

    static Service service(String name, String lb, int port) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("bench")
                .addToAnnotations("service.kubernetes.io/tke-existed-lbid", lb)
                .addToAnnotations("service.kubernetes.io/qcloud-share-existed-lb", "true").endMetadata().withNewSpec()
                .withType("LoadBalancer").addNewPort().withPort(port).withProtocol("TCP").endPort().endSpec().build();
    }

    static HasMetadata ingress(String name, String lb) {
        return new IngressBuilder().withNewMetadata().withName(name).withNamespace("bench")
                .addToAnnotations("kubernetes.io/ingress.existLbId", lb).endMetadata().withNewSpec().endSpec().build();
    }

    private ClaimsBench() {
    }
}
