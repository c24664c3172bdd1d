package dev.clbguard.reconcile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.tke.TkeCodes;
import dev.clbguard.policy.tke.TkeTags;

/**
 * The lifecycle table of docs/tke-rules.md §5 as a pure function: from what the object says and what the cloud
 * says about its CLB, the next step. Level-triggered: called again after every step until it answers
 * {@link Action.Nothing}, {@link Action.Finish} or {@link Action.Refuse}.
 */
public final class LifecycleDecision {

    private LifecycleDecision() {
    }

    /** Which CLB a pass must look at before deciding. */
    public sealed interface Target {
        record ById(String lbId) implements Target {
        }

        /** No id recorded (a crash between create and record): find what was created for the object. */
        record ByTags(Map<String, String> tags) implements Target {
        }

        record None() implements Target {
        }
    }

    public static Target target(Subject s, ClusterProfile profile) {
        if (s.tkeOwned()) {
            return new Target.None(); // TKE's object: not even a describe
        }
        if (!s.releasing() && (!s.managed() || s.deleting())) {
            return new Target.None();
        }
        if (s.releasing()) {
            // What the object holds: the CLB it recorded, else the one it names (claimed, maybe not yet recorded),
            // else whatever was created for it.
            if (s.recordedId() != null) {
                return new Target.ById(s.recordedId());
            }
            if (s.existingId() != null) {
                return new Target.ById(s.existingId());
            }
            return new Target.ByTags(Map.of(TkeTags.CLUSTER_ID, profile.clusterId(), s.uuidTag(), s.uid()));
        }
        if (s.existingId() != null) {
            return new Target.ById(s.existingId());
        }
        if (s.recordedId() != null) {
            return new Target.ById(s.recordedId());
        }
        return new Target.None();
    }

    /**
     * The tags to list CLBs by when a pass must also look for one created for the object (empty when not): it names
     * an existing CLB but records none, so a CLB may have been created for it before it named one, with a crash
     * before that CLB's id was recorded.
     */
    public static Map<String, String> unrecordedCreations(Subject s, ClusterProfile profile) {
        boolean claiming = !s.tkeOwned() && s.managed() && s.hasFinalizer() && !s.releasing() && s.existingId() != null
                && s.recordedId() == null;
        return claiming ? Map.of(TkeTags.CLUSTER_ID, profile.clusterId(), s.uuidTag(), s.uid()) : Map.of();
    }

    /**
     * @param clb the CLB named by {@link #target}: null when it is unknown in the region (or the target was
     *            {@link Target.None})
     */
    public static Action decide(Subject s, ClbInfo clb, ClusterProfile profile) {
        return decide(s, clb, List.of(), profile);
    }

    /**
     * @param tagged the CLBs tagged for the object, when {@link #unrecordedCreations} asked for them (else empty)
     */
    public static Action decide(Subject s, ClbInfo clb, List<ClbInfo> tagged, ClusterProfile profile) {
        if (s.disowning()) {
            return new Action.Disown();
        }
        if (s.tkeOwned()) {
            return new Action.Nothing();
        }
        if (s.releasing()) {
            return release(s, clb, profile);
        }
        if (!s.managed() || s.deleting()) {
            return new Action.Nothing();
        }
        if (!s.hasFinalizer()) {
            return new Action.AddFinalizer();
        }
        for (ClbInfo c : tagged) {
            if (!c.id().equals(s.existingId()) && createdFor(s, c)) {
                return new Action.BeginRelease(c.id()); // created for it before it named an existing CLB
            }
        }
        if (s.existingId() != null) {
            if (s.recordedId() != null && !s.recordedId().equals(s.existingId())) {
                // It holds the CLB it had before it named this one (both changed while no reconciler looked).
                return new Action.BeginRelease(s.recordedId());
            }
            return claim(s, clb, profile);
        }
        if (s.recordedId() == null) {
            return new Action.Create(createSpec(s, profile));
        }
        if (clb == null) {
            return new Action.Refuse(null, "its CLB " + s.recordedId() + " no longer exists",
                    "delete and recreate the object to get a new CLB");
        }
        if (!s.uid().equals(clb.tag(s.uuidTag()))) {
            return new Action.Refuse(null, "its recorded CLB " + s.recordedId() + " is not tagged "
                    + s.uuidTag() + "=" + s.uid(), "check who changed the CLB's tags");
        }
        if (!createdFor(s, clb) || !asked(s, clb)) {
            // A CLB it held before it stopped naming one, or public/internal/subnet changed: not the one asked for.
            return new Action.BeginRelease(clb.id());
        }
        return record(s, clb);
    }

    private static boolean createdFor(Subject s, ClbInfo clb) {
        return TkeTags.CREATED_BY_YES.equals(clb.tag(TkeTags.CREATED_BY)) && s.uid().equals(clb.tag(s.uuidTag()));
    }

    /** The created CLB is of the kind the object asks for now: OPEN, or INTERNAL in its subnet. */
    private static boolean asked(Subject s, ClbInfo clb) {
        return s.subnetId() == null ? !"INTERNAL".equals(clb.type())
                : "INTERNAL".equals(clb.type()) && s.subnetId().equals(clb.subnetId());
    }

    private static Action claim(Subject s, ClbInfo clb, ClusterProfile profile) {
        boolean svc = s.key().kind() == ResourceKind.SERVICE;
        String id = s.existingId();
        if (clb == null) {
            return new Action.Refuse(svc ? TkeCodes.SVC_CLB_NOT_FOUND : TkeCodes.ING_CLB_NOT_FOUND,
                    "names CLB " + id + " which does not exist in region " + profile.region(),
                    "name an existing CLB or remove the annotation");
        }
        String cluster = clb.tag(TkeTags.CLUSTER_ID);
        if (cluster != null && !cluster.equals(profile.clusterId())) {
            return new Action.Refuse(TkeCodes.SVC_CLB_OTHER_CLUSTER, "cannot claim " + id
                    + ": it is used by cluster " + cluster, "choose a CLB not tagged tke-clusterId");
        }
        String owner = clb.tag(s.uuidTag());
        boolean ours = s.uid().equals(owner);
        if (TkeTags.CREATED_BY_YES.equals(clb.tag(TkeTags.CREATED_BY)) && !ours) {
            return new Action.Refuse(svc ? TkeCodes.SVC_CLB_CREATED_BY_TKE : TkeCodes.ING_CLB_CREATED_BY_TKE,
                    "cannot claim " + id + ": it was created by TKE for another object",
                    "choose a CLB you created yourself");
        }
        if (owner != null && !ours && !s.sharing()) {
            return new Action.Refuse(svc ? TkeCodes.SVC_SHARING_NOT_ENABLED : TkeCodes.ING_CLB_OTHER_INGRESS,
                    "cannot claim " + id + ": it is tagged for another " + s.key().kind().kind() + " ("
                            + s.uuidTag() + "=" + owner + ")",
                    svc ? "set service.kubernetes.io/qcloud-share-existed-lb: \"true\" or choose another CLB"
                            : "choose another CLB or enable ingress.cloud.tencent.com/enable-group");
        }
        Map<String, String> missing = new LinkedHashMap<>();
        if (cluster == null) {
            missing.put(TkeTags.CLUSTER_ID, profile.clusterId());
        }
        if (owner == null) {
            missing.put(s.uuidTag(), s.uid());
        }
        if (!missing.isEmpty()) {
            return new Action.Tag(id, missing);
        }
        return record(s, clb);
    }

    private static Action record(Subject s, ClbInfo clb) {
        if (clb.id().equals(s.recordedId()) && clb.vips().equals(s.statusVips())) {
            return new Action.Nothing();
        }
        return new Action.Record(clb.id(), clb.vips());
    }

    private static Action release(Subject s, ClbInfo clb, ClusterProfile profile) {
        if (clb == null) {
            return new Action.Finish("no CLB to release");
        }
        boolean ours = s.uid().equals(clb.tag(s.uuidTag()));
        boolean created = TkeTags.CREATED_BY_YES.equals(clb.tag(TkeTags.CREATED_BY));
        boolean named = clb.id().equals(s.existingId());
        if (!named && !ours) {
            // A recorded CLB that is not tagged for this object was never ours to delete.
            return new Action.Finish("CLB " + clb.id() + " is not tagged for this object; left untouched");
        }
        String cluster = clb.tag(TkeTags.CLUSTER_ID);
        String owner = clb.tag(s.uuidTag());
        if (named && ((cluster != null && !cluster.equals(profile.clusterId()))
                || (owner != null && !ours && !s.sharing()))) {
            // The claim never happened (refused): the CLB belongs to someone else.
            return new Action.Finish("CLB " + clb.id() + " belongs to another owner; left untouched");
        }
        boolean keep = named || !created || s.retain()
                || TkeTags.LIFECYCLE_OWNER_USER.equals(clb.tag(TkeTags.LIFECYCLE_OWNER));
        Action step = keep ? keepStep(s, clb, ours, profile) : new Action.DeleteClb(clb.id());
        if (step != null && !s.deleting() && !s.releaseBegun()) {
            return new Action.BeginRelease(clb.id()); // the object stays: say so before the first cloud call
        }
        return step != null ? step : new Action.Finish("released CLB " + clb.id());
    }

    /** The next step of releasing a CLB the object keeps (its listeners, then its tags), or null when done. */
    private static Action keepStep(Subject s, ClbInfo clb, boolean ours, ClusterProfile profile) {
        List<String> listeners = ownListeners(s, clb, ours);
        if (!listeners.isEmpty()) {
            return new Action.DeleteListeners(clb.id(), listeners);
        }
        Set<String> untag = new LinkedHashSet<>();
        if (ours) {
            untag.add(s.uuidTag());
            // The cluster tag stays while another object of this cluster still holds the CLB (sharing).
            if (profile.clusterId().equals(clb.tag(TkeTags.CLUSTER_ID))) {
                untag.add(TkeTags.CLUSTER_ID);
            }
        } else if (clb.tag(s.uuidTag()) == null && profile.clusterId().equals(clb.tag(TkeTags.CLUSTER_ID))
                && !s.sharing()) {
            untag.add(TkeTags.CLUSTER_ID);
        }
        return untag.isEmpty() ? null : new Action.Untag(clb.id(), untag);
    }

    /**
     * The listeners created for the object on a CLB it keeps. A Service's are those on its own ports (sharing
     * forbids colliding ports, so they cannot be another Service's), once it claimed the CLB: before its uuid tag
     * is there (and without sharing) a listener on its port is someone else's. An Ingress's are the HTTP/HTTPS
     * listeners, and only when the CLB is its alone: an existing CLB must have had no listeners when it was claimed.
     */
    static List<String> ownListeners(Subject s, ClbInfo clb, boolean ours) {
        List<String> out = new ArrayList<>();
        for (ClbListener l : clb.listeners()) {
            boolean own = s.key().kind() == ResourceKind.SERVICE
                    ? (ours || s.sharing()) && s.ports().contains(l.protocol().toUpperCase() + ":" + l.port())
                    : ours && !s.sharing() && ("HTTP".equalsIgnoreCase(l.protocol()) || "HTTPS".equalsIgnoreCase(l.protocol()));
            if (own) {
                out.add(l.id());
            }
        }
        return out;
    }

    static ClbCloud.CreateSpec createSpec(Subject s, ClusterProfile profile) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TkeTags.CREATED_BY, TkeTags.CREATED_BY_YES);
        tags.put(TkeTags.CLUSTER_ID, profile.clusterId());
        tags.put(s.uuidTag(), s.uid());
        String name = profile.clusterId() + "_" + s.key().namespace() + "_" + s.key().name();
        if (name.length() > 60) {
            name = name.substring(0, 60); // CLB names are limited to 60 characters
        }
        boolean internal = s.subnetId() != null;
        return new ClbCloud.CreateSpec(name, internal ? "INTERNAL" : "OPEN", profile.vpcId(),
                internal ? s.subnetId() : null, tags, s.clientToken());
    }
}
