package dev.clbguard.policy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Phase;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.clb.Owners;
import dev.clbguard.policy.tke.Meta;

/**
 * What the Service and Ingress existing-CLB policies share (tke-rules.md §4): the id format worth looking up,
 * whose a CLB's uuid tag says it is, and which listeners occupy a port.
 */
final class ExistingClb {

    /** Only well-formed ids are looked up; the clb-annotations policy reports the others. */
    static final Pattern ID = Pattern.compile("lb-[a-z0-9]{8}");

    /** What the owner uuid tag of a CLB says about the object under review. */
    enum Owner {
        /** No uuid tag: nobody has claimed it. */
        FREE,
        /** Tagged with this object's uid: the CLB and its listeners are its own. */
        OWN,
        /** Tagged with another uid. */
        OTHER,
        /** Tagged, but the object has no uid to compare with (an offline manifest). */
        UNCHECKED
    }

    private ExistingClb() {
    }

    static boolean wellFormed(String id) {
        return id != null && ID.matcher(id).matches();
    }

    static Owner owner(String uuidTag, ObjectReview review) {
        if (uuidTag == null || uuidTag.isEmpty()) {
            return Owner.FREE;
        }
        // The validating call of a CREATE carries a uid the API server has just minted: no CLB can carry it yet.
        if (review.phase() == Phase.VALIDATE && review.operation() == Operation.CREATE) {
            return Owner.OTHER;
        }
        String uid = Meta.uid(review.object());
        if (uid == null || uid.isEmpty()) {
            return Owner.UNCHECKED;
        }
        return uid.equals(uuidTag) ? Owner.OWN : Owner.OTHER;
    }

    /**
     * The cause of a denial for a CLB tagged for another object: who it is where the live-object index knows
     * ("tagged for Ingress shop/checkout (tke-lb-ingress-uuid=5b1c…)"), that it no longer exists when the index
     * holds no such uid (a stale tag), and as before ("another Ingress") where there is no index.
     */
    static String taggedFor(String kind, String tagKey, String uuid, Owners owners) {
        String tag = "(" + tagKey + "=" + shortUid(uuid) + ")";
        if (!owners.known()) {
            return "it is tagged for another " + kind + " " + tag;
        }
        return owners.live(uuid).map(n -> "it is tagged for " + n + " " + tag)
                .orElse("its owner no longer exists in this cluster (" + tagKey + "=" + shortUid(uuid) + ", stale tag)");
    }

    /** The fix for a stale owner tag (kept short: the whole denial stays one line of about 200 characters). */
    static String staleFix(String tagKey) {
        return "remove it (UnTagResources) or let the guardian repair it";
    }

    /** Whether the owner tag names no live object, as far as an index knows. */
    static boolean stale(String uuid, Owners owners) {
        return owners.known() && owners.live(uuid).isEmpty();
    }

    /** A uid shortened for one-line messages: enough to recognise, not to flood. */
    static String shortUid(String uid) {
        return uid.length() <= 4 ? uid : uid.substring(0, 4) + "…";
    }

    /** UDP and QUIC listeners live beside TCP-based ones on the same port number; within a family a port is taken once. */
    static boolean udpFamily(String protocol) {
        String p = protocol == null ? "" : protocol.toUpperCase(Locale.ROOT);
        return p.equals("UDP") || p.equals("QUIC");
    }

    /** The listeners that occupy {@code port} for {@code protocol}. */
    static List<ClbListener> occupying(List<ClbListener> listeners, int port, String protocol) {
        List<ClbListener> out = new ArrayList<>();
        for (ClbListener l : listeners) {
            if (l.port() == port && udpFamily(l.protocol()) == udpFamily(protocol)) {
                out.add(l);
            }
        }
        return out;
    }

    /** "lbl-1a2b3c4d HTTP:80". */
    static String describe(ClbListener l) {
        return l.id() + " " + l.protocol() + ":" + l.port();
    }

    /** At most three listeners, then a count: messages stay one short line. */
    static String describe(List<ClbListener> listeners) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < listeners.size() && i < 3; i++) {
            parts.add(describe(listeners.get(i)));
        }
        if (listeners.size() > 3) {
            parts.add("and " + (listeners.size() - 3) + " more");
        }
        return String.join(", ", parts);
    }
}
