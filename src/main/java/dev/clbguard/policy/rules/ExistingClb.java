package dev.clbguard.policy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.clb.ClbLookup;
import dev.clbguard.policy.clb.Owners;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.TkeCodes;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The one check sequence for an object that names an existing CLB (docs/tke-rules.md §4): the CLB exists, TKE did
 * not create it, it is an application CLB where the kind needs one, no other cluster uses it, it is in the
 * cluster's VPC, no object of the other kind uses it; then whose it is and what its listeners leave free; then
 * what the other objects naming it, which TKE has not tagged for yet, leave ({@link Claims}). The
 * Service and Ingress policies differ only in {@link Terms} and in what sharing means for them ({@link #claim}).
 */
abstract class ExistingClb implements Policy {

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

    /**
     * The codes and words of one kind: which objects' {@code annotation} names the CLB ({@code claims}: those the
     * kind's TKE controller gives a CLB), and {@code otherKindTag}, the uuid tag of the kind that can never share
     * the CLB: TKE lets a CLB serve Services or Ingresses, not both.
     */
    record Terms(String policyId, ResourceKind kind, Predicate<HasMetadata> claims, String annotation, String ownerTag,
            String notFound, String createdByTke, String otherCluster, boolean applicationOnly, String otherKind,
            String otherKindTag, String otherKindCode) {
    }

    private final Terms terms;

    ExistingClb(Terms terms) {
        this.terms = terms;
    }

    /** The existing CLB the object names, or null when it names none or is not one the kind's controller reads. */
    final String existingId(HasMetadata obj) {
        return obj != null && terms.claims().test(obj) ? Meta.annotation(obj, terms.annotation()) : null;
    }

    /** Who may use a CLB tagged {@code owner}, and which listeners are in the way: where the kinds differ. */
    abstract void claim(ObjectReview review, String id, ClbInfo clb, Owner owner, PolicyContext ctx, List<Verdict> out);

    @Override
    public final String id() {
        return terms.policyId();
    }

    @Override
    public final Set<ResourceKind> kinds() {
        return Set.of(terms.kind());
    }

    @Override
    public final Set<String> clbIds(ObjectReview review, PolicyConfig config) {
        String id = existingId(review.object());
        return id != null && ID.matcher(id).matches() ? Set.of(id) : Set.of();
    }

    @Override
    public final List<Verdict> evaluate(ObjectReview review, PolicyContext ctx) {
        Set<String> ids = clbIds(review, ctx.config());
        if (ids.isEmpty()) {
            return List.of();
        }
        String id = ids.iterator().next();
        // Unknown never reaches here: the engine answers with the policy's onLookupFailure instead.
        ClbLookup lookup = ctx.facts().get(id);
        if (lookup instanceof ClbLookup.Missing) {
            return List.of(deny(review, id, "it does not exist in region " + ctx.profile().region(), terms.notFound(),
                    "check the id, or remove the annotation to let TKE create a CLB"));
        }
        if (!(lookup instanceof ClbLookup.Found found)) {
            return List.of();
        }
        ClbInfo clb = found.clb();
        if (TkeTags.CREATED_BY_YES.equals(clb.tag(TkeTags.CREATED_BY))) {
            // TKE deletes a CLB it created together with its object: never lend it to another one.
            return List.of(deny(review, id, "it was created by TKE for another object (" + TkeTags.CREATED_BY + "=yes)",
                    terms.createdByTke(), "name a CLB you created yourself, or remove the annotation"));
        }
        List<Verdict> out = new ArrayList<>();
        ClusterProfile profile = ctx.profile();
        if (terms.applicationOnly() && clb.forward() != 1) {
            out.add(deny(review, id, "it is a classic CLB (Forward=" + clb.forward() + "), which cannot carry HTTP/HTTPS rules",
                    TkeCodes.ING_CLASSIC_CLB, "choose an application CLB"));
        }
        String cluster = clb.tag(TkeTags.CLUSTER_ID);
        if (cluster != null && !cluster.isEmpty() && !cluster.equals(profile.clusterId())) {
            out.add(deny(review, id, "it is used by cluster " + cluster + " (" + TkeTags.CLUSTER_ID + ")",
                    terms.otherCluster(), "choose a CLB no other cluster uses"));
        }
        if (profile.vpcId() != null && !profile.vpcId().isEmpty() && !profile.vpcId().equals(clb.vpcId())) {
            out.add(deny(review, id, "it is in " + (clb.vpcId() == null || clb.vpcId().isEmpty() ? "no VPC" : clb.vpcId())
                    + ", not in the cluster's VPC " + profile.vpcId(), null, "choose a CLB in " + profile.vpcId()));
        }
        String foreign = clb.tag(terms.otherKindTag());
        if (foreign != null && !foreign.isEmpty()) {
            // Whose it is and its listeners no longer matter: no object of this kind may have it.
            out.add(deny(review, id, "it is used by " + terms.otherKind() + " (" + terms.otherKindTag() + "="
                    + shortUid(foreign) + ")", terms.otherKindCode(), "a CLB serves Services or Ingresses, not both:"
                            + " choose one without that tag"));
            return out;
        }
        Owner owner = owner(clb.tag(terms.ownerTag()), review);
        claim(review, id, clb, owner, ctx, out);
        if (owner != Owner.OWN && out.stream().noneMatch(v -> v.effect() == Verdict.Effect.DENY)) {
            claimed(review, id, ctx.facts().claims(), out);
        }
        return out;
    }

    /**
     * The CLB as if the tags of the other objects naming it were already on it: TKE tags only the first one it
     * reaches and fails the others later. One denial, for the first claim in the way.
     */
    private void claimed(ObjectReview review, String id, Claims claims, List<Verdict> out) {
        Claim mine = Claim.of(review.object(), "").orElse(null);
        if (mine == null) {
            return;
        }
        for (Claim other : claims.naming(id)) {
            if (!other.sameObject(mine.object())) {
                Verdict v = conflict(review, id, mine, other);
                if (v != null) {
                    out.add(v);
                    return;
                }
            }
        }
    }

    /** What TKE would refuse when {@code other} holds the CLB first; null when both can have it. */
    private Verdict conflict(ObjectReview review, String id, Claim mine, Claim other) {
        String named = "it is already named by " + other;
        if (!mine.object().kind().equals(other.object().kind())) {
            return deny(review, id, named, TkeCodes.CLB_OF_OTHER_KIND,
                    "a CLB serves Services or Ingresses, not both: choose another CLB");
        }
        if (terms.kind() == ResourceKind.INGRESS) {
            return mine.shares() && other.shares() ? null : deny(review, id, named, TkeCodes.ING_CLB_OTHER_INGRESS,
                    "choose another CLB or create both with enable-group");
        }
        if (!mine.shares() || !other.shares()) {
            return deny(review, id, named, TkeCodes.SVC_SHARING_NOT_ENABLED,
                    "choose another CLB or set qcloud-share-existed-lb: \"true\" on both");
        }
        List<String> both = new ArrayList<>();
        for (String p : mine.ports()) {
            for (String q : other.ports()) {
                if (samePort(p, q)) {
                    both.add(p);
                    break;
                }
            }
        }
        return both.isEmpty() ? null : deny(review, id, ports(both, "is", "are") + " already named by " + other,
                TkeCodes.SVC_PORT_CONFLICT, "use other ports or another CLB");
    }

    /** "80/TCP" and "80/HTTP" need one listener port; "80/UDP" lives beside them. */
    private static boolean samePort(String a, String b) {
        String[] x = a.split("/", 2);
        String[] y = b.split("/", 2);
        return x[0].equals(y[0]) && udpFamily(x.length > 1 ? x[1] : "TCP") == udpFamily(y.length > 1 ? y[1] : "TCP");
    }

    Verdict deny(ObjectReview review, String id, String cause, String code, String fix) {
        return Verdict.deny(id(), review, "cannot use " + id + ": " + cause + (code == null ? "" : " [" + code + "]") + "; " + fix);
    }

    /** Offline there is no uid: the owner tag may name the very object under review. */
    Verdict unchecked(ObjectReview review, String id, ClbInfo clb) {
        return Verdict.warn(id(), review, ": " + id + " is tagged " + terms.ownerTag() + "="
                + shortUid(clb.tag(terms.ownerTag())) + "; owner and listeners not checked (no metadata.uid offline)");
    }

    static Owner owner(String uuidTag, ObjectReview review) {
        if (uuidTag == null || uuidTag.isEmpty()) {
            return Owner.FREE;
        }
        // The validating call of a CREATE carries a uid the API server has just minted: no CLB can carry it yet.
        if (review.origin() == Origin.VALIDATING_CALL && review.operation() == Operation.CREATE) {
            return Owner.OTHER;
        }
        String uid = Meta.uid(review.object());
        if (uid == null || uid.isEmpty()) {
            return Owner.UNCHECKED;
        }
        return uid.equals(uuidTag) ? Owner.OWN : Owner.OTHER;
    }

    /**
     * A denial for a CLB whose owner tag names another object: who it is where the live-object index knows
     * ("tagged for Ingress shop/checkout (tke-lb-ingress-uuid=5b1c…)"), that it no longer exists when the index
     * holds no such uid (a stale tag, with its own fix), and "another Ingress" where there is no index.
     */
    Verdict taggedForOther(ObjectReview review, String id, ClbInfo clb, Owners owners, String code, String fix) {
        String uuid = clb.tag(terms.ownerTag());
        String tag = terms.ownerTag() + "=" + shortUid(uuid);
        if (!owners.known()) {
            return deny(review, id, "it is tagged for another " + terms.kind().kind() + " (" + tag + ")", code, fix);
        }
        return owners.live(uuid)
                .map(n -> deny(review, id, "it is tagged for " + n + " (" + tag + ")", code, fix))
                .orElseGet(() -> deny(review, id, "its owner no longer exists in this cluster (" + tag + ", stale tag)",
                        code, "remove it (UnTagResources) or let the guardian repair it"));
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

    /** At most three listeners ("lbl-1a2b3c4d HTTP:80"), then a count: messages stay one short line. */
    /** "port 80/TCP is" or "ports 8443/TCP, 80/UDP are": the subject of a sentence, with its verb agreeing. */
    static String ports(List<String> ports, String singular, String plural) {
        return ports.size() == 1 ? "port " + ports.get(0) + " " + singular
                : "ports " + String.join(", ", ports) + " " + plural;
    }

    static String describe(List<ClbListener> listeners) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < listeners.size() && i < 3; i++) {
            ClbListener l = listeners.get(i);
            parts.add(l.id() + " " + l.protocol() + ":" + l.port());
        }
        if (listeners.size() > 3) {
            parts.add("and " + (listeners.size() - 3) + " more");
        }
        return String.join(", ", parts);
    }
}
