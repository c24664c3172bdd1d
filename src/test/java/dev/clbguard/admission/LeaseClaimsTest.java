package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.clbguard.kube.ClaimLease;
import dev.clbguard.kube.ClaimLeases;
import dev.clbguard.testing.ApiServerProcess;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Decision;
import dev.clbguard.policy.LookupFailure;
import dev.clbguard.policy.Mode;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyCatalog;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.PolicySet;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbLookup;
import dev.clbguard.policy.clb.Holder;
import dev.clbguard.policy.rules.IngressExistingClb;
import dev.clbguard.policy.rules.ServiceExistingClb;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * The claim rules, each against fabric8's mock API server in CRUD mode (409 on a create of an existing name and on
 * a stale update) and judged by the real existing-CLB policies: create; on AlreadyExists read; the same object
 * renews; another that stands is denied naming it; one that no longer stands is taken over with the
 * resourceVersion read; a lost write is read again; objects that may share join the holders; a dry run only reads;
 * an API server that refuses, cannot be reached or is slow fails the claim within its budget, and the policy's
 * onLookupFailure answers.
 */
class LeaseClaimsTest {

    private static final ClusterProfile PROFILE = new ClusterProfile("cls-7k2m9q4p", "ap-guangzhou", "vpc-4f8q2w1e",
            false, "100012345678", "qcloud");
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final Duration BUDGET = Duration.ofSeconds(5);
    private static final Map<String, String> SHARE = Map.of(TkeAnnotations.SERVICE_SHARE_EXISTED_LB, "true");

    static KubernetesMockServer server;
    static KubernetesClient client;
    static final ExecutorService EXECUTOR = Executors.newCachedThreadPool();
    static int clbs;

    /** A clock the tests move: windows pass without waiting. */
    static final class MovingClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    final MovingClock clock = new MovingClock();
    final ClaimLeases leases = new ClaimLeases(client, "clbguard", WINDOW);
    final LeaseClaims claims = new LeaseClaims(leases, WINDOW, BUDGET, clock, EXECUTOR);
    final String lb = String.format("lb-clm%05d", ++clbs);

    @BeforeAll
    static void start() {
        server = ApiServerProcess.inProcess();
        server.init();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(server.url("/"))
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.destroy();
        EXECUTOR.shutdownNow();
    }

    @AfterEach
    void noThreadLeft() {
        assertFalse(Thread.currentThread().isInterrupted());
    }

    static HasMetadata service(String name, String lbId, Map<String, String> extra, int... ports) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName(name)
                .withUid(UUID.randomUUID().toString()).addToAnnotations(TkeAnnotations.SERVICE_EXISTED_LBID, lbId)
                .addToAnnotations(extra).endMetadata().withNewSpec().withType("LoadBalancer").endSpec();
        for (int p : ports.length == 0 ? new int[] {80} : ports) {
            b.editSpec().addNewPort().withPort(p).withProtocol("TCP").endPort().endSpec();
        }
        return b.build();
    }

    static HasMetadata ingress(String name, String lbId, Map<String, String> extra) {
        return new IngressBuilder().withNewMetadata().withNamespace("shop").withName(name)
                .withUid(UUID.randomUUID().toString()).addToAnnotations(TkeAnnotations.INGRESS_EXIST_LBID, lbId)
                .addToAnnotations(extra).endMetadata().withNewSpec().endSpec().build();
    }

    static PolicySet policies(UnaryOperator<PolicyConfig> edit) {
        return PolicyCatalog.bind(List.of(edit.apply(PolicyConfig.defaults(ServiceExistingClb.ID, Mode.ENFORCE)),
                edit.apply(PolicyConfig.defaults(IngressExistingClb.ID, Mode.ENFORCE))));
    }

    /** The free CLB {@code lbId} as a lookup finds it: this cluster's, in its VPC, no owner tag, no listener. */
    static ClbFacts free(String lbId) {
        ClbInfo clb = new ClbInfo(lbId, "free", "OPEN", 1, "vpc-4f8q2w1e", null, List.of(), Map.of(TkeTags.CLUSTER_ID,
                "cls-7k2m9q4p"), List.of());
        return new ClbFacts(Map.of(lbId, new ClbLookup.Found(clb)));
    }

    LeaseClaims.Outcome admit(LeaseClaims through, HasMetadata obj, boolean dryRun, Optional<Claims> live, PolicySet set) {
        return admit(through, obj, lb, dryRun, live, set);
    }

    /** The validating call of {@code obj} naming the free CLB {@code lb}, judged and claimed as the handler does. */
    static LeaseClaims.Outcome admit(LeaseClaims through, HasMetadata obj, String lb, boolean dryRun, Optional<Claims> live,
            PolicySet set) {
        ResourceKind kind = obj.getKind().equals("Ingress") ? ResourceKind.INGRESS : ResourceKind.SERVICE;
        ObjectReview review = new ObjectReview(kind, Operation.CREATE, obj, null, dryRun, Origin.VALIDATING_CALL);
        PolicyEngine.Plan plan = PolicyEngine.plan(review, set);
        ClbFacts facts = free(lb);
        Decision judged = PolicyEngine.evaluate(plan, PROFILE, ids -> facts);
        assertTrue(judged.allowed(), "the CLB alone allows it: " + judged.denials());
        Claim mine = Claim.of(obj, "").orElseThrow();
        return through.claim(mine, dryRun, false, live, judged, LeaseClaims.judge(plan, PROFILE, facts, lb));
    }

    LeaseClaims.Outcome admit(HasMetadata obj) {
        return admit(claims, obj, false, Optional.of(Claims.NONE), policies(c -> c));
    }

    static String denial(LeaseClaims.Outcome o) {
        assertFalse(o.decision().allowed(), "allowed");
        assertFalse(o.held());
        return String.join("; ", o.decision().denials().stream().map(Verdict::message).toList());
    }

    List<String> holders() {
        return ClaimLease.holders(leases.read(lb).orElseThrow()).stream().map(h -> h.claim().object().name()).toList();
    }

    String resourceVersion() {
        return leases.read(lb).orElseThrow().getMetadata().getResourceVersion();
    }

    @Test
    void aFreeClbIsTakenWithOneCreateInClbguardsNamespace() {
        int before = server.getRequestCount();
        LeaseClaims.Outcome o = admit(service("first", lb, Map.of()));
        assertTrue(o.held() && o.decision().allowed() && !o.failed());
        assertEquals(1, server.getRequestCount() - before, "one create, nothing else");
        Lease lease = client.leases().inNamespace("clbguard").withName("clb-claim-" + lb).get();
        assertEquals("Service shop/first", lease.getSpec().getHolderIdentity());
        assertEquals(lb, lease.getMetadata().getLabels().get(ClaimLease.LABEL));
    }

    @Test
    void theSameObjectRenewsItsEntryWithItsNewUid() {
        admit(service("web", lb, Map.of()));
        clock.now = clock.now.plusSeconds(30);
        HasMetadata again = service("web", lb, Map.of());
        LeaseClaims.Outcome o = admit(again);
        assertTrue(o.held() && o.decision().allowed());
        List<Holder> written = ClaimLease.holders(leases.read(lb).orElseThrow());
        assertEquals(1, written.size());
        assertEquals(again.getMetadata().getUid(), written.get(0).claim().uid());
        assertEquals(clock.now, written.get(0).renewed());
    }

    @Test
    void anUpdateReadsTheLeaseFirstAndRenewsItWithOneWrite() {
        HasMetadata web = service("web", lb, Map.of());
        Decision judged = PolicyEngine.evaluate(PolicyEngine.plan(new ObjectReview(ResourceKind.SERVICE, Operation.UPDATE,
                web, web, false, Origin.VALIDATING_CALL), policies(c -> c)), PROFILE, ids -> free(lb));
        Claim mine = Claim.of(web, "").orElseThrow();
        int before = server.getRequestCount();
        // An object admitted before the Leases: none to read, so it is created.
        assertTrue(claims.claim(mine, false, true, Optional.of(Claims.NONE), judged, null).held());
        assertEquals(2, server.getRequestCount() - before, "a read and a create");
        clock.now = clock.now.plusSeconds(5);
        before = server.getRequestCount();
        assertTrue(claims.claim(mine, false, true, Optional.of(Claims.NONE), judged, null).held());
        assertEquals(2, server.getRequestCount() - before, "a read and the renewing write, no create refused first");
        assertEquals(clock.now, ClaimLease.holders(leases.read(lb).orElseThrow()).get(0).renewed());
    }

    @Test
    void anotherObjectIsDeniedNamingTheHolderWhileItsClaimHasNotExpired() {
        admit(service("first", lb, Map.of()));
        String rv = resourceVersion();
        clock.now = clock.now.plus(WINDOW);
        String message = denial(admit(service("second", lb, Map.of())));
        assertEquals("service-existing-clb: Service shop/second cannot use " + lb + ": it is already named by Service"
                + " shop/first (just admitted, not yet tagged by TKE) [E4016]; choose another CLB or set"
                + " qcloud-share-existed-lb: \"true\" on both", message);
        assertEquals(rv, resourceVersion(), "a denial writes nothing");
        assertTrue(denial(admit(ingress("site", lb, Map.of()))).contains("[E4020]; a CLB serves Services or Ingresses, not both"));
    }

    @Test
    void aLiveHolderStandsPastItsWindow() {
        admit(service("stored", lb, Map.of()));
        clock.now = clock.now.plus(WINDOW.multipliedBy(3));
        Claims live = Claims.of(List.of(Claim.of(service("stored", lb, Map.of()), "not yet tagged by TKE").orElseThrow()));
        assertTrue(denial(admit(claims, service("late", lb, Map.of()), false, Optional.of(live), policies(c -> c)))
                .contains("already named by Service shop/stored"));
    }

    @Test
    void anExpiredHolderStandsWhileTheIndexIsStillListing() {
        admit(service("maybe-stored", lb, Map.of()));
        clock.now = clock.now.plus(WINDOW.multipliedBy(3));
        assertTrue(denial(admit(claims, service("late", lb, Map.of()), false, Optional.empty(), policies(c -> c)))
                .contains("already named by Service shop/maybe-stored"));
    }

    @Test
    void anExpiredHolderNoIndexHoldsIsTakenOverWithTheResourceVersionRead() {
        admit(service("never-stored", lb, Map.of()));
        String rv = resourceVersion();
        clock.now = clock.now.plus(WINDOW).plusMillis(1);
        LeaseClaims.Outcome o = admit(service("next", lb, Map.of()));
        assertTrue(o.held() && o.decision().allowed());
        assertEquals(List.of("next"), holders());
        assertNotEquals(rv, resourceVersion());
    }

    /** Judges as {@code judge} does, after running {@code meanwhile} the first time: another replica's move. */
    static LeaseClaims.Judge after(Runnable meanwhile, LeaseClaims.Judge judge) {
        return new LeaseClaims.Judge() {
            private boolean done;

            @Override
            public Decision against(Claims holders) {
                if (!done) {
                    done = true;
                    meanwhile.run();
                }
                return judge.against(holders);
            }

            @Override
            public Decision unknown(String reason) {
                return judge.unknown(reason);
            }
        };
    }

    /** {@code obj}'s claim through {@link #claims}, judged by {@code wrap} of the real judge. */
    LeaseClaims.Outcome admitJudgedBy(HasMetadata obj, UnaryOperator<LeaseClaims.Judge> wrap) {
        ObjectReview review = new ObjectReview(ResourceKind.SERVICE, Operation.CREATE, obj, null, false, Origin.VALIDATING_CALL);
        PolicyEngine.Plan plan = PolicyEngine.plan(review, policies(x -> x));
        ClbFacts facts = free(lb);
        return claims.claim(Claim.of(obj, "").orElseThrow(), false, false, Optional.of(Claims.NONE),
                PolicyEngine.evaluate(plan, PROFILE, ids -> facts), wrap.apply(LeaseClaims.judge(plan, PROFILE, facts, lb)));
    }

    @Test
    void losingTheWriteToAnotherReplicaMeansReadingAgainAndNeverBothAllowed() {
        admit(service("https", lb, SHARE, 443));
        // B reads [https] and, before it writes, replica C takes port 80 too: B's write is refused (409), it reads again.
        LeaseClaims replicaC = new LeaseClaims(new ClaimLeases(client, "clbguard", WINDOW), WINDOW, BUDGET, clock, EXECUTOR);
        List<LeaseClaims.Outcome> c = new ArrayList<>();
        LeaseClaims.Outcome b = admitJudgedBy(service("b", lb, SHARE, 80), judge -> after(() -> c.add(admit(replicaC,
                service("c", lb, SHARE, 80), false, Optional.of(Claims.NONE), policies(x -> x))), judge));
        assertTrue(c.get(0).held(), "C took port 80");
        assertTrue(denial(b).contains("port 80/TCP is already named by Service shop/c"), "B read again and saw C");
        assertEquals(List.of("https", "c"), holders());
    }

    @Test
    void sharingServicesJoinTheHoldersWhileTheirPortsDoNotCollide() {
        assertTrue(admit(service("https", lb, SHARE, 443)).held());
        assertTrue(admit(service("http", lb, SHARE, 80, 8080)).held());
        assertEquals(List.of("https", "http"), holders());
        assertTrue(denial(admit(service("other-http", lb, SHARE, 9000, 80)))
                .contains("port 80/TCP is already named by Service shop/http (just admitted, not yet tagged by TKE) [E4014]"));
        assertTrue(denial(admit(service("alone", lb, Map.of(), 7000))).contains("[E4016]"));
        assertEquals(List.of("https", "http"), holders());
    }

    @Test
    void ingressesOfAGroupShareTheClbOthersDoNot() {
        Map<String, String> group = Map.of(TkeAnnotations.INGRESS_ENABLE_GROUP, "true");
        assertTrue(admit(ingress("blue", lb, group)).held());
        assertTrue(admit(ingress("green", lb, group)).held());
        assertTrue(denial(admit(ingress("loner", lb, Map.of()))).contains("it is already named by Ingress shop/blue"));
        assertEquals(List.of("blue", "green"), holders());
    }

    @Test
    void aDryRunReadsTheHoldersButNeverWrites() {
        LeaseClaims.Outcome dry = admit(claims, service("rehearsal", lb, Map.of()), true, Optional.of(Claims.NONE), policies(c -> c));
        assertTrue(dry.decision().allowed() && !dry.held());
        assertTrue(leases.read(lb).isEmpty(), "a dry run created a Lease");
        admit(service("real", lb, Map.of()));
        String rv = resourceVersion();
        assertTrue(denial(admit(claims, service("rehearsal", lb, Map.of()), true, Optional.of(Claims.NONE), policies(c -> c)))
                .contains("already named by Service shop/real"));
        assertEquals(rv, resourceVersion());
    }

    @Test
    void aLeaseReleasedBetweenTheReadAndTheWriteIsCreatedAgain() {
        admit(service("https", lb, SHARE, 443));
        // B reads [https]; before it writes, the leader deletes the Lease: B's write finds nothing (404), B creates it.
        LeaseClaims.Outcome b = admitJudgedBy(service("b", lb, SHARE, 80),
                judge -> after(() -> assertTrue(leases.delete(leases.read(lb).orElseThrow())), judge));
        assertTrue(b.held() && b.decision().allowed(), b.toString());
        assertEquals(List.of("b"), holders());
    }

    @Test
    void aHolderListClbguardCannotReadFailsTheClaimNamingTheLease() {
        Lease garbled = ClaimLease.of("clbguard", lb, List.of(), WINDOW, null);
        garbled.getMetadata().getAnnotations().put(ClaimLease.HOLDERS, "edited by hand");
        client.resource(garbled).create();
        LeaseClaims.Outcome o = admit(service("api", lb, Map.of()));
        assertTrue(o.failed());
        assertTrue(denial(o).contains("service-existing-clb: Service shop/api: CLB " + lb + " could not be checked (its claim"
                + " could not be recorded: Lease clbguard/clb-claim-" + lb + " has no holder list clbguard can read"), denial(o));
    }

    @Test
    void anApiServerThatCannotBeReachedFailsTheClaimAndOnLookupFailureAnswers() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + closed + "/").withRequestRetryBackoffLimit(0).build()).build()) {
            LeaseClaims unreachable = new LeaseClaims(new ClaimLeases(nowhere, "clbguard", WINDOW), WINDOW, BUDGET, clock, EXECUTOR);
            LeaseClaims.Outcome denied = admit(unreachable, service("api", lb, Map.of()), false, Optional.of(Claims.NONE), policies(c -> c));
            assertTrue(denied.failed());
            assertEquals("service-existing-clb: Service shop/api: CLB " + lb + " could not be checked (its claim could not"
                    + " be recorded: the API server could not be reached); retry shortly, or set onLookupFailure:"
                    + " allow-with-warning", denial(denied));

            LeaseClaims.Outcome warned = admit(unreachable, service("api", lb, Map.of()), false, Optional.of(Claims.NONE),
                    policies(c -> c.withLookupFailure(LookupFailure.ALLOW_WITH_WARNING)));
            assertTrue(warned.failed() && warned.decision().allowed() && !warned.held(), "allowed, for this replica to record");
            assertTrue(warned.decision().warnings().get(0).message().endsWith("; admitted unchecked"));
        }
    }

    @Test
    void aSlowApiServerIsGivenUpOnWithinTheBudget() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // never answers
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Duration budget = Duration.ofMillis(300);
            try (KubernetesClient slow = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort() + "/").withRequestRetryBackoffLimit(0).build()).build()) {
                LeaseClaims claimsOnSlow = new LeaseClaims(new ClaimLeases(slow, "clbguard", WINDOW), WINDOW, budget, clock, EXECUTOR);
                long start = System.nanoTime();
                LeaseClaims.Outcome o = admit(claimsOnSlow, service("api", lb, Map.of()), false, Optional.of(Claims.NONE), policies(c -> c));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(o.failed());
                assertTrue(denial(o).contains("could not be recorded: the API server did not answer within 300 ms"), denial(o));
                assertTrue(millis < 300 + 1000, "answered after " + millis + " ms");
            }
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
