package dev.clbguard.guardian;

import dev.clbguard.facts.SweptClb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.clbguard.facts.SweptClb;
import dev.clbguard.policy.tke.TkeTags;

/**
 * What TKE's controllers leave undone, found in one sweep of this cluster's CLBs; pure (the live objects, the
 * memory of absences and the time come in as arguments).
 *
 * <ul>
 * <li>{@code stale-owner-tag}: a uuid tag names an owner gone past the grace period; repair removes that tag, and
 * {@code tke-clusterId} with it when no live owner remains, in one UnTagResources call — never a half-removed
 * set that would look like another owner's.
 * <li>{@code leaked-clb}: a CLB TKE created ({@code tke-createdBy-flag=yes}) whose every owner is gone; repair
 * deletes it, unless {@code tke-lifecycle-owner=user} or a live object names it.
 * <li>{@code unowned-clb}: a TKE-made CLB with no uuid tag at all: reported, never deleted.
 * </ul>
 * CLBs of other clusters are skipped even if a listing returned them.
 */
public final class GuardianDecision {

    /** What the decision needs to know about the live objects of this cluster. */
    public interface Live {
        /** A Service or Ingress with this uid exists. */
        boolean alive(String uid);

        /** A live object names this CLB (existing-CLB or recorded id annotation). */
        boolean names(String lbId);
    }

    public enum Kind {
        STALE_OWNER_TAG("stale-owner-tag"), LEAKED_CLB("leaked-clb"), UNOWNED_CLB("unowned-clb"),
        NOT_CONVERGED("not-converged");

        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** A write that fixes a finding; {@code goneUids} are the owners it assumes dead (checked again before). */
    public sealed interface Repair {
        record Untag(String lbId, Set<String> keys, Set<String> goneUids) implements Repair {
        }

        record Delete(String lbId, Set<String> goneUids) implements Repair {
        }
    }

    /** {@code repair} is null when the finding is only reported. */
    public record Finding(Kind kind, SweptClb clb, String message, Repair repair) {
    }

    private static final List<String> UUID_TAGS = List.of(TkeTags.SERVICE_UUID, TkeTags.INGRESS_UUID);

    private GuardianDecision() {
    }

    public static List<Finding> sweep(String clusterId, List<SweptClb> clbs, Live live, Sightings sightings,
            long nowMillis, Duration grace) {
        List<Finding> out = new ArrayList<>();
        Set<String> observed = new LinkedHashSet<>();
        for (SweptClb clb : clbs) {
            Finding f = judge(clusterId, clb, live, sightings, nowMillis, grace, observed);
            if (f != null) {
                out.add(f);
            }
        }
        sightings.retain(observed);
        return out;
    }

    /** One CLB; also used to check a planned repair again against a fresh read just before it is made. */
    public static Finding judge(String clusterId, SweptClb clb, Live live, Sightings sightings, long nowMillis,
            Duration grace, Set<String> observed) {
        if (!clusterId.equals(clb.tag(TkeTags.CLUSTER_ID))) {
            return null;
        }
        boolean createdByTke = TkeTags.CREATED_BY_YES.equals(clb.tag(TkeTags.CREATED_BY));
        Set<String> goneKeys = new LinkedHashSet<>();
        Set<String> goneUids = new LinkedHashSet<>();
        boolean anyOwnerTag = false;
        boolean liveOwner = false;
        for (String key : UUID_TAGS) {
            String uid = clb.tag(key);
            if (uid == null || uid.isBlank()) {
                continue;
            }
            anyOwnerTag = true;
            observed.add(uid);
            if (live.alive(uid)) {
                sightings.present(uid);
                liveOwner = true;
            } else if (sightings.absent(uid, nowMillis, grace)) {
                goneKeys.add(key);
                goneUids.add(uid);
            } else {
                liveOwner = true; // absent, but not for long enough to be sure
            }
        }
        if (!anyOwnerTag) {
            return createdByTke ? new Finding(Kind.UNOWNED_CLB, clb, "CLB " + clb.id() + " (" + clb.name()
                    + ") was created by TKE for this cluster but carries no owner uuid tag; reported only, never deleted",
                    null) : null;
        }
        if (goneKeys.isEmpty()) {
            return null;
        }
        String owners = String.join(", ", goneKeys.stream().map(k -> k + "=" + clb.tag(k)).toList());
        boolean named = live.names(clb.id());
        if (createdByTke && !liveOwner && !named) {
            boolean userOwned = TkeTags.LIFECYCLE_OWNER_USER.equals(clb.tag(TkeTags.LIFECYCLE_OWNER));
            return new Finding(Kind.LEAKED_CLB, clb, "CLB " + clb.id() + " (" + clb.name() + ", created "
                    + clb.createTime() + ", VIP " + String.join(", ", clb.vips()) + ") was created by TKE for " + owners
                    + ", which no longer exists in this cluster"
                    + (userOwned ? "; kept: tke-lifecycle-owner=user" : "; repair deletes it"),
                    userOwned ? null : new Repair.Delete(clb.id(), goneUids));
        }
        Set<String> keys = new LinkedHashSet<>(goneKeys);
        if (!liveOwner && !named) {
            keys.add(TkeTags.CLUSTER_ID);
        }
        return new Finding(Kind.STALE_OWNER_TAG, clb, "CLB " + clb.id() + " (" + clb.name() + ") is tagged " + owners
                + " for an object that no longer exists in this cluster; a reuse of it would fail with E4016/E4020"
                + " until repair removes " + keys, new Repair.Untag(clb.id(), keys, goneUids));
    }
}
