package dev.clbguard.policy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.tke.IngressClasses;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.Services;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeFormats;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * The CLB an object uses is chosen once, at creation (docs/tke-rules.md §4): TKE refuses to switch an object to or
 * from an existing CLB, between public and internal, or to another subnet. Caught here, the user gets the
 * workaround at once instead of a controller Event later. A Service that is not (or no longer) a LoadBalancer
 * has no CLB, so its annotations change freely: that is the Service workaround.
 */
public final class ClbTransitions implements Policy {

    public static final String ID = "clb-transitions";
    private static final List<String> CLASS_CHANGE_CHOICES = List.of("warn", "deny");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void checkParameters(PolicyConfig config) {
        config.choice("classChange", "warn", CLASS_CHANGE_CHOICES);
    }

    @Override
    public List<Verdict> evaluate(ObjectReview review, PolicyContext ctx) {
        if (review.operation() != Operation.UPDATE || review.oldObject() == null) {
            return List.of();
        }
        if (review.object() instanceof Service svc && review.oldObject() instanceof Service old) {
            if (!Services.loadBalancer(svc) || !Services.loadBalancer(old)) {
                return List.of();
            }
            String fix = ctx.profile().elastic()
                    // An elastic cluster refuses the non-headless ClusterIP detour (elastic-service-types).
                    ? "delete and recreate the Service with the new value"
                    : "switch the Service to type ClusterIP, then back to LoadBalancer with the new value";
            return bindings(review, TkeAnnotations.SERVICE_EXISTED_LBID, TkeAnnotations.SERVICE_INTERNAL_SUBNET, fix);
        }
        if (review.object() instanceof Ingress ing && review.oldObject() instanceof Ingress old) {
            // qcloud <-> clbguard is a change of controller too: one releases, the other provisions.
            Ownership.Owner was = Ownership.of(old);
            Ownership.Owner is = Ownership.of(ing);
            if (was != is) {
                return List.of(classChange(review, ctx, old, ing, is));
            }
            if (!IngressClasses.clbBacked(ing)) {
                return List.of();
            }
            List<Verdict> out = new ArrayList<>(bindings(review, TkeAnnotations.INGRESS_EXIST_LBID,
                    TkeAnnotations.INGRESS_SUBNET_ID, "recreate the Ingress with the new value"));
            String group = TkeAnnotations.INGRESS_ENABLE_GROUP;
            if (!Objects.equals(value(old, group), value(ing, group))) {
                out.add(Verdict.warn(ID, review, "changes " + group
                        + ", which TKE only honours at creation; recreate the Ingress for it to take effect"));
            }
            return out;
        }
        return List.of();
    }

    /** The existing-CLB id and the internal subnet, which together decide which CLB the object is bound to. */
    private static List<Verdict> bindings(ObjectReview review, String existingKey, String subnetKey, String fix) {
        String oldId = value(review.oldObject(), existingKey);
        String newId = value(review.object(), existingKey);
        if (!Objects.equals(oldId, newId)) {
            String change = oldId == null ? "add " + existingKey + "=" + TkeFormats.quote(newId)
                    : newId == null ? "remove " + existingKey + "=" + TkeFormats.quote(oldId)
                    : "change " + existingKey + " from " + TkeFormats.quote(oldId) + " to " + TkeFormats.quote(newId);
            return List.of(deny(review, change, fix));
        }
        if (newId != null) {
            // With an existing CLB the subnet annotation is ignored (clb-annotations warns): changing it changes nothing.
            return List.of();
        }
        String oldSubnet = value(review.oldObject(), subnetKey);
        String newSubnet = value(review.object(), subnetKey);
        if (Objects.equals(oldSubnet, newSubnet)) {
            return List.of();
        }
        String change = oldSubnet == null ? "turn its public CLB internal (" + subnetKey + " added)"
                : newSubnet == null ? "turn its internal CLB public (" + subnetKey + " removed)"
                : "move its internal CLB from " + TkeFormats.quote(oldSubnet) + " to subnet " + TkeFormats.quote(newSubnet);
        return List.of(deny(review, change, fix));
    }

    private static Verdict deny(ObjectReview review, String change, String fix) {
        return Verdict.deny(ID, review, "cannot " + change + ": TKE binds the CLB at creation; "
                + fix);
    }

    private static Verdict classChange(ObjectReview review, PolicyContext ctx, Ingress old, Ingress ing,
            Ownership.Owner to) {
        String from = label(IngressClasses.declared(old));
        String toLabel = label(IngressClasses.declared(ing));
        String effect = switch (to) {
            case TKE -> "TKE will create or claim a CLB for it";
            case CLBGUARD -> "clbguard will create or claim a CLB for it";
            case NONE -> "its controller will release its CLB (a CLB created for it is deleted)";
        };
        String cause = "changes class " + from + " -> " + toLabel + ": " + effect
                + "; make sure that is intended";
        boolean deny = "deny".equals(ctx.config().choice("classChange", "warn", CLASS_CHANGE_CHOICES));
        return deny ? Verdict.deny(ID, review, cause) : Verdict.warn(ID, review, cause);
    }

    private static String label(String cls) {
        return cls == null ? "<none>" : TkeFormats.quote(cls);
    }

    /** Blank counts as absent: {@code kubectl annotate k=} is how some users try to unset an annotation. */
    private static String value(HasMetadata obj, String key) {
        String v = Meta.annotation(obj, key);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
