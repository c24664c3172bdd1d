package dev.clbguard.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.clbguard.kube.EventRecorder;
import dev.clbguard.live.LiveIndex;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * The reconciler on the shared cache: a pass with nothing to do makes no API call, and every write is based on the
 * whole object read from the API server, never on the cache's lean copy (which would drop the fields it lacks).
 */
class ReconcilerCacheTest {

    private KubernetesMockServer server;
    private KubernetesClient client;
    private LiveIndex index;
    private final FakeCloud cloud = new FakeCloud();
    private Reconciler reconciler;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
                false);
        server.init();
        client = server.createClient();
        index = new LiveIndex(client).start();
        reconciler = new Reconciler(client, cloud, LifecycleDecisionTest.PROFILE, new EventRecorder(client),
                Duration.ofMillis(10), k -> index.cached(k.kind(), k.namespace(), k.name()));
    }

    @AfterEach
    void stop() {
        index.close();
        client.close();
        server.destroy();
    }

    @Test
    void aConvergedObjectCostsNoApiCallAndAWriteKeepsWhatTheCacheDrops() throws Exception {
        Ingress created = client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder()
                .withNewMetadata().withName("checkout").withNamespace("shop")
                .withLabels(Map.of("app", "checkout", "team", "payments"))
                .withAnnotations(Map.of(TkeAnnotations.INGRESS_CLASS, Ownership.INGRESS_CLASS,
                        "kubectl.kubernetes.io/last-applied-configuration", "{\"kind\":\"Ingress\"}"))
                .endMetadata().withNewSpec().addNewRule().withHost("shop.example.com").withNewHttp().addNewPath()
                .withPath("/pay").withPathType("Prefix").withNewBackend().withNewService().withName("pay")
                .withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule()
                .endSpec().build()).create();
        ObjectKey key = new ObjectKey(ResourceKind.INGRESS, "shop", "checkout");
        awaitCached(key, created.getMetadata().getResourceVersion());

        // Converge: finalizer, CLB, id, status; each write from a whole read.
        for (int i = 0; i < 40; i++) {
            Reconciler.Result r = reconciler.reconcile(key);
            Ingress now = client.network().v1().ingresses().inNamespace("shop").withName("checkout").get();
            awaitCached(key, now.getMetadata().getResourceVersion());
            if (r instanceof Reconciler.Result.Done) {
                break;
            }
            Thread.sleep(20);
        }
        Ingress stored = client.network().v1().ingresses().inNamespace("shop").withName("checkout").get();
        assertNotNull(stored.getMetadata().getAnnotations().get(TkeAnnotations.INGRESS_LOADBALANCE_ID), "converged");
        assertTrue(stored.getMetadata().getFinalizers().contains(Subject.FINALIZER));
        assertEquals(Map.of("app", "checkout", "team", "payments"), stored.getMetadata().getLabels(),
                "the writes kept the labels the cache does not hold");
        assertEquals("/pay", stored.getSpec().getRules().get(0).getHttp().getPaths().get(0).getPath(),
                "and the rule paths");
        assertTrue(stored.getMetadata().getAnnotations().containsKey("kubectl.kubernetes.io/last-applied-configuration"));

        int before = server.getRequestCount();
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(Reconciler.Result.Done.class, reconciler.reconcile(key));
        }
        assertEquals(0, server.getRequestCount() - before, "a pass with nothing to do reads the cache only");
    }

    @Test
    void aStaleCacheIsNeverActedOn() throws Exception {
        Ingress created = client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder()
                .withNewMetadata().withName("docs").withNamespace("shop")
                .withAnnotations(Map.of(TkeAnnotations.INGRESS_CLASS, Ownership.INGRESS_CLASS)).endMetadata()
                .withNewSpec().endSpec().build()).create();
        ObjectKey key = new ObjectKey(ResourceKind.INGRESS, "shop", "docs");
        awaitCached(key, created.getMetadata().getResourceVersion());
        // The object is handed back to TKE, and the cache has not seen it yet: the cache says "add a finalizer".
        HasMetadata stale = index.cached(ResourceKind.INGRESS, "shop", "docs");
        Reconciler onStale = new Reconciler(client, cloud, LifecycleDecisionTest.PROFILE, new EventRecorder(client),
                Duration.ofMillis(10), k -> stale);
        Ingress handedBack = client.network().v1().ingresses().inNamespace("shop").withName("docs").get();
        handedBack.getMetadata().getAnnotations().put(TkeAnnotations.INGRESS_CLASS, "qcloud");
        client.resource(handedBack).update();

        assertInstanceOf(Reconciler.Result.Done.class, onStale.reconcile(key));
        Ingress after = client.network().v1().ingresses().inNamespace("shop").withName("docs").get();
        assertEquals(List.of(), after.getMetadata().getFinalizers(), "decided again on the whole object: TKE's now");
        assertEquals(0, cloud.all().size(), "no CLB created from the stale copy");
    }

    private void awaitCached(ObjectKey key, String resourceVersion) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            HasMetadata c = index.cached(key.kind(), key.namespace(), key.name());
            if (c != null && resourceVersion.equals(c.getMetadata().getResourceVersion())) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the cache never saw " + key + " at " + resourceVersion);
    }
}
