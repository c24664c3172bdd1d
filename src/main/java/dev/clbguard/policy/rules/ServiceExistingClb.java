package dev.clbguard.policy.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.Services;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeCodes;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

/**
 * A LoadBalancer Service naming an existing CLB ({@code service.kubernetes.io/tke-existed-lbid}) must be able
 * to get it: the checks TKE's service controller would otherwise fail on after the Service is stored
 * (docs/tke-rules.md §4, Service column). Only LoadBalancer Services claim a CLB; the annotation on a ClusterIP
 * Service is inert (it is the documented first step of moving a Service to another CLB).
 */
public final class ServiceExistingClb extends ExistingClb {

    public static final String ID = "service-existing-clb";
    /** The annotation's short name keeps messages on one ~200-character line. */
    private static final String SHARE_FIX = "set qcloud-share-existed-lb: \"true\"";

    public ServiceExistingClb() {
        super(new Terms(ID, ResourceKind.SERVICE, o -> o instanceof Service svc && Services.loadBalancer(svc),
                TkeAnnotations.SERVICE_EXISTED_LBID, TkeTags.SERVICE_UUID, TkeCodes.SVC_CLB_NOT_FOUND,
                TkeCodes.SVC_CLB_CREATED_BY_TKE, TkeCodes.SVC_CLB_OTHER_CLUSTER, false, "an Ingress", TkeTags.INGRESS_UUID,
                TkeCodes.CLB_OF_OTHER_KIND));
    }

    @Override
    void claim(ObjectReview review, String id, ClbInfo clb, Owner owner, PolicyContext ctx, List<Verdict> out) {
        // A subnet named beside the CLB is warned about by clb-annotations (it needs no lookup); not repeated here.
        Service svc = (Service) review.object();
        boolean sharing = "true".equals(Meta.annotation(svc, TkeAnnotations.SERVICE_SHARE_EXISTED_LB));
        switch (owner) {
            case OWN -> {
                // Adopted: the listeners are this Service's own (an UPDATE of it must pass).
            }
            case UNCHECKED -> out.add(unchecked(review, id, clb));
            case OTHER -> {
                if (!sharing) {
                    out.add(taggedForOther(review, id, clb, ctx.facts().owners(), TkeCodes.SVC_SHARING_NOT_ENABLED,
                            "choose a CLB without that tag or " + SHARE_FIX));
                } else {
                    listeners(review, svc, id, clb, true, out);
                }
            }
            case FREE -> listeners(review, svc, id, clb, sharing, out);
        }
    }

    private void listeners(ObjectReview review, Service svc, String id, ClbInfo clb, boolean sharing, List<Verdict> out) {
        if (clb.listeners().isEmpty()) {
            return;
        }
        if (!sharing) {
            out.add(deny(review, id, "it has listeners (" + describe(clb.listeners()) + ") and sharing is off",
                    TkeCodes.SVC_SHARING_NOT_ENABLED, "choose a CLB without listeners or " + SHARE_FIX));
            return;
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
            List<ClbListener> occupying = occupying(clb.listeners(), p.getPort(), protocol);
            if (!occupying.isEmpty()) {
                taken.addAll(occupying);
                ports.add(p.getPort() + "/" + protocol);
            }
        }
        if (!taken.isEmpty()) {
            out.add(deny(review, id, ports(ports, "is", "are") + " taken by " + (taken.size() == 1 ? "listener " : "listeners ")
                    + describe(taken),
                    TkeCodes.SVC_PORT_CONFLICT, "use other ports or another CLB"));
        }
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
}
