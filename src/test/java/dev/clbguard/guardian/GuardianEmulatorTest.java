package dev.clbguard.guardian;

import dev.clbguard.facts.SweptClb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.tencentcloudapi.common.Credential;

import dev.clbguard.facts.SweptClb;
import dev.clbguard.emulator.ClbEmulator;
import dev.clbguard.facts.ClbCloud;
import dev.clbguard.facts.TencentClb;
import dev.clbguard.live.LiveIndex;
import dev.clbguard.clbapi.ClbStateFile;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The guardian end to end: the real SDK adapter against the CLB API emulator (paged, tag-filtered
 * DescribeLoadBalancers, UnTagResources, DeleteLoadBalancer on the wire), a CRUD mock API server behind the
 * live-object index, and a clock the test moves. Every interlock has a test here.
 */
class GuardianEmulatorTest {

    static final String CLUSTER = "cls-7k2m9q4p";
    static final Duration GRACE = Duration.ofMinutes(10);
    static final List<String> WRITES = List.of("UnTagResources", "DeleteLoadBalancer", "TagResources",
            "DeleteLoadBalancerListeners");

    KubernetesMockServer api;
    KubernetesClient client;
    LiveIndex index;
    ClbEmulator emulator;
    TencentClb cloud;
    final AtomicLong clock = new AtomicLong(System.currentTimeMillis());

    @BeforeEach
    void start() {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
                false);
        api.init();
        client = api.createClient();
        index = new LiveIndex(client);
        ClbEmulator.Options o = ClbEmulator.Options.forTests();
        o = new ClbEmulator.Options(0, o.secretId(), o.secretKey(), 0, Duration.ZERO, Duration.ofMillis(20),
                o.maxClockSkew());
        emulator = new ClbEmulator(o, List.of(), null).start();
        cloud = new TencentClb(new Credential(emulator.secretId(), emulator.secretKey()),
                new TencentClb.Options("ap-guangzhou", "100012345678", emulator.endpoint(), emulator.endpoint(), true,
                        Duration.ofSeconds(2), Duration.ofSeconds(5), 3, Duration.ofMillis(50)),
                new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        index.close();
        client.close();
        emulator.close();
        api.destroy();
    }

    Guardian guardian(boolean repair, int rate) {
        return new Guardian(cloud, index, client, new SimpleMeterRegistry(),
                new Guardian.Options(CLUSTER, GRACE, Duration.ofMinutes(5), repair, rate), clock::get);
    }

    void synced() {
        index.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!index.synced()) {
            assertTrue(System.nanoTime() < deadline, "informers did not sync");
            Thread.onSpinWait();
        }
    }

    Service service(String name, String uid) {
        var b = new ServiceBuilder().withNewMetadata().withName(name).withNamespace("shop");
        if (uid != null) {
            b.withUid(uid);
        }
        return client.services().inNamespace("shop").resource(b.endMetadata().withNewSpec().withType("LoadBalancer")
                .addNewPort().withPort(80).endPort().endSpec().build()).create();
    }

    /** A CLB made through the SDK with exactly these tags; its id. */
    String clb(String... kv) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            tags.put(kv[i], kv[i + 1]);
        }
        return cloud.create(new ClbCloud.CreateSpec("test", "OPEN", "vpc-4f8q2w1e", null, tags,
                UUID.randomUUID().toString())).lbId();
    }

    ClbStateFile.Lb now(String id) {
        return emulator.loadBalancers().stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
    }

    long writes() {
        return WRITES.stream().mapToLong(emulator::calls).sum();
    }

    String tke(String uuidTag, String uid) {
        return clb(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER, uuidTag, uid);
    }

    record World(String liveUid, String stale, String leaked, String owned, String unowned, String userOwned, String other) {
    }

    /** A live Service TKE has served: its CLB id recorded, so it is converged. */
    String served(String name) {
        String uid = service(name, null).getMetadata().getUid();
        String lb = tke(TkeTags.SERVICE_UUID, uid);
        client.services().inNamespace("shop").withName(name).edit(s -> {
            s.getMetadata().setAnnotations(Map.of(dev.clbguard.policy.tke.TkeAnnotations.SERVICE_LOADBALANCE_ID, lb));
            return s;
        });
        return lb;
    }

    /** One CLB of each situation, and one live Service so the cache is not empty. */
    World world() {
        String owned = served("alive");
        return new World(now(owned).tag(TkeTags.SERVICE_UUID),
                clb(TkeTags.CLUSTER_ID, CLUSTER, TkeTags.INGRESS_UUID, "dead-ingress", "team", "shop"),
                tke(TkeTags.SERVICE_UUID, "dead-service"),
                owned,
                clb(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER),
                clb(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "dead-2",
                        TkeTags.LIFECYCLE_OWNER, "user"),
                clb(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, "cls-other000", TkeTags.SERVICE_UUID, "dead-3"));
    }

    static Map<String, String> kinds(GuardianReport r) {
        Map<String, String> m = new java.util.TreeMap<>();
        r.findings().forEach(i -> m.put(i.object() != null ? i.object() : i.clb(), i.kind() + "/" + i.repair()));
        return m;
    }

    @Test
    void withoutRepairFindingsAppearAfterTheGracePeriodAndNothingIsWritten() {
        World w = world();
        synced();
        Guardian g = guardian(false, 5);
        long before = writes();
        assertEquals(Map.of(w.unowned(), "unowned-clb/none"), kinds(g.sweep()));
        clock.addAndGet(GRACE.toMillis() - 1);
        assertEquals(Map.of(w.unowned(), "unowned-clb/none"), kinds(g.sweep()), "not before the grace period");
        clock.addAndGet(1);
        GuardianReport r = g.sweep();
        assertEquals(Map.of(w.stale(), "stale-owner-tag/off", w.leaked(), "leaked-clb/off", w.unowned(), "unowned-clb/none",
                w.userOwned(), "leaked-clb/none"), kinds(r));
        assertEquals(before, writes(), "report only: no cloud write");
        assertEquals(5, r.clbsSwept(), "the other cluster's CLB is not even listed");
        var leaked = r.findings().stream().filter(i -> i.clb().equals(w.leaked())).findFirst().orElseThrow();
        assertNotNull(leaked.createTime());
        assertEquals(now(w.leaked()).vips(), leaked.vips());
    }

    @Test
    void withRepairStaleTagsGoAndLeakedClbsAreDeletedButNothingElse() {
        World w = world();
        synced();
        Guardian g = guardian(true, 5);
        g.sweep();
        clock.addAndGet(GRACE.toMillis());
        GuardianReport r = g.sweep();
        assertEquals("stale-owner-tag/done", kinds(r).get(w.stale()));
        assertEquals("leaked-clb/done", kinds(r).get(w.leaked()));
        assertEquals(Map.of("team", "shop"), now(w.stale()).tags(), "the uuid tag and tke-clusterId, in one call");
        awaitGone(w.leaked());
        for (String kept : List.of(w.owned(), w.unowned(), w.userOwned(), w.other())) {
            assertNotNull(now(kept), kept + " must never be deleted");
        }
        assertEquals(CLUSTER, now(w.owned()).tag(TkeTags.CLUSTER_ID));
        assertEquals("dead-3", now(w.other()).tag(TkeTags.SERVICE_UUID), "another cluster's tags are never touched");
        assertEquals(1, emulator.calls("DeleteLoadBalancer"));
        assertEquals(1, emulator.calls("UnTagResources"));

        clock.addAndGet(GRACE.toMillis());
        GuardianReport after = g.sweep();
        assertEquals(Map.of(w.unowned(), "unowned-clb/none", w.userOwned(), "leaked-clb/none"), kinds(after),
                "repairs are not repeated once done");
    }

    void awaitGone(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (now(id) != null) {
            assertTrue(System.nanoTime() < deadline, id + " still exists");
            Thread.onSpinWait();
        }
    }

    @Test
    void interlockNothingHappensBeforeTheInformersHaveSynced() {
        world();
        Guardian g = guardian(true, 5); // index never started: nothing has been listed
        GuardianReport r = g.sweep();
        clock.addAndGet(GRACE.toMillis() * 3);
        r = g.sweep();
        assertTrue(r.held().contains("not synced"), r.held());
        assertEquals(List.of(), r.findings());
        assertEquals(0, emulator.calls("DescribeLoadBalancers"), "no listing, so no absence is ever observed");
        assertEquals(0, writes() - emulator.calls("TagResources"));
    }

    @Test
    void interlockAnOwnerMustBeAbsentTwiceAGracePeriodApart() {
        World w = world();
        synced();
        Guardian g = guardian(true, 5);
        clock.addAndGet(GRACE.toMillis() * 5);
        GuardianReport first = g.sweep();
        assertFalse(kinds(first).containsKey(w.leaked()), "one absence, however late, is not enough");
        assertFalse(kinds(first).containsKey(w.stale()));
        assertNotNull(now(w.leaked()));
    }

    @Test
    void interlockNoRepairWhileTheLiveObjectCacheIsEmpty() {
        String stale = clb(TkeTags.CLUSTER_ID, CLUSTER, TkeTags.INGRESS_UUID, "dead-ingress");
        String leaked = tke(TkeTags.SERVICE_UUID, "dead-service");
        synced();
        Guardian g = guardian(true, 5);
        g.sweep();
        clock.addAndGet(GRACE.toMillis());
        GuardianReport r = g.sweep();
        assertEquals(Map.of(stale, "stale-owner-tag/held", leaked, "leaked-clb/held"), kinds(r));
        assertTrue(r.held().contains("empty"), r.held());
        assertEquals(0, emulator.calls("UnTagResources") + emulator.calls("DeleteLoadBalancer"));
        assertNotNull(now(leaked));
    }

    @Test
    void interlockAtMostRepairRateWritesAMinute() {
        served("alive");
        List<String> leaked = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            leaked.add(tke(TkeTags.SERVICE_UUID, "dead-" + i));
        }
        synced();
        Guardian g = guardian(true, 5);
        g.sweep();
        clock.addAndGet(GRACE.toMillis());
        GuardianReport r = g.sweep();
        assertEquals(5, r.findings().stream().filter(i -> i.repair().equals("done")).count());
        assertEquals(2, r.findings().stream().filter(i -> i.repair().equals("deferred")).count());
        assertEquals(5, emulator.calls("DeleteLoadBalancer"));
        clock.addAndGet(30_000);
        g.sweep();
        assertEquals(5, emulator.calls("DeleteLoadBalancer"), "still within the same minute");
        clock.addAndGet(Duration.ofMinutes(1).toMillis());
        g.sweep();
        assertEquals(7, emulator.calls("DeleteLoadBalancer"));
        leaked.forEach(this::awaitGone);
    }

    @Test
    void interlockAClbThatRegainsAnOwnerBeforeTheRepairIsLeftAlone() {
        String owner = service("new-owner", null).getMetadata().getUid();
        String c = tke(TkeTags.SERVICE_UUID, "dead-service");
        synced();
        // Between the listing and the repair, TKE reuses the CLB for a live Service: the fresh read sees it.
        ClbCloud reclaimedMidway = new ClbCloud() {
            @Override
            public java.util.Optional<ClbInfo> describe(String lbId) {
                cloud.tag(lbId, Map.of(TkeTags.SERVICE_UUID, owner));
                return cloud.describe(lbId);
            }

            @Override
            public List<ClbInfo> findByTags(Map<String, String> tags) {
                return cloud.findByTags(tags);
            }

            @Override
            public List<SweptClb> listByTag(String key, String value) {
                return cloud.listByTag(key, value);
            }

            @Override
            public Created create(CreateSpec spec) {
                return cloud.create(spec);
            }

            @Override
            public TaskStatus taskStatus(String requestId) {
                return cloud.taskStatus(requestId);
            }

            @Override
            public java.util.Optional<String> delete(String lbId) {
                return cloud.delete(lbId);
            }

            @Override
            public java.util.Optional<String> deleteListeners(String lbId, java.util.Collection<String> ids) {
                return cloud.deleteListeners(lbId, ids);
            }

            @Override
            public void tag(String lbId, Map<String, String> tags) {
                cloud.tag(lbId, tags);
            }

            @Override
            public void untag(String lbId, java.util.Set<String> keys) {
                cloud.untag(lbId, keys);
            }
        };
        Guardian g = new Guardian(reclaimedMidway, index, client, new SimpleMeterRegistry(),
                new Guardian.Options(CLUSTER, GRACE, Duration.ofMinutes(5), true, 5), clock::get);
        g.sweep();
        clock.addAndGet(GRACE.toMillis());
        assertEquals("leaked-clb/changed", kinds(g.sweep()).get(c));
        assertEquals(0, emulator.calls("DeleteLoadBalancer"));
        assertEquals(owner, now(c).tag(TkeTags.SERVICE_UUID));
        clock.addAndGet(GRACE.toMillis());
        assertFalse(kinds(g.sweep()).containsKey(c), "its owner is alive now");
    }

    @Test
    void aKillInTheMiddleOfARepairConvergesWithoutHarm() throws Exception {
        World w = world();
        synced();
        Guardian first = guardian(true, 5);
        first.sweep();
        clock.addAndGet(GRACE.toMillis());
        emulator.setLatency(Duration.ofMillis(300));
        Thread sweeping = new Thread(first::sweep);
        sweeping.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (emulator.calls("DeleteLoadBalancer") + emulator.calls("UnTagResources") == 0) {
            assertTrue(System.nanoTime() < deadline, "no repair was sent");
            Thread.onSpinWait();
        }
        // The process dies with a write on the wire: its memory is lost, the request lands or not.
        sweeping.interrupt();
        emulator.setLatency(Duration.ZERO);
        Map<String, String> staleTags = now(w.stale()).tags();
        assertTrue(staleTags.containsKey(TkeTags.CLUSTER_ID) == staleTags.containsKey(TkeTags.INGRESS_UUID),
                "never a half-removed tag set: " + staleTags);

        Guardian second = guardian(true, 5); // a new process: every absence must be seen twice again
        second.sweep();
        clock.addAndGet(GRACE.toMillis());
        second.sweep();
        clock.addAndGet(GRACE.toMillis());
        second.sweep();
        sweeping.join(10_000);
        awaitGone(w.leaked());
        assertEquals(Map.of("team", "shop"), now(w.stale()).tags());
        for (String kept : List.of(w.owned(), w.unowned(), w.userOwned(), w.other())) {
            assertNotNull(now(kept), kept);
        }
        assertNull(now(w.leaked()));
    }

    @Test
    void anObjectWithoutItsClbIdPastTheTimeoutGetsAWarningEventNamingWhatClbguardSees() {
        served("fine");
        Service stuck = client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata()
                .withName("stuck").withNamespace("shop")
                .withAnnotations(Map.of(dev.clbguard.policy.tke.TkeAnnotations.SERVICE_EXISTED_LBID, "lb-zzzzzzzz"))
                .endMetadata().withNewSpec().withType("LoadBalancer").addNewPort().withPort(80).endPort().endSpec()
                .build()).create();
        client.v1().events().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata().withName("stuck.tke").endMetadata().withNewInvolvedObject().withKind("Service")
                .withNamespace("shop").withName("stuck").withUid(stuck.getMetadata().getUid()).endInvolvedObject()
                .withReason("EnsureLoadBalancerFailed").withMessage("E4011 lb-zzzzzzzz not found").withNewSource()
                .withComponent("service-controller").endSource().withType("Warning").build()).create();
        synced();
        Guardian g = guardian(false, 5);
        assertEquals(Map.of(), kinds(g.sweep()), "not before the timeout");
        clock.addAndGet(Duration.ofMinutes(5).toMillis() + 1000);
        GuardianReport r = g.sweep();
        assertEquals(Map.of("Service shop/stuck", "not-converged/none"), kinds(r));
        String message = r.findings().get(0).message();
        assertTrue(message.contains("lb-zzzzzzzz, does not exist"), message);
        assertTrue(message.contains("TKE's last Event: EnsureLoadBalancerFailed: E4011 lb-zzzzzzzz not found"), message);
        assertTrue(client.v1().events().inNamespace("shop").list().getItems().stream()
                .anyMatch(e -> "NotConverged".equals(e.getReason()) && "Warning".equals(e.getType())
                        && stuck.getMetadata().getUid().equals(e.getInvolvedObject().getUid())
                        && e.getMessage().equals(message)));

        // Said once: the next sweeps report it the same, with no Event written and no Events read again.
        int requests = api.getRequestCount();
        long describes = emulator.calls("DescribeLoadBalancers");
        clock.addAndGet(Duration.ofMinutes(10).toMillis());
        GuardianReport again = g.sweep();
        assertEquals(message, again.findings().get(0).message());
        assertEquals(0, api.getRequestCount() - requests, "no API request for an object already reported");
        assertEquals(1, emulator.calls("DescribeLoadBalancers") - describes, "the sweep's one listing page only");
    }

    @Test
    void aSweepOfAThousandClbsCostsTenCalls() {
        for (int i = 0; i < 1000; i++) {
            clb(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "owner-" + i);
        }
        for (int i = 0; i < 50; i++) {
            clb(TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, "cls-other000");
        }
        synced();
        long describes = emulator.calls("DescribeLoadBalancers");
        long start = System.nanoTime();
        GuardianReport r = guardian(false, 5).sweep();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1000, r.clbsSwept());
        assertEquals(List.of(), r.findings(), "every owner seen absent once only: none gone yet");
        assertEquals(10, emulator.calls("DescribeLoadBalancers") - describes, "ceil(1000 / 100) pages");
        assertEquals(0, emulator.calls("DescribeListeners"), "no per-CLB call");
        assertTrue(millis >= 900, "10 pages, at least 100 ms apart, take at least 0.9 s: " + millis + " ms");
        System.out.printf("guardian sweep of 1000 CLBs: %d DescribeLoadBalancers calls in %d ms%n",
                emulator.calls("DescribeLoadBalancers") - describes, millis);
    }
}
