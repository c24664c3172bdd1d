package dev.clbguard.reconcile;

import java.util.ArrayList;
import java.util.List;

import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * The facts about one persisted Service or Ingress that the lifecycle decision reads, extracted once so the
 * decision itself never touches a Kubernetes model.
 *
 * @param managed    handed to clbguard by class: a LoadBalancer Service of class clbguard.dev/clb, or an
 *                   Ingress of class clbguard
 * @param tkeOwned   a LoadBalancer Service without class or an Ingress of class qcloud (or none): TKE's own
 *                   controllers provision its CLB, so clbguard never writes for it
 * @param existingId the CLB named by the user (tke-existed-lbid / existLbId), or null
 * @param recordedId the CLB id this reconciler (or TKE) wrote on the object, or null
 * @param ports      for a Service, its "PROTOCOL:port" pairs (the listeners TKE creates for it)
 * @param releaseBegun a release of the object's CLB has begun while the object stays (see {@link #RELEASING})
 */
public record Subject(ObjectKey key, String uid, boolean managed, boolean tkeOwned, boolean deleting, boolean hasFinalizer,
        String existingId, String recordedId, String subnetId, boolean retain, boolean sharing, List<String> ports,
        List<String> statusVips, int releases, boolean releaseBegun) {

    /** Owned by the reconciler, added before any cloud action so a deletion always waits for the release. */
    public static final String FINALIZER = "clbguard.dev/clb-lifecycle";

    /**
     * How many times the object released its CLB and stayed (class changed away): part of the next ClientToken,
     * so the CLB created when it comes back is a new one, not the first one's token replayed.
     */
    public static final String RELEASES = "clbguard.dev/clb-releases";

    /**
     * Written (with the CLB id it releases) before the first cloud call of a release of an object that stays, and
     * removed with the release's end: an object handed back to clbguard before its release finished (a crash in
     * between) finishes that release first, instead of taking a half-deleted or untagged CLB for its own.
     */
    public static final String RELEASING = "clbguard.dev/clb-releasing";

    public static Subject of(HasMetadata obj) {
        var m = obj.getMetadata();
        boolean finalizer = m.getFinalizers() != null && m.getFinalizers().contains(FINALIZER);
        boolean deleting = m.getDeletionTimestamp() != null;
        Ownership.Owner owner = Ownership.of(obj);
        boolean managed = owner == Ownership.Owner.CLBGUARD;
        boolean tke = owner == Ownership.Owner.TKE;
        if (obj instanceof Service svc) {
            var spec = svc.getSpec();
            List<String> ports = new ArrayList<>();
            if (spec != null && spec.getPorts() != null) {
                for (ServicePort p : spec.getPorts()) {
                    ports.add((p.getProtocol() == null ? "TCP" : p.getProtocol()) + ":" + p.getPort());
                }
            }
            List<String> vips = new ArrayList<>();
            if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
                    && svc.getStatus().getLoadBalancer().getIngress() != null) {
                svc.getStatus().getLoadBalancer().getIngress().forEach(i -> vips.add(i.getIp()));
            }
            return new Subject(new ObjectKey(ResourceKind.SERVICE, m.getNamespace(), m.getName()), m.getUid(), managed,
                    tke, deleting, finalizer, blankToNull(Meta.annotation(obj, TkeAnnotations.SERVICE_EXISTED_LBID)),
                    blankToNull(Meta.annotation(obj, TkeAnnotations.SERVICE_LOADBALANCE_ID)),
                    blankToNull(Meta.annotation(obj, TkeAnnotations.SERVICE_INTERNAL_SUBNET)), false,
                    "true".equals(Meta.annotation(obj, TkeAnnotations.SERVICE_SHARE_EXISTED_LB)), ports, vips,
                    releases(obj), Meta.annotation(obj, RELEASING) != null);
        }
        if (obj instanceof Ingress ing) {
            List<String> vips = new ArrayList<>();
            if (ing.getStatus() != null && ing.getStatus().getLoadBalancer() != null
                    && ing.getStatus().getLoadBalancer().getIngress() != null) {
                ing.getStatus().getLoadBalancer().getIngress().forEach(i -> vips.add(i.getIp()));
            }
            return new Subject(new ObjectKey(ResourceKind.INGRESS, m.getNamespace(), m.getName()), m.getUid(),
                    managed, tke, deleting, finalizer,
                    blankToNull(Meta.annotation(obj, TkeAnnotations.INGRESS_EXIST_LBID)),
                    blankToNull(Meta.annotation(obj, TkeAnnotations.INGRESS_LOADBALANCE_ID)),
                    blankToNull(Meta.annotation(obj, TkeAnnotations.INGRESS_SUBNET_ID)),
                    "true".equals(Meta.annotation(obj, TkeAnnotations.INGRESS_LOADBALANCE_RETAIN)),
                    "true".equals(Meta.annotation(obj, TkeAnnotations.INGRESS_ENABLE_GROUP)), List.of(), vips,
                    releases(obj), Meta.annotation(obj, RELEASING) != null);
        }
        throw new IllegalArgumentException("not a Service or Ingress: " + obj.getKind());
    }

    /**
     * What the user controls, without what the reconciler writes (CLB id, status, finalizer): a change of only
     * the latter is the echo of our own write and needs no new pass.
     */
    public Subject inputs() {
        return new Subject(key, uid, managed, tkeOwned, deleting, false, existingId, null, subnetId, retain, sharing, ports,
                List.of(), releases, false);
    }

    /** The uuid tag key for this kind: tke-lb-serviceuuid or tke-lb-ingress-uuid. */
    public String uuidTag() {
        return key.kind() == ResourceKind.SERVICE ? TkeTags.SERVICE_UUID : TkeTags.INGRESS_UUID;
    }

    /**
     * Holding CLB resources that must be released: finalizer set and either deleted, handed to no CLB controller
     * (class changed away, no longer a LoadBalancer), or with a release begun and not finished. An object now
     * TKE's is disowned instead.
     */
    public boolean releasing() {
        return hasFinalizer && !tkeOwned && (deleting || !managed || releaseBegun);
    }

    /** Carries our finalizer but belongs to TKE's controllers (an upgrade, or a class handed back to TKE). */
    public boolean disowning() {
        return hasFinalizer && tkeOwned;
    }

    public String describe() {
        return key.toString();
    }

    /** The ClientToken of the CLB this object would create now: its uid, then uid-1, uid-2 after releases. */
    public String clientToken() {
        return releases == 0 ? uid : uid + "-" + releases;
    }

    private static int releases(HasMetadata obj) {
        String v = Meta.annotation(obj, RELEASES);
        try {
            return v == null ? 0 : Math.max(0, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
