package dev.clbguard.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeTags;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * The crash soak's verdict on one picture of the cluster (live objects from the API server) and the cloud (every
 * CLB in the emulator). Pure: what each count means is written here once and printed with the results.
 */
final class SoakCounts {

    static final String FINALIZER = "clbguard.dev/clb-lifecycle";

    static final String DEFINITIONS = """
            leaked CLB      a CLB created by clbguard (tke-createdBy-flag=yes, not in the seed) that no live object of \
            clbguard's class records in its CLB id annotation, unless it is a retained one (below)
            retained CLB    a created CLB released with loadbalance-retain: only tke-createdBy-flag left, and its name \
            is that of an Ingress that had retain set (expected, not a fault)
            stale tag       a tke-lb-serviceuuid / tke-lb-ingress-uuid tag naming a uid no live object has
            stray tag       a uuid tag naming a live object that does not record that CLB, or a tke-clusterId tag of \
            this cluster on a CLB no live clbguard-class object records
            stuck finalizer clbguard.dev/clb-lifecycle on an object being deleted, or on one not of clbguard's class \
            (released, TKE's)
            unconverged     a live clbguard-class object without the finalizer or the CLB id annotation, or whose \
            recorded CLB is missing, is not the existing CLB it names, lacks tke-clusterId or its uuid tag, is not \
            created for it (tke-createdBy-flag, OPEN/INTERNAL and subnet as asked) when it names none, or whose \
            status.loadBalancer does not show the CLB's VIPs; or a released object still showing a CLB id or VIP; \
            or a TKE object whose CLB or annotations clbguard changed
            guardian        findings of the reconciler process's own guardian sweeps (GET /audit/report), read \
            after three sweeps past convergence with a 1 s orphan grace""";

    /** One CLB as the emulator's state endpoint shows it. */
    record Clb(String id, String name, String type, String subnetId, List<String> vips, Map<String, String> tags) {
        String tag(String key) {
            return tags.get(key);
        }
    }

    /** What the harness knows beyond the two pictures. */
    record Known(String clusterId, Set<String> seeded, Set<String> retainNames, Map<String, String> tkeClbs) {
    }

    int leaked, retained, stale, stray, stuckFinalizers, unconverged, seededDeleted;
    final List<String> details = new ArrayList<>();

    boolean clean() {
        return leaked + stale + stray + stuckFinalizers + unconverged + seededDeleted == 0;
    }

    static SoakCounts of(List<HasMetadata> objects, List<Clb> clbs, Known known) {
        SoakCounts c = new SoakCounts();
        Map<String, HasMetadata> byUid = new HashMap<>();
        Map<String, Clb> byId = new HashMap<>();
        objects.forEach(o -> byUid.put(o.getMetadata().getUid(), o));
        clbs.forEach(b -> byId.put(b.id(), b));
        known.seeded().stream().filter(id -> !byId.containsKey(id)).forEach(id -> c.fault("seededDeleted", id));
        for (Clb b : clbs) {
            c.judge(b, byUid, objects, known);
        }
        for (HasMetadata o : objects) {
            c.judge(o, byId, known);
        }
        return c;
    }

    private void judge(Clb b, Map<String, HasMetadata> byUid, List<HasMetadata> objects, Known known) {
        String cluster = b.tag(TkeTags.CLUSTER_ID);
        if (cluster != null && !cluster.equals(known.clusterId())) {
            return; // another cluster's CLB: not ours to judge
        }
        boolean recorded = objects.stream().anyMatch(o -> clbguardClass(o) && b.id().equals(recordedId(o)));
        if (!known.seeded().contains(b.id()) && TkeTags.CREATED_BY_YES.equals(b.tag(TkeTags.CREATED_BY)) && !recorded) {
            boolean bare = cluster == null && b.tag(TkeTags.SERVICE_UUID) == null && b.tag(TkeTags.INGRESS_UUID) == null;
            if (bare && known.retainNames().contains(nameOf(b))) {
                retained++;
            } else {
                fault("leaked", b.id() + " " + b.name() + " tags " + b.tags());
            }
        }
        for (String key : List.of(TkeTags.SERVICE_UUID, TkeTags.INGRESS_UUID)) {
            String uid = b.tag(key);
            if (uid == null) {
                continue;
            }
            HasMetadata owner = byUid.get(uid);
            if (owner == null) {
                fault("stale", b.id() + " " + key + "=" + uid);
            } else if (!(clbguardClass(owner) && b.id().equals(recordedId(owner)))) {
                fault("stray", b.id() + " " + key + "=" + uid + " but " + describe(owner) + " records " + recordedId(owner));
            }
        }
        if (cluster != null && !recorded) {
            fault("stray", b.id() + " " + TkeTags.CLUSTER_ID + "=" + cluster + " recorded by no live object");
        }
    }

    private void judge(HasMetadata o, Map<String, Clb> byId, Known known) {
        boolean finalizer = o.getMetadata().getFinalizers() != null && o.getMetadata().getFinalizers().contains(FINALIZER);
        Ownership.Owner owner = Ownership.of(o);
        if (o.getMetadata().getDeletionTimestamp() != null || (owner != Ownership.Owner.CLBGUARD && finalizer)) {
            if (finalizer) {
                fault("stuckFinalizers", describe(o) + (o.getMetadata().getDeletionTimestamp() != null ? " (deleting)" : " (" + owner + ")"));
            }
            return;
        }
        String why = switch (owner) {
            case CLBGUARD -> unconverged(o, finalizer, byId, known);
            case NONE -> recordedId(o) != null || !vips(o).isEmpty()
                    ? "released but still shows CLB " + recordedId(o) + " " + vips(o) : null;
            case TKE -> tkeTouched(o, byId, known);
        };
        if (why != null) {
            fault("unconverged", describe(o) + ": " + why);
        }
    }

    private static String unconverged(HasMetadata o, boolean finalizer, Map<String, Clb> byId, Known known) {
        String id = recordedId(o);
        String existing = annotation(o, o instanceof Service ? TkeAnnotations.SERVICE_EXISTED_LBID : TkeAnnotations.INGRESS_EXIST_LBID);
        if (!finalizer) {
            return "no finalizer";
        }
        if (id == null) {
            return "no CLB id recorded";
        }
        if (existing != null && !existing.equals(id)) {
            return "names existing CLB " + existing + " but records " + id;
        }
        Clb b = byId.get(id);
        if (b == null) {
            return "its CLB " + id + " does not exist";
        }
        String uuidKey = o instanceof Service ? TkeTags.SERVICE_UUID : TkeTags.INGRESS_UUID;
        if (!known.clusterId().equals(b.tag(TkeTags.CLUSTER_ID)) || !o.getMetadata().getUid().equals(b.tag(uuidKey))) {
            return "its CLB " + id + " is not tagged for it: " + b.tags();
        }
        if (existing == null) {
            String subnet = annotation(o, o instanceof Service ? TkeAnnotations.SERVICE_INTERNAL_SUBNET : TkeAnnotations.INGRESS_SUBNET_ID);
            if (!TkeTags.CREATED_BY_YES.equals(b.tag(TkeTags.CREATED_BY))) {
                return "names no existing CLB but records " + id + ", which was not created for it";
            }
            if (!(subnet == null ? "OPEN".equals(b.type()) : "INTERNAL".equals(b.type()) && subnet.equals(b.subnetId()))) {
                return "asks for " + (subnet == null ? "a public CLB" : "an internal CLB in " + subnet) + " but records "
                        + b.type() + " " + id + " (subnet " + b.subnetId() + ")";
            }
        }
        if (!b.vips().equals(vips(o))) {
            return "status shows " + vips(o) + ", its CLB " + id + " has " + b.vips();
        }
        return null;
    }

    /** TKE's objects carry TKE's id annotation for a seeded, untagged CLB: clbguard must leave both alone. */
    private static String tkeTouched(HasMetadata o, Map<String, Clb> byId, Known known) {
        String id = known.tkeClbs().get(o.getMetadata().getName());
        Clb b = id == null ? null : byId.get(id);
        if (b == null || !b.tags().isEmpty()) {
            return "TKE's CLB " + id + " was changed: " + (b == null ? "gone" : b.tags());
        }
        if (!id.equals(recordedId(o)) || !vips(o).isEmpty() || annotation(o, "clbguard.dev/clb-releases") != null) {
            return "clbguard wrote on TKE's object";
        }
        return null;
    }

    private void fault(String kind, String what) {
        switch (kind) {
            case "leaked" -> leaked++;
            case "stale" -> stale++;
            case "stray" -> stray++;
            case "stuckFinalizers" -> stuckFinalizers++;
            case "unconverged" -> unconverged++;
            default -> seededDeleted++;
        }
        details.add(kind + ": " + what);
    }

    static boolean clbguardClass(HasMetadata o) {
        return Ownership.of(o) == Ownership.Owner.CLBGUARD && o.getMetadata().getDeletionTimestamp() == null;
    }

    static String recordedId(HasMetadata o) {
        return annotation(o, o instanceof Service ? TkeAnnotations.SERVICE_LOADBALANCE_ID : TkeAnnotations.INGRESS_LOADBALANCE_ID);
    }

    static List<String> vips(HasMetadata o) {
        List<String> out = new ArrayList<>();
        if (o instanceof Service s && s.getStatus() != null && s.getStatus().getLoadBalancer() != null
                && s.getStatus().getLoadBalancer().getIngress() != null) {
            s.getStatus().getLoadBalancer().getIngress().forEach(i -> out.add(i.getIp()));
        } else if (o instanceof Ingress i && i.getStatus() != null && i.getStatus().getLoadBalancer() != null
                && i.getStatus().getLoadBalancer().getIngress() != null) {
            i.getStatus().getLoadBalancer().getIngress().forEach(x -> out.add(x.getIp()));
        }
        return out;
    }

    static String annotation(HasMetadata o, String key) {
        String v = Meta.annotation(o, key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The object name in a created CLB's name {@code <cluster>_<namespace>_<name>}. */
    private static String nameOf(Clb b) {
        String n = b.name() == null ? "" : b.name();
        return n.substring(n.lastIndexOf('_') + 1);
    }

    static String describe(HasMetadata o) {
        return (o instanceof Service ? "Service " : "Ingress ") + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName() + " (uid "
                + o.getMetadata().getUid() + ")";
    }
}
