package dev.clbguard.policy.rules;

import java.util.ArrayList;
import java.util.List;

import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.tke.IngressClasses;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeCodes;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * A qcloud (or clbguard-class) Ingress naming an existing CLB ({@code kubernetes.io/ingress.existLbId}) must be able to get it
 * (docs/tke-rules.md §4, Ingress column). Ingresses of another class are never looked up: their controller does
 * not use the annotation. Parameter {@code listeners}: {@code none} (default, older TKE: the CLB must have no
 * listener) or {@code no-port-conflict} (newer TKE: only the ports the Ingress needs must be free).
 */
public final class IngressExistingClb extends ExistingClb {

    public static final String ID = "ingress-existing-clb";
    static final String LISTENERS = "listeners";
    static final List<String> LISTENER_CHOICES = List.of("none", "no-port-conflict");
    private static final String GROUP = TkeAnnotations.INGRESS_ENABLE_GROUP;

    public IngressExistingClb() {
        super(new Terms(ID, ResourceKind.INGRESS, o -> o instanceof Ingress ing && IngressClasses.clbBacked(ing),
                TkeAnnotations.INGRESS_EXIST_LBID, TkeTags.INGRESS_UUID, TkeCodes.ING_CLB_NOT_FOUND,
                TkeCodes.ING_CLB_CREATED_BY_TKE, TkeCodes.ING_CLB_OTHER_INGRESS, true, "a Service", TkeTags.SERVICE_UUID,
                TkeCodes.CLB_OF_OTHER_KIND));
    }

    @Override
    public void checkParameters(PolicyConfig config) {
        config.choice(LISTENERS, "none", LISTENER_CHOICES);
    }

    @Override
    void claim(ObjectReview review, String id, ClbInfo clb, Owner owner, PolicyContext ctx, List<Verdict> out) {
        if (group(review)) {
            // The Ingresses of a group share the CLB and its 80/443 listeners; an adopted CLB's are its own.
            return;
        }
        Ingress ing = (Ingress) review.object();
        switch (owner) {
            case OTHER -> out.add(taggedForOther(review, id, clb, ctx.facts().owners(), TkeCodes.ING_CLB_OTHER_INGRESS,
                    "true".equals(Meta.annotation(ing, GROUP))
                            ? "enable-group is only honoured at creation: recreate the Ingress with it"
                            : "choose a CLB without that tag or enable " + GROUP));
            case UNCHECKED -> out.add(unchecked(review, id, clb));
            case FREE -> listeners(review, ing, id, clb, ctx.config(), out);
            case OWN -> {
            }
        }
    }

    private void listeners(ObjectReview review, Ingress ing, String id, ClbInfo clb, PolicyConfig config, List<Verdict> out) {
        if (clb.listeners().isEmpty()) {
            return;
        }
        if ("none".equals(config.choice(LISTENERS, "none", LISTENER_CHOICES))) {
            out.add(deny(review, id, "it still has listeners (" + describe(clb.listeners()) + ")",
                    TkeCodes.ING_CLB_HAS_LISTENERS, "delete them or choose a CLB without listeners"));
            return;
        }
        boolean tls = ing.getSpec() != null && ing.getSpec().getTls() != null && !ing.getSpec().getTls().isEmpty();
        List<ClbListener> taken = new ArrayList<>(occupying(clb.listeners(), 80, "TCP"));
        if (tls) {
            taken.addAll(occupying(clb.listeners(), 443, "TCP"));
        }
        if (!taken.isEmpty()) {
            out.add(deny(review, id, "port " + (tls ? "80 and 443" : "80") + " must be free but " + describe(taken)
                    + " uses it", TkeCodes.ING_PORT_CONFLICT, "delete that listener or choose another CLB"));
        }
    }

    /** enable-group is only honoured at creation: on UPDATE what counts is the value the object already had. */
    private static boolean group(ObjectReview review) {
        HasMetadata decisive = review.oldObject() != null ? review.oldObject() : review.object();
        return "true".equals(Meta.annotation(decisive, GROUP));
    }
}
