package dev.clbguard.reconcile;

import dev.clbguard.kube.EventRecorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.facts.CloudException;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatus;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * One level-triggered pass over one object: read it and its CLB, take the step {@link LifecycleDecision}
 * chooses, and repeat until in sync or waiting. Cloud writes come before the object is changed in a way that
 * could lose track of them (finalizer first, CLB id recorded right after CreateLoadBalancer), so a crash at
 * any point is repaired by the next pass.
 */
public final class Reconciler {

    /** What the queue should do with the key after a pass. */
    public sealed interface Result {
        record Done() implements Result {
        }

        /** Waiting for something that will happen by itself (an asynchronous CLB task). */
        record After(Duration delay) implements Result {
        }

        /** Failed or refused: retry with the key's backoff. */
        record Retry(String reason) implements Result {
        }
    }

    /** An asynchronous task in flight for a key; lost on restart, which only costs a repeated idempotent call. */
    record Pending(String requestId, String lbId, String what) {
    }

    private static final int MAX_STEPS = 12;

    private final KubernetesClient client;
    private final ClbCloud cloud;
    private final ClusterProfile profile;
    private final EventRecorder events;
    private final Duration taskPoll;
    private final Map<ObjectKey, Pending> pending = new ConcurrentHashMap<>();
    /** Where a pass first looks: the shared cache's lean copy, or (without a cache) the API server. */
    private final Function<ObjectKey, HasMetadata> cached;

    /** A reconciler that reads every object from the API server (tests without a cache). */
    public Reconciler(KubernetesClient client, ClbCloud cloud, ClusterProfile profile, EventRecorder events,
            Duration taskPoll) {
        this(client, cloud, profile, events, taskPoll, null);
    }

    /**
     * @param cached the object as the shared cache holds it (lean, read-only), or null where it has none: a pass
     *               that finds nothing to do there makes no API call; one that acts reads the whole object first
     */
    public Reconciler(KubernetesClient client, ClbCloud cloud, ClusterProfile profile, EventRecorder events,
            Duration taskPoll, Function<ObjectKey, HasMetadata> cached) {
        this.cached = cached;
        this.client = client;
        this.cloud = cloud;
        this.profile = profile;
        this.events = events;
        this.taskPoll = taskPoll;
    }

    public Result reconcile(ObjectKey key) {
        boolean whole = cached == null;
        HasMetadata obj = whole ? read(key) : cached.apply(key);
        if (obj == null) {
            pending.remove(key);
            return new Result.Done();
        }
        try {
            for (int step = 0; step < MAX_STEPS; step++) {
                Subject s = Subject.of(obj);
                Pending p = pending.get(key);
                if (p != null) {
                    ClbCloud.TaskStatus status = cloud.taskStatus(p.requestId());
                    if (status == ClbCloud.TaskStatus.RUNNING) {
                        return new Result.After(taskPoll);
                    }
                    pending.remove(key);
                    if (status == ClbCloud.TaskStatus.FAILED) {
                        events.warning(obj, "ClbTaskFailed", p.what() + " of CLB " + p.lbId()
                                + " failed in Tencent Cloud (task " + p.requestId() + "); retrying");
                        return new Result.Retry("task failed");
                    }
                }
                // A finished CLB deletion is as good as a describe answering "not found": save the call.
                boolean gone = p != null && "deletion".equals(p.what()) && s.releasing();
                ClbInfo clb = gone ? null : lookup(s);
                Map<String, String> creations = LifecycleDecision.unrecordedCreations(s, profile);
                List<ClbInfo> tagged = creations.isEmpty() ? List.of() : taggedFor(s, creations);
                Action action = LifecycleDecision.decide(s, clb, tagged, profile);
                if (action instanceof Action.Nothing n) {
                    return new Result.Done();
                } else if (!whole) {
                    // Something to do: decide again on the whole object, which every write is based on (the
                    // cache's copy is lean, and may be a moment old).
                    obj = read(key);
                    whole = true;
                    if (obj == null) {
                        pending.remove(key);
                        return new Result.Done();
                    }
                } else if (action instanceof Action.AddFinalizer f) {
                    obj = update(obj, o -> o.getMetadata().getFinalizers().add(Subject.FINALIZER));
                } else if (action instanceof Action.Tag t) {
                    cloud.tag(t.lbId(), t.tags());
                    events.normal(obj, "ClaimedClb", "tagged CLB " + t.lbId() + " with " + t.tags());
                } else if (action instanceof Action.Create c) {
                    ClbCloud.Created created = cloud.create(c.spec());
                    // Record the id at once: a crash after this point finds the CLB by id, before it by tags.
                    obj = update(obj, o -> o.getMetadata().getAnnotations().put(idAnnotation(key), created.lbId()));
                    events.normal(obj, "CreatingClb", "creating " + c.spec().type() + " CLB " + created.lbId()
                            + " (" + c.spec().name() + ")");
                    if (created.requestId() != null) {
                        pending.put(key, new Pending(created.requestId(), created.lbId(), "creation"));
                        return new Result.After(taskPoll);
                    }
                } else if (action instanceof Action.Record r) {
                    if (r.vips().isEmpty()) {
                        return new Result.After(taskPoll); // the CLB has no address yet
                    }
                    if (!r.lbId().equals(s.recordedId())) {
                        obj = update(obj, o -> o.getMetadata().getAnnotations().put(idAnnotation(key), r.lbId()));
                    }
                    obj = writeStatus(obj, r.vips());
                    events.normal(obj, "ClbReady", "CLB " + r.lbId() + " serves this " + key.kind().kind()
                            + " at " + String.join(", ", r.vips()));
                    return new Result.Done();
                } else if (action instanceof Action.BeginRelease b) {
                    obj = update(obj, o -> {
                        o.getMetadata().getAnnotations().put(Subject.RELEASING, b.lbId());
                        o.getMetadata().getAnnotations().put(idAnnotation(key), b.lbId());
                    });
                } else if (action instanceof Action.DeleteClb d) {
                    var requestId = cloud.delete(d.lbId());
                    events.normal(obj, "DeletingClb", "deleting CLB " + d.lbId() + ", created for this "
                            + key.kind().kind());
                    if (requestId.isPresent()) {
                        pending.put(key, new Pending(requestId.get(), d.lbId(), "deletion"));
                        return new Result.After(taskPoll);
                    }
                } else if (action instanceof Action.DeleteListeners d) {
                    var requestId = cloud.deleteListeners(d.lbId(), d.listenerIds());
                    events.normal(obj, "DeletingListeners", "deleting listeners " + d.listenerIds() + " of CLB "
                            + d.lbId());
                    if (requestId.isPresent()) {
                        pending.put(key, new Pending(requestId.get(), d.lbId(), "listener deletion"));
                        return new Result.After(taskPoll);
                    }
                } else if (action instanceof Action.Untag u) {
                    cloud.untag(u.lbId(), u.keys());
                    events.normal(obj, "ReleasedClb", "removed tags " + u.keys() + " from CLB " + u.lbId());
                } else if (action instanceof Action.Finish f) {
                    obj = finish(obj, s);
                    if (obj != null) {
                        events.normal(obj, "Released", f.note());
                    }
                    if (obj == null || !s.managed()) {
                        return new Result.Done();
                    } // else clbguard's again: on to the CLB it asks for now
                } else if (action instanceof Action.Disown d) {
                    // The last finalizer of a deleting object: the update may be the object's end, so the Event
                    // is recorded on the object as read.
                    update(obj, o -> o.getMetadata().getFinalizers().remove(Subject.FINALIZER));
                    events.normal(obj, "LeftToTke", "reconciler: " + key + " belongs to TKE's "
                            + (key.kind() == ResourceKind.SERVICE ? "service-controller (no spec.loadBalancerClass)"
                                    : "l7-lb-controller (class qcloud or none)")
                            + ", so clbguard removed its finalizer " + Subject.FINALIZER
                            + " without touching the CLB; to have clbguard provision it, use "
                            + (key.kind() == ResourceKind.SERVICE ? "spec.loadBalancerClass: " + Ownership.LOAD_BALANCER_CLASS
                                    : "class " + Ownership.INGRESS_CLASS));
                    return new Result.Done();
                } else if (action instanceof Action.Refuse r) {
                    events.warning(obj, "ClbRefused", message(key, r));
                    return new Result.Retry("refused");
                }
            }
            return new Result.After(Duration.ZERO);
        } catch (Throttled t) {
            return new Result.After(t.retryAfter);
        } catch (CloudException e) {
            events.warning(obj, "CloudError", "reconciler: " + key + " CLB step failed in Tencent Cloud ["
                    + e.code() + "]; retrying with backoff" + (e.retryable() ? "" : ", check the cloud account and quota"));
            return new Result.Retry(e.code());
        }
    }

    static String message(ObjectKey key, Action.Refuse r) {
        return "reconciler: " + key.kind().kind() + " " + key.namespace() + "/" + key.name() + " " + r.cause()
                + (r.code() == null ? "" : " [" + r.code() + "]") + "; " + r.fix();
    }

    private ClbInfo lookup(Subject s) {
        LifecycleDecision.Target target = LifecycleDecision.target(s, profile);
        if (target instanceof LifecycleDecision.Target.ById b) {
            return cloud.describe(b.lbId()).orElse(null);
        }
        if (target instanceof LifecycleDecision.Target.ByTags t) {
            return taggedFor(s, t.tags()).stream().findFirst().orElse(null);
        }
        return null;
    }

    private List<ClbInfo> taggedFor(Subject s, Map<String, String> tags) {
        return cloud.findByTags(tags).stream().filter(c -> s.uid().equals(c.tag(s.uuidTag()))).toList();
    }

    private HasMetadata read(ObjectKey key) {
        return key.kind() == ResourceKind.SERVICE
                ? client.services().inNamespace(key.namespace()).withName(key.name()).get()
                : client.network().v1().ingresses().inNamespace(key.namespace()).withName(key.name()).get();
    }

    static String idAnnotation(ObjectKey key) {
        return key.kind() == ResourceKind.SERVICE ? TkeAnnotations.SERVICE_LOADBALANCE_ID
                : TkeAnnotations.INGRESS_LOADBALANCE_ID;
    }

    /** An optimistic-locked update (resourceVersion): a concurrent change fails with 409 and the pass is retried. */
    private HasMetadata update(HasMetadata obj, java.util.function.Consumer<HasMetadata> change) {
        HasMetadata copy = client.getKubernetesSerialization().clone(obj);
        if (copy.getMetadata().getFinalizers() == null) {
            copy.getMetadata().setFinalizers(new ArrayList<>());
        }
        if (copy.getMetadata().getAnnotations() == null) {
            copy.getMetadata().setAnnotations(new HashMap<>());
        }
        change.accept(copy);
        return client.resource(copy).update();
    }

    private HasMetadata writeStatus(HasMetadata obj, List<String> vips) {
        HasMetadata copy = client.getKubernetesSerialization().clone(obj);
        if (copy instanceof Service svc) {
            if (svc.getStatus() == null) {
                svc.setStatus(new ServiceStatus());
            }
            svc.getStatus().setLoadBalancer(new LoadBalancerStatus(vips.stream()
                    .map(ip -> new LoadBalancerIngressBuilder().withIp(ip).build()).toList()));
        } else if (copy instanceof Ingress ing) {
            if (ing.getStatus() == null) {
                ing.setStatus(new IngressStatus());
            }
            ing.getStatus().setLoadBalancer(new IngressLoadBalancerStatus(vips.stream()
                    .map(ip -> new IngressLoadBalancerIngressBuilder().withIp(ip).build()).toList()));
        }
        return client.resource(copy).updateStatus();
    }

    /**
     * Removes the finalizer (kept when the object is clbguard's again); an object that stays also loses the CLB id,
     * the release mark and the address it no longer has, and counts the release for its next ClientToken.
     */
    private HasMetadata finish(HasMetadata obj, Subject s) {
        if (!s.deleting() && !s.statusVips().isEmpty()) {
            obj = writeStatus(obj, List.of());
        }
        HasMetadata updated = update(obj, o -> {
            if (s.deleting() || !s.managed()) {
                o.getMetadata().getFinalizers().remove(Subject.FINALIZER);
            }
            if (!s.deleting()) {
                o.getMetadata().getAnnotations().remove(idAnnotation(s.key()));
                o.getMetadata().getAnnotations().remove(Subject.RELEASING);
                o.getMetadata().getAnnotations().put(Subject.RELEASES, Integer.toString(s.releases() + 1));
            }
        });
        return s.deleting() ? null : updated;
    }
}
