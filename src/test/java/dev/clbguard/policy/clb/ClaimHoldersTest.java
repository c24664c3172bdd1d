package dev.clbguard.policy.clb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which recorded holders of a CLB stand against a newcomer, what a claim writes back, and when the leader releases. */
class ClaimHoldersTest {

    private static final String LB = "lb-0g3v8r2m";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(60);

    static Claim claim(String name, String uid) {
        return new Claim(new Owners.Name("Service", "shop", name), uid, LB, false, List.of("80/TCP"), "");
    }

    static Holder holder(String name, Instant renewed) {
        return new Holder(claim(name, name + "-uid"), renewed);
    }

    @Test
    void aHolderWithinItsWindowStandsAndOnePastItDoesNot() {
        List<Holder> holders = List.of(holder("recent", T0.plusSeconds(30)), holder("old", T0));
        List<Holder> standing = ClaimHolders.standing(holders, new Owners.Name("Service", "shop", "new"),
                T0.plusSeconds(61), WINDOW, Optional.of(Claims.NONE));
        assertEquals(List.of("recent"), standing.stream().map(h -> h.claim().object().name()).toList());
    }

    @Test
    void aLiveHolderStandsPastItsWindowMatchedByNameWhateverItsUid() {
        Holder old = holder("stored", T0);
        Claims live = Claims.of(List.of(claim("stored", "the-uid-the-api-server-kept")));
        assertEquals(List.of(old), ClaimHolders.standing(List.of(old), new Owners.Name("Service", "shop", "new"),
                T0.plus(WINDOW.multipliedBy(10)), WINDOW, Optional.of(live)));
        // Live, but naming another CLB: it let go of this one.
        Claims elsewhere = Claims.of(List.of(new Claim(old.claim().object(), "u", "lb-99999999", false, List.of(), "")));
        assertEquals(List.of(), ClaimHolders.standing(List.of(old), new Owners.Name("Service", "shop", "new"),
                T0.plus(WINDOW.multipliedBy(10)), WINDOW, Optional.of(elsewhere)));
    }

    @Test
    void whileLivenessCannotBeToldEveryExpiredHolderStillStands() {
        Holder old = holder("maybe-stored", T0);
        assertEquals(List.of(old), ClaimHolders.standing(List.of(old), new Owners.Name("Service", "shop", "new"),
                T0.plus(WINDOW.multipliedBy(10)), WINDOW, Optional.empty()));
    }

    @Test
    void theNewcomersOwnEntryNeverStandsAgainstIt() {
        Holder mine = holder("web", T0);
        assertEquals(List.of(), ClaimHolders.standing(List.of(mine), mine.claim().object(), T0, WINDOW, Optional.empty()));
    }

    @Test
    void takingReplacesTheSameObjectsEntryAndKeepsTheOthers() {
        Holder other = holder("other", T0);
        Holder before = holder("web", T0);
        Claim renewed = claim("web", "a-fresh-uid");
        List<Holder> written = ClaimHolders.taking(List.of(before, other), renewed, T0.plusSeconds(5));
        assertEquals(List.of(other, new Holder(renewed, T0.plusSeconds(5))), written);
    }

    @Test
    void expiryIsStrictlyAfterTheWindow() {
        Holder h = holder("web", T0);
        assertFalse(ClaimHolders.expired(h, T0.plus(WINDOW), WINDOW));
        assertTrue(ClaimHolders.expired(h, T0.plus(WINDOW).plusMillis(1), WINDOW));
    }

    @Test
    void theLeaderReleasesOnlyAfterTwoAbsencesAndOnlyWhatWasStoredOrHasExpired() {
        assertFalse(ClaimHolders.released(1, true, true), "one absence may be a missed event");
        assertTrue(ClaimHolders.released(2, true, false), "seen live, then gone twice: let go");
        assertFalse(ClaimHolders.released(5, false, false), "never seen live and within its window: not stored yet");
        assertTrue(ClaimHolders.released(2, false, true), "never stored, and past its window");
    }

    @Test
    void holdersAreJudgedAsClaimsDescribedAsAsked() {
        Claims c = ClaimHolders.asClaims(List.of(holder("web", T0)), "just admitted");
        assertEquals("Service shop/web (just admitted)", c.naming(LB).get(0).toString());
        assertEquals(List.of(), c.naming("lb-99999999"));
    }
}
