package dev.clbguard.policy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.Owners;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.clb.ClbLookup;
import dev.clbguard.policy.tke.IngressClasses;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeCodes;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * A qcloud Ingress naming an existing CLB ({@code kubernetes.io/ingress.existLbId}) must be able to get it
 * (tke-rules.md §4, Ingress column). Ingresses of another class are never looked up: their controller does not
 * use the annotation. Parameter {@code listeners}: {@code none} (default, older TKE: the CLB must have no
 * listener) or {@code no-port-conflict} (newer TKE: only the ports the Ingress needs must be free).
 */
public final class IngressExistingClb implements Policy {

    public static final String ID = "ingress-existing-clb";
    static final String LISTENERS = "listeners";
    static final List<String> LISTENER_CHOICES = List.of("none", "no-port-conflict");
    private static final String GROUP = TkeAnnotations.INGRESS_ENABLE_GROUP;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<ResourceKind> kinds() {
        return Set.of(ResourceKind.INGRESS);
    }

    @Override
    public void checkParameters(PolicyConfig config) {
        config.choice(LISTENERS, "none", LISTENER_CHOICES);
    }

    @Override
    public Set<String> clbIds(ObjectReview review, PolicyConfig config) {
        String id = existingId(review.object());
        return ExistingClb.wellFormed(id) ? Set.of(id) : Set.of();
    }

    @Override
    public List<Verdict> evaluate(ObjectReview review, PolicyContext ctx) {
        String id = existingId(review.object());
        if (!ExistingClb.wellFormed(id)) {
            return List.of();
        }
        // Unknown never reaches here: the engine answers with the policy's onLookupFailure instead.
        ClbLookup lookup = ctx.facts().get(id);
        if (lookup instanceof ClbLookup.Missing) {
            return List.of(deny(review, id, "it does not exist in region " + ctx.profile().region(),
                    TkeCodes.ING_CLB_NOT_FOUND, "check the id, or remove the annotation to let TKE create a CLB"));
        }
        if (lookup instanceof ClbLookup.Found found) {
            return check(review, (Ingress) review.object(), id, found.clb(), ctx);
        }
        return List.of();
    }

    private static List<Verdict> check(ObjectReview review, Ingress ing, String id, ClbInfo clb, PolicyContext ctx) {
        if (TkeTags.CREATED_BY_YES.equals(clb.tag(TkeTags.CREATED_BY))) {
            return List.of(deny(review, id, "it was created by TKE for another object (" + TkeTags.CREATED_BY + "=yes)",
                    TkeCodes.ING_CLB_CREATED_BY_TKE, "name a CLB you created yourself, or remove the annotation"));
        }
        ClusterProfile profile = ctx.profile();
        List<Verdict> out = new ArrayList<>();
        if (clb.forward() != 1) {
            out.add(deny(review, id, "it is a classic CLB (Forward=" + clb.forward() + "), which cannot carry HTTP/HTTPS rules",
                    TkeCodes.ING_CLASSIC_CLB, "choose an application CLB"));
        }
        String cluster = clb.tag(TkeTags.CLUSTER_ID);
        if (cluster != null && !cluster.isEmpty() && !cluster.equals(profile.clusterId())) {
            out.add(deny(review, id, "it is used by cluster " + cluster + " (" + TkeTags.CLUSTER_ID + ")",
                    TkeCodes.ING_CLB_OTHER_INGRESS, "choose a CLB no other cluster uses"));
        }
        if (profile.vpcId() != null && !profile.vpcId().isEmpty() && !profile.vpcId().equals(clb.vpcId())) {
            out.add(deny(review, id, "it is in " + (clb.vpcId() == null || clb.vpcId().isEmpty() ? "no VPC" : clb.vpcId())
                    + ", not in the cluster's VPC " + profile.vpcId(), null, "choose a CLB in " + profile.vpcId()));
        }
        boolean group = group(review);
        String uuid = clb.tag(TkeTags.INGRESS_UUID);
        ExistingClb.Owner owner = ExistingClb.owner(uuid, review);
        if (owner == ExistingClb.Owner.OTHER && !group) {
            boolean askedTooLate = "true".equals(Meta.annotation(ing, GROUP));
            Owners owners = ctx.facts().owners();
            out.add(deny(review, id, ExistingClb.taggedFor("Ingress", TkeTags.INGRESS_UUID, uuid, owners),
                    TkeCodes.ING_CLB_OTHER_INGRESS, ExistingClb.stale(uuid, owners) ? ExistingClb.staleFix(TkeTags.INGRESS_UUID)
                            : askedTooLate ? "enable-group is only honoured at creation: recreate the Ingress with it"
                            : "choose a CLB without that tag or enable " + GROUP));
        } else if (owner == ExistingClb.Owner.UNCHECKED && !group) {
            out.add(Verdict.warn(ID, ID + ": " + review.describe() + ": " + id + " is tagged " + TkeTags.INGRESS_UUID + "="
                    + ExistingClb.shortUid(uuid) + "; owner and listeners not checked (no metadata.uid offline)"));
        } else if (owner == ExistingClb.Owner.FREE && !group) {
            // With enable-group the Ingresses of the group share the CLB's 80/443 listeners; an adopted CLB's are its own.
            out.addAll(listeners(review, ing, id, clb, ctx.config()));
        }
        return out;
    }

    private static List<Verdict> listeners(ObjectReview review, Ingress ing, String id, ClbInfo clb, PolicyConfig config) {
        if (clb.listeners().isEmpty()) {
            return List.of();
        }
        if ("none".equals(config.choice(LISTENERS, "none", LISTENER_CHOICES))) {
            return List.of(deny(review, id, "it still has listeners (" + ExistingClb.describe(clb.listeners()) + ")",
                    TkeCodes.ING_CLB_HAS_LISTENERS, "delete them or choose a CLB without listeners"));
        }
        boolean tls = ing.getSpec() != null && ing.getSpec().getTls() != null && !ing.getSpec().getTls().isEmpty();
        List<ClbListener> taken = new ArrayList<>(ExistingClb.occupying(clb.listeners(), 80, "TCP"));
        if (tls) {
            taken.addAll(ExistingClb.occupying(clb.listeners(), 443, "TCP"));
        }
        if (taken.isEmpty()) {
            return List.of();
        }
        String needed = tls ? "80 and 443" : "80";
        return List.of(deny(review, id, "port " + needed + " must be free but " + ExistingClb.describe(taken) + " uses it",
                TkeCodes.ING_PORT_CONFLICT, "delete that listener or choose another CLB"));
    }

    /** enable-group is only honoured at creation: on UPDATE what counts is the value the object already had. */
    private static boolean group(ObjectReview review) {
        HasMetadata decisive = review.oldObject() != null ? review.oldObject() : review.object();
        return "true".equals(Meta.annotation(decisive, GROUP));
    }

    /** The existing CLB a qcloud Ingress names, or null. */
    static String existingId(HasMetadata obj) {
        if (!(obj instanceof Ingress ing) || !IngressClasses.clbBacked(ing)) {
            return null;
        }
        return Meta.annotation(ing, TkeAnnotations.INGRESS_EXIST_LBID);
    }

    private static Verdict deny(ObjectReview review, String id, String cause, String code, String fix) {
        return Verdict.deny(ID, ID + ": " + review.describe() + " cannot use " + id + ": " + cause
                + (code == null ? "" : " [" + code + "]") + "; " + fix);
    }
}
