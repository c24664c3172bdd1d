package dev.clbguard.policy.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.Owners;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.clb.ClbLookup;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeCodes;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

/**
 * A LoadBalancer Service naming an existing CLB ({@code service.kubernetes.io/tke-existed-lbid}) must be able
 * to get it: the checks TKE's service controller would otherwise fail on after the Service is stored
 * (tke-rules.md §4, Service column). Only LoadBalancer Services claim a CLB; the annotation on a ClusterIP
 * Service is inert (it is the documented first step of moving a Service to another CLB).
 */
public final class ServiceExistingClb implements Policy {

    public static final String ID = "service-existing-clb";
    /** The annotation's short name keeps messages on one ~200-character line. */
    private static final String SHARE_FIX = "set qcloud-share-existed-lb: \"true\"";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<ResourceKind> kinds() {
        return Set.of(ResourceKind.SERVICE);
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
        Service svc = (Service) review.object();
        // A subnet named beside the CLB is warned about by clb-annotations (it needs no lookup); not repeated here.
        List<Verdict> out = new ArrayList<>();
        // Unknown never reaches here: the engine answers with the policy's onLookupFailure instead.
        ClbLookup lookup = ctx.facts().get(id);
        if (lookup instanceof ClbLookup.Missing) {
            out.add(deny(review, id, "it does not exist in region " + ctx.profile().region(), TkeCodes.SVC_CLB_NOT_FOUND,
                    "check the id, or remove the annotation to let TKE create a CLB"));
        } else if (lookup instanceof ClbLookup.Found found) {
            out.addAll(check(review, svc, id, found.clb(), ctx.profile(), ctx.facts().owners()));
        }
        return out;
    }

    private static List<Verdict> check(ObjectReview review, Service svc, String id, ClbInfo clb, ClusterProfile profile,
            Owners owners) {
        if (TkeTags.CREATED_BY_YES.equals(clb.tag(TkeTags.CREATED_BY))) {
            // TKE deletes a CLB it created together with its object: never lend it to another one.
            return List.of(deny(review, id, "it was created by TKE for another object (" + TkeTags.CREATED_BY + "=yes)",
                    TkeCodes.SVC_CLB_CREATED_BY_TKE, "name a CLB you created yourself, or remove the annotation"));
        }
        List<Verdict> out = new ArrayList<>();
        String cluster = clb.tag(TkeTags.CLUSTER_ID);
        if (cluster != null && !cluster.isEmpty() && !cluster.equals(profile.clusterId())) {
            out.add(deny(review, id, "it is used by cluster " + cluster + " (" + TkeTags.CLUSTER_ID + ")",
                    TkeCodes.SVC_CLB_OTHER_CLUSTER, "choose a CLB no other cluster uses"));
        }
        if (profile.vpcId() != null && !profile.vpcId().isEmpty() && !profile.vpcId().equals(clb.vpcId())) {
            out.add(deny(review, id, "it is in " + (clb.vpcId() == null || clb.vpcId().isEmpty() ? "no VPC" : clb.vpcId())
                    + ", not in the cluster's VPC " + profile.vpcId(), null, "choose a CLB in " + profile.vpcId()));
        }
        boolean sharing = "true".equals(Meta.annotation(svc, TkeAnnotations.SERVICE_SHARE_EXISTED_LB));
        String uuid = clb.tag(TkeTags.SERVICE_UUID);
        switch (ExistingClb.owner(uuid, review)) {
            case OWN -> {
                // Adopted: the listeners are this Service's own (an UPDATE of it must pass).
            }
            case UNCHECKED -> out.add(Verdict.warn(ID, ID + ": " + review.describe() + ": " + id + " is tagged "
                    + TkeTags.SERVICE_UUID + "=" + ExistingClb.shortUid(uuid)
                    + "; owner and listeners not checked (no metadata.uid offline)"));
            case OTHER -> {
                if (!sharing) {
                    out.add(deny(review, id, ExistingClb.taggedFor("Service", TkeTags.SERVICE_UUID, uuid, owners),
                            TkeCodes.SVC_SHARING_NOT_ENABLED, ExistingClb.stale(uuid, owners)
                                    ? ExistingClb.staleFix(TkeTags.SERVICE_UUID)
                                    : "choose a CLB without that tag or " + SHARE_FIX));
                } else {
                    out.addAll(listeners(review, svc, id, clb, true));
                }
            }
            case FREE -> out.addAll(listeners(review, svc, id, clb, sharing));
        }
        return out;
    }

    private static List<Verdict> listeners(ObjectReview review, Service svc, String id, ClbInfo clb, boolean sharing) {
        if (clb.listeners().isEmpty()) {
            return List.of();
        }
        if (!sharing) {
            return List.of(deny(review, id, "it has listeners (" + ExistingClb.describe(clb.listeners())
                    + ") and sharing is off", TkeCodes.SVC_SHARING_NOT_ENABLED,
                    "choose a CLB without listeners or " + SHARE_FIX));
        }
        // Ports this Service already held on the same CLB before the update are its own listeners, not collisions.
        Set<String> held = review.operation() == Operation.UPDATE && Objects.equals(id, existingId(review.oldObject()))
                ? portKeys((Service) review.oldObject()) : Set.of();
        List<ClbListener> taken = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (ServicePort p : servicePorts(svc)) {
            String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
            if (p.getPort() == null || held.contains(p.getPort() + "/" + protocol)) {
                continue;
            }
            List<ClbListener> occupying = ExistingClb.occupying(clb.listeners(), p.getPort(), protocol);
            if (!occupying.isEmpty()) {
                taken.addAll(occupying);
                ports.add(p.getPort() + "/" + protocol);
            }
        }
        if (taken.isEmpty()) {
            return List.of();
        }
        return List.of(deny(review, id, "port " + String.join(", ", ports) + " is taken by listener "
                + ExistingClb.describe(taken), TkeCodes.SVC_PORT_CONFLICT, "use other ports or another CLB"));
    }

    private static Set<String> portKeys(Service svc) {
        Set<String> keys = new LinkedHashSet<>();
        for (ServicePort p : servicePorts(svc)) {
            if (p.getPort() != null) {
                keys.add(p.getPort() + "/" + (p.getProtocol() == null ? "TCP" : p.getProtocol()));
            }
        }
        return keys;
    }

    private static List<ServicePort> servicePorts(Service svc) {
        return svc.getSpec() == null || svc.getSpec().getPorts() == null ? List.of() : svc.getSpec().getPorts();
    }

    /** The existing CLB a LoadBalancer Service names, or null. */
    static String existingId(HasMetadata obj) {
        if (!(obj instanceof Service svc) || Ownership.of(svc) == Ownership.Owner.NONE) {
            return null;
        }
        return Meta.annotation(svc, TkeAnnotations.SERVICE_EXISTED_LBID);
    }

    private static Verdict deny(ObjectReview review, String id, String cause, String code, String fix) {
        return Verdict.deny(ID, ID + ": " + review.describe() + " cannot use " + id + ": " + cause
                + (code == null ? "" : " [" + code + "]") + "; " + fix);
    }
}
