package dev.clbguard.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * What multi-process tests rely on the standalone mock API server for: it is a compare-and-swap store, as etcd
 * behind a real API server is. A create of an existing name, an update and a delete with a stale resourceVersion
 * are refused with 409; a watch delivers what another client writes; a slow write is applied before it is answered.
 */
class ApiServerProcessTest {

    static ApiServerProcess server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServerProcess.start();
        client = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl(server.url()).withNamespace("clbguard").withTrustCerts(true).build()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static Lease lease(String name, String holder) {
        return new LeaseBuilder().withNewMetadata().withName(name).withNamespace("clbguard").endMetadata()
                .withNewSpec().withHolderIdentity(holder).endSpec().build();
    }

    @Test
    void aCreateOfAnExistingNameIsRefusedWith409() {
        client.resource(lease("create-twice", "a")).create();
        KubernetesClientException e = assertThrows(KubernetesClientException.class,
                () -> client.resource(lease("create-twice", "b")).create());
        assertEquals(409, e.getCode());
        assertEquals("a", client.leases().withName("create-twice").get().getSpec().getHolderIdentity());
    }

    /** Creates {@code name} held by "a", then changes it to "b": the first version, then the second. */
    private static List<Lease> createdThenChanged(String name) {
        Lease first = client.resource(lease(name, "a")).create();
        Lease read = client.leases().withName(name).get();
        read.getSpec().setHolderIdentity("b");
        return List.of(first, client.resource(read).update());
    }

    @Test
    void anUpdateWithAStaleResourceVersionIsRefusedWith409() {
        List<Lease> versions = createdThenChanged("cas");
        Lease first = versions.get(0);
        assertNotEquals(first.getMetadata().getResourceVersion(), versions.get(1).getMetadata().getResourceVersion());
        first.getSpec().setHolderIdentity("c");
        KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> client.resource(first).update());
        assertEquals(409, e.getCode());
        assertEquals("b", client.leases().withName("cas").get().getSpec().getHolderIdentity());
    }

    @Test
    void aDeleteWithAStaleResourceVersionIsRefusedWith409() {
        List<Lease> versions = createdThenChanged("delete-cas");
        Lease first = versions.get(0);
        Lease won = versions.get(1);
        KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> client.leases()
                .withName("delete-cas").lockResourceVersion(first.getMetadata().getResourceVersion()).delete());
        assertEquals(409, e.getCode());
        assertEquals("b", client.leases().withName("delete-cas").get().getSpec().getHolderIdentity());
        client.leases().withName("delete-cas").lockResourceVersion(won.getMetadata().getResourceVersion()).delete();
        assertNull(client.leases().withName("delete-cas").get());
    }

    @Test
    void aSlowWriteIsAppliedAtOnceAndAnsweredLater() throws Exception {
        try (ApiServerProcess slow = ApiServerProcess.start(List.of("--slow-writes", "slow-one=3000"));
                KubernetesClient c = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                        .withMasterUrl(slow.url()).withNamespace("clbguard").build()).build()) {
            CompletableFuture<Lease> created = CompletableFuture.supplyAsync(() -> c.resource(lease("slow-one", "a")).create());
            long start = System.nanoTime();
            while (c.leases().withName("slow-one").get() == null) {
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "the slow write was not applied at once");
                Thread.sleep(20);
            }
            assertFalse(created.isDone(), "the slow write was answered at once");
            assertEquals("a", created.get(10, TimeUnit.SECONDS).getSpec().getHolderIdentity());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(2500), "answered before its delay");
            c.resource(lease("quick-one", "a")).create(); // other writes are not slowed
        }
    }

    @Test
    void aWatchDeliversWhatAnotherClientWrites() throws Exception {
        CountDownLatch added = new CountDownLatch(1);
        try (Watch w = client.leases().watch(new Watcher<Lease>() {
            @Override
            public void eventReceived(Action action, Lease resource) {
                if (action == Action.ADDED && "watched".equals(resource.getMetadata().getName())) {
                    added.countDown();
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        }); KubernetesClient other = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl(server.url()).withNamespace("clbguard").build()).build()) {
            other.resource(lease("watched", "a")).create();
            assertTrue(added.await(10, TimeUnit.SECONDS), "the watch saw the other client's create");
        }
    }

    @Test
    void theProcessEndsWhenItsParentClosesItsInput() throws Exception {
        ApiServerProcess other = ApiServerProcess.start();
        assertTrue(other.alive());
        other.close();
        assertFalse(other.alive());
    }
}
