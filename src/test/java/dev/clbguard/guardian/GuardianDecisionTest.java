package dev.clbguard.guardian;

import dev.clbguard.facts.SweptClb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.clbguard.facts.SweptClb;
import dev.clbguard.guardian.GuardianDecision.Finding;
import dev.clbguard.guardian.GuardianDecision.Kind;
import dev.clbguard.guardian.GuardianDecision.Repair;
import dev.clbguard.policy.tke.TkeTags;

/** The guardian's findings as pure decisions: which CLB, which kind, which repair, and when. */
class GuardianDecisionTest {

    static final String CLUSTER = "cls-7k2m9q4p";
    static final Duration GRACE = Duration.ofMinutes(10);
    static final long T0 = 1_000_000;

    record Live(Set<String> uids, Set<String> named) implements GuardianDecision.Live {
        @Override
        public boolean alive(String uid) {
            return uids.contains(uid);
        }

        @Override
        public boolean names(String lbId) {
            return named.contains(lbId);
        }
    }

    static final Live NOBODY = new Live(Set.of("someone-else"), Set.of());

    static SweptClb clb(String id, String... kv) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            tags.put(kv[i], kv[i + 1]);
        }
        return new SweptClb(id, id + "-name", "2026-11-23 08:35:07", List.of("198.51.0.1"), tags);
    }

    static List<Finding> twice(List<SweptClb> clbs, GuardianDecision.Live live, long gap) {
        Sightings s = new Sightings();
        assertEquals(List.of(), GuardianDecision.sweep(CLUSTER, clbs, live, s, T0, GRACE).stream()
                .filter(f -> f.kind() != Kind.UNOWNED_CLB).toList(), "nothing is gone at its first absence");
        return GuardianDecision.sweep(CLUSTER, clbs, live, s, T0 + gap, GRACE);
    }

    @Test
    void aStaleOwnerTagIsFoundOnlyAfterTwoAbsencesAGracePeriodApart() {
        var user = clb("lb-user0001", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.INGRESS_UUID, "dead");
        assertEquals(List.of(), twice(List.of(user), NOBODY, GRACE.toMillis() - 1));
        List<Finding> found = twice(List.of(user), NOBODY, GRACE.toMillis());
        assertEquals(1, found.size());
        assertEquals(Kind.STALE_OWNER_TAG, found.get(0).kind());
        assertEquals(new Repair.Untag("lb-user0001", Set.of(TkeTags.INGRESS_UUID, TkeTags.CLUSTER_ID), Set.of("dead")),
                found.get(0).repair());
        assertTrue(found.get(0).message().contains("E4016/E4020"), found.get(0).message());
    }

    @Test
    void anOwnerSeenAliveInBetweenStartsTheGraceAgain() {
        var c = clb("lb-user0001", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "u1");
        Sightings s = new Sightings();
        GuardianDecision.sweep(CLUSTER, List.of(c), NOBODY, s, T0, GRACE);
        GuardianDecision.sweep(CLUSTER, List.of(c), new Live(Set.of("u1"), Set.of()), s, T0 + 1, GRACE);
        assertEquals(List.of(), GuardianDecision.sweep(CLUSTER, List.of(c), NOBODY, s, T0 + GRACE.toMillis(), GRACE));
    }

    @Test
    void theClusterTagStaysWhileAnotherOwnerLivesOrALiveObjectNamesTheClb() {
        var shared = clb("lb-user0001", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "dead",
                TkeTags.INGRESS_UUID, "alive");
        var f = twice(List.of(shared), new Live(Set.of("alive"), Set.of()), GRACE.toMillis()).get(0);
        assertEquals(new Repair.Untag("lb-user0001", Set.of(TkeTags.SERVICE_UUID), Set.of("dead")), f.repair());
        var named = clb("lb-user0002", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "dead");
        var g = twice(List.of(named), new Live(Set.of("x"), Set.of("lb-user0002")), GRACE.toMillis()).get(0);
        assertEquals(new Repair.Untag("lb-user0002", Set.of(TkeTags.SERVICE_UUID), Set.of("dead")), g.repair());
    }

    @Test
    void aTkeMadeClbWhoseOwnerIsGoneIsLeakedAndDeletedUnlessUserOwned() {
        var leaked = clb("lb-tke00001", TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "dead");
        var f = twice(List.of(leaked), NOBODY, GRACE.toMillis()).get(0);
        assertEquals(Kind.LEAKED_CLB, f.kind());
        assertEquals(new Repair.Delete("lb-tke00001", Set.of("dead")), f.repair());
        assertTrue(f.message().contains("created 2026-11-23 08:35:07") && f.message().contains("198.51.0.1"), f.message());

        var kept = clb("lb-tke00002", TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "dead",
                TkeTags.LIFECYCLE_OWNER, "user");
        var k = twice(List.of(kept), NOBODY, GRACE.toMillis()).get(0);
        assertEquals(Kind.LEAKED_CLB, k.kind());
        assertNull(k.repair(), "tke-lifecycle-owner=user is never deleted");
    }

    @Test
    void aLeakedClbThatALiveObjectNamesIsNeverDeleted() {
        var c = clb("lb-tke00001", TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "dead");
        var f = twice(List.of(c), new Live(Set.of("x"), Set.of("lb-tke00001")), GRACE.toMillis()).get(0);
        assertFalse(f.repair() instanceof Repair.Delete, String.valueOf(f.repair()));
    }

    @Test
    void aTkeMadeClbWithoutOwnerTagIsReportedNeverRepaired() {
        var c = clb("lb-tke00003", TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER);
        var f = GuardianDecision.sweep(CLUSTER, List.of(c), NOBODY, new Sightings(), T0, GRACE);
        assertEquals(Kind.UNOWNED_CLB, f.get(0).kind());
        assertNull(f.get(0).repair());
    }

    @Test
    void otherClustersAndLiveOwnersAreNeverFindings() {
        var other = clb("lb-other001", TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, "cls-other000", TkeTags.SERVICE_UUID, "dead");
        var owned = clb("lb-tke00004", TkeTags.CREATED_BY, "yes", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "alive");
        assertEquals(List.of(), twice(List.of(other, owned), new Live(Set.of("alive"), Set.of()), GRACE.toMillis()));
    }

    @Test
    void memoryFollowsTheCloud() {
        Sightings s = new Sightings();
        GuardianDecision.sweep(CLUSTER, List.of(clb("lb-user0001", TkeTags.CLUSTER_ID, CLUSTER, TkeTags.SERVICE_UUID, "dead")),
                NOBODY, s, T0, GRACE);
        assertEquals(1, s.size());
        GuardianDecision.sweep(CLUSTER, List.of(), NOBODY, s, T0 + 1, GRACE);
        assertEquals(0, s.size());
    }

    @Test
    void theRepairBudgetAllowsSoManyWritesInAnySlidingMinute() {
        RepairBudget b = new RepairBudget(2);
        assertTrue(b.tryAcquire(0));
        assertTrue(b.tryAcquire(10));
        assertFalse(b.tryAcquire(59_999));
        assertTrue(b.tryAcquire(60_000));
        assertFalse(b.tryAcquire(60_009));
        assertTrue(b.tryAcquire(60_010));
    }
}
