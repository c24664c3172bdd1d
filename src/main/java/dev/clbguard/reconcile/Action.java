package dev.clbguard.reconcile;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.facts.ClbCloud;

/** One step of the lifecycle, chosen by {@link LifecycleDecision} and carried out by {@link Reconciler}. */
public sealed interface Action {

    /** Nothing to do: in sync, or not ours. */
    record Nothing() implements Action {
    }

    /** Add the finalizer before any cloud action, so a deletion waits for the release. */
    record AddFinalizer() implements Action {
    }

    /** Claim an existing CLB (or re-add tags that went missing): TagResources. */
    record Tag(String lbId, Map<String, String> tags) implements Action {
    }

    /** CreateLoadBalancer with tags at creation and ClientToken = uid. */
    record Create(ClbCloud.CreateSpec spec) implements Action {
    }

    /** Write the CLB id annotation and status.loadBalancer.ingress. */
    record Record(String lbId, List<String> vips) implements Action {
    }

    /**
     * Before the first cloud call of a release of an object that stays (or of a CLB it holds but no longer asks
     * for): record the CLB's id and {@link Subject#RELEASING} on the object, so the release is finished even if
     * the object is handed back to clbguard first.
     */
    record BeginRelease(String lbId) implements Action {
    }

    /** DeleteLoadBalancer of a CLB created for the object. */
    record DeleteClb(String lbId) implements Action {
    }

    /** DeleteLoadBalancerListeners: the listeners created for the object on a CLB it does not own. */
    record DeleteListeners(String lbId, List<String> listenerIds) implements Action {
    }

    /** UnTagResources: the cluster and uuid tags this object put on a CLB it keeps. */
    record Untag(String lbId, Set<String> keys) implements Action {
    }

    /**
     * Released: remove the finalizer unless the object is clbguard's again (and, when the object stays, the CLB id
     * annotation, {@link Subject#RELEASING} and the status).
     */
    record Finish(String note) implements Action {
    }

    /**
     * The object is TKE's but carries our finalizer (left by an earlier version, or its class handed back to
     * TKE): remove the finalizer only. No cloud call, no annotation or status write: those are TKE's.
     */
    record Disown() implements Action {
    }

    /** The object asks for something the reconciler must not do; {@code code} is TKE's error code. */
    record Refuse(String code, String cause, String fix) implements Action {
    }
}
