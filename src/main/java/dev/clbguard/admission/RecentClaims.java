package dev.clbguard.admission;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.clbguard.live.LiveIndex;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.Owners;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The CLBs named by the CREATEs and UPDATEs this replica has just allowed (never dry runs): the live-object index
 * sees an object only after the API server has stored it and its watch has delivered it, and two
 * {@code kubectl apply}s in a row come faster. A record lasts until the index holds the object naming the same
 * CLB or has seen it deleted, and at most {@link ClaimSettings#window()}. Per replica: what another replica has
 * just admitted is unknown here until the index sees it, so where there is an API server the claim Leases
 * ({@link LeaseClaims}) decide instead, and this record only stands in for a claim that could not be written
 * while onLookupFailure let the object in (docs/clb-policies.md).
 */
@Singleton // on every validating call
public class RecentClaims implements Claims {

    /** How a just-admitted claim is described in messages (and quoted in docs/clb-policies.md). */
    public static final String JUST_ADMITTED = "just admitted, not yet tagged by TKE";

    private record Recorded(Claim claim, long atNanos) {
    }

    @Inject
    ClaimSettings settings;
    @Inject
    LiveIndexRuntime live;

    private final Map<Owners.Name, Recorded> byObject = new ConcurrentHashMap<>();
    private volatile LiveIndex subscribed;

    /** Remembers the claim of an allowed CREATE or UPDATE; a later one of the same object replaces it. */
    public void record(Claim claim) {
        subscribe();
        byObject.put(claim.object(), new Recorded(claim.at(JUST_ADMITTED), System.nanoTime()));
    }

    @Override
    public List<Claim> naming(String clbId) {
        subscribe();
        long now = System.nanoTime();
        long window = settings.window().toNanos();
        List<Claim> out = new ArrayList<>();
        byObject.values().removeIf(r -> now - r.atNanos() > window);
        for (Recorded r : byObject.values()) {
            if (r.claim().clbId().equals(clbId)) {
                out.add(r.claim());
            }
        }
        return out;
    }

    private void subscribe() {
        LiveIndex index = live.index().orElse(null);
        if (index != null && index != subscribed) {
            synchronized (this) {
                if (index != subscribed) {
                    index.onSeen(this::seen);
                    subscribed = index;
                }
            }
        }
    }

    /**
     * The index holds the object naming the same CLB (its live claim stands for it now), or the object is gone:
     * either way this record has done its job. Another version seen (an older event still in flight) changes nothing.
     */
    private void seen(LiveIndex.Seen seen) {
        byObject.computeIfPresent(seen.object(), (k, r) -> {
            boolean same = r.claim().uid() == null || seen.uid() == null || r.claim().uid().equals(seen.uid());
            boolean covered = Objects.equals(seen.clbId(), r.claim().clbId());
            return same && (seen.gone() || covered) ? null : r;
        });
    }
}
