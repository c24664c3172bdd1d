package dev.clbguard.admission;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.clbguard.kube.ClaimLease;
import dev.clbguard.kube.ClaimLeases;
import dev.clbguard.policy.clb.ClaimHolders;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.Holder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The leader's release of claims: a holder that the live-object index shows neither holding nor naming its CLB at
 * two passes in a row is released ({@link ClaimHolders#released}), and a Lease left without holders is deleted.
 * Works from the Leases as an informer last saw them; writes only what it releases, each a compare-and-swap on
 * the resourceVersion seen (losing to an admission means trying again at the next pass). Plain Java.
 */
public final class ClaimSweep {

    private static final Logger LOG = Logger.getLogger(ClaimSweep.class);

    /** What this leader has seen of one holder: passes in a row it was absent, and whether it was ever live. */
    private record Seen(int absent, boolean live) {
    }

    private final ClaimLeases leases;
    private final Duration window;
    private final Map<String, Seen> seen = new HashMap<>();

    public ClaimSweep(ClaimLeases leases, Duration window) {
        this.leases = leases;
        this.window = window;
    }

    /** One pass over {@code cached}, the claim Leases as last seen, against the live claims of a synced index. */
    public synchronized void pass(Collection<Lease> cached, Claims live, Instant now) {
        Map<String, Seen> next = new HashMap<>();
        for (Lease lease : cached) {
            List<Holder> holders;
            try {
                holders = ClaimLease.holders(lease);
            } catch (IllegalStateException unreadable) {
                continue; // admission refuses it with that message; not the sweep's to guess
            }
            List<Holder> kept = new ArrayList<>();
            for (Holder h : holders) {
                String key = lease.getMetadata().getName() + "|" + h.claim().object();
                Seen before = seen.getOrDefault(key, new Seen(0, false));
                Seen state = ClaimHolders.live(h, live) ? new Seen(0, true) : new Seen(before.absent() + 1, before.live());
                next.put(key, state); // kept until the Lease no longer lists it: a lost race is retried as it stands
                if (!ClaimHolders.released(state.absent(), state.live(), ClaimHolders.expired(h, now, window))) {
                    kept.add(h);
                }
            }
            if (kept.size() < holders.size()) {
                release(lease, kept);
            }
        }
        seen.clear();
        seen.putAll(next);
    }

    private void release(Lease lease, List<Holder> kept) {
        try {
            boolean done = kept.isEmpty() ? leases.delete(lease) : leases.replace(lease, kept).isPresent();
            if (done) {
                LOG.debugf("released claims on %s: %d holders left", ClaimLease.clbId(lease), kept.size());
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("could not release claims on %s: %s", ClaimLease.clbId(lease), e.getMessage());
        }
    }
}
