package dev.clbguard.policy.clb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of a CLB's recorded holders, which admission judges a newcomer against and then writes back with one
 * compare-and-swap. A holder stands while it is live (the live-object index holds it naming the CLB) or its claim
 * has not expired; one that is neither was never stored, or let go of the CLB, and is taken over. Pure: the time
 * and the live claims are handed in.
 */
public final class ClaimHolders {

    private ClaimHolders() {
    }

    /**
     * The holders other than {@code newcomer} that still stand: live in {@code live}, or renewed within {@code window}.
     * {@code live} empty: which objects are live cannot be told yet (an index still listing), so every one stands.
     */
    public static List<Holder> standing(List<Holder> holders, Owners.Name newcomer, Instant now, Duration window,
            Optional<Claims> live) {
        List<Holder> out = new ArrayList<>();
        for (Holder h : holders) {
            if (!h.claim().sameObject(newcomer) && (live.isEmpty() || live(h, live.get()) || !expired(h, now, window))) {
                out.add(h);
            }
        }
        return out;
    }

    /** What is written back when {@code mine} takes the CLB: the standing holders, and mine (renewed) last. */
    public static List<Holder> taking(List<Holder> standing, Claim mine, Instant now) {
        List<Holder> out = new ArrayList<>();
        for (Holder h : standing) {
            if (!h.claim().sameObject(mine.object())) {
                out.add(h);
            }
        }
        out.add(new Holder(mine, now));
        return out;
    }

    /** The live-object index holds this holder naming the CLB: by kind, namespace and name (a uid may be fresh). */
    public static boolean live(Holder h, Claims live) {
        for (Claim c : live.naming(h.claim().clbId())) {
            if (c.sameObject(h.claim().object())) {
                return true;
            }
        }
        return false;
    }

    public static boolean expired(Holder h, Instant now, Duration window) {
        return h.renewed().plus(window).isBefore(now);
    }

    /** The holders as claims the policies judge, described as {@code where}. */
    public static Claims asClaims(List<Holder> holders, String where) {
        return Claims.of(holders.stream().map(h -> h.claim().at(where)).toList());
    }

    /**
     * The leader's release rule for a holder no longer live: gone at two sweeps in a row (one missed watch event is
     * not enough), and either seen live before (it was stored, and has let go since) or expired (it never was).
     */
    public static boolean released(int absentSweeps, boolean seenLive, boolean expired) {
        return absentSweeps >= 2 && (seenLive || expired);
    }
}
