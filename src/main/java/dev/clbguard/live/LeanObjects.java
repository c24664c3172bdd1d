package dev.clbguard.live;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;

/**
 * What clbguard reads of a Service or Ingress and nothing more: the shape the shared cache keeps. A real API
 * server's object is mostly managedFields, labels, selectors, the last applied configuration and rule paths,
 * none of which a policy, the reconciler or the guardian looks at; dropping them is what lets one replica cache a
 * cluster of Kubernetes' full size.
 *
 * <p>Kept: kind, apiVersion, name, namespace, uid, resourceVersion, creation and deletion time, finalizers, the
 * annotations under the TKE, Tencent Cloud and clbguard prefixes; a Service's type, clusterIP, loadBalancerClass,
 * ports (protocol and port) and load-balancer addresses; an Ingress's class name, rule hosts, TLS hosts and
 * load-balancer addresses. Strings that repeat across objects (namespaces, keys, types) are interned. Collections
 * are immutable: the cache is read-only, a writer reads the whole object from the API server first.
 */
public final class LeanObjects {

    /** Annotation prefixes of every annotation clbguard reads (TkeAnnotations, the reconciler's own marks). */
    static final List<String> READ_PREFIXES = List.of("service.kubernetes.io/", "service.cloud.tencent.com/",
            "kubernetes.io/ingress.", "ingress.cloud.tencent.com/", "clbguard.dev/");

    /** Shared by every lean object in place of the empty map each fabric8 model allocates for unknown fields. */
    private static final Map<String, Object> NONE = Map.of();

    private LeanObjects() {
    }

    /** The lean copy of a Service or Ingress; any other kind is returned as it is. */
    @SuppressWarnings("unchecked")
    public static <T extends HasMetadata> T lean(T obj) {
        if (obj instanceof Service s) {
            return (T) service(s);
        }
        if (obj instanceof Ingress i) {
            return (T) ingress(i);
        }
        return obj;
    }

    static boolean read(String annotation) {
        for (String p : READ_PREFIXES) {
            if (annotation.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static Service service(Service s) {
        Service out = new Service();
        out.setAdditionalProperties(NONE);
        out.setApiVersion(intern(s.getApiVersion()));
        out.setKind("Service");
        out.setMetadata(metadata(s.getMetadata()));
        ServiceSpec spec = s.getSpec();
        if (spec != null) {
            ServiceSpec lean = new ServiceSpec();
            lean.setAdditionalProperties(NONE);
            lean.setClusterIPs(List.of());
            lean.setExternalIPs(List.of());
            lean.setIpFamilies(List.of());
            lean.setLoadBalancerSourceRanges(List.of());
            lean.setSelector(Map.of());
            lean.setPorts(List.of());
            lean.setType(intern(spec.getType()));
            lean.setClusterIP("None".equals(spec.getClusterIP()) ? "None" : spec.getClusterIP());
            lean.setLoadBalancerClass(intern(spec.getLoadBalancerClass()));
            if (spec.getPorts() != null) {
                List<ServicePort> ports = new ArrayList<>(spec.getPorts().size());
                for (ServicePort p : spec.getPorts()) {
                    ServicePort q = new ServicePort();
                    q.setAdditionalProperties(NONE);
                    q.setProtocol(intern(p.getProtocol()));
                    q.setPort(p.getPort());
                    ports.add(q);
                }
                lean.setPorts(List.copyOf(ports));
            }
            out.setSpec(lean);
        }
        if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
                && s.getStatus().getLoadBalancer().getIngress() != null
                && !s.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            List<LoadBalancerIngress> vips = s.getStatus().getLoadBalancer().getIngress().stream().map(i -> {
                LoadBalancerIngress v = new LoadBalancerIngress();
                v.setAdditionalProperties(NONE);
                v.setPorts(List.of());
                v.setIp(i.getIp());
                return v;
            }).toList();
            LoadBalancerStatus lb = new LoadBalancerStatus(vips);
            lb.setAdditionalProperties(NONE);
            ServiceStatus status = new ServiceStatus(List.of(), lb);
            status.setAdditionalProperties(NONE);
            out.setStatus(status);
        }
        return out;
    }

    private static Ingress ingress(Ingress i) {
        Ingress out = new Ingress();
        out.setAdditionalProperties(NONE);
        out.setApiVersion(intern(i.getApiVersion()));
        out.setKind("Ingress");
        out.setMetadata(metadata(i.getMetadata()));
        IngressSpec spec = i.getSpec();
        if (spec != null) {
            IngressSpec lean = new IngressSpec();
            lean.setAdditionalProperties(NONE);
            lean.setRules(List.of());
            lean.setTls(List.of());
            lean.setIngressClassName(intern(spec.getIngressClassName()));
            if (spec.getRules() != null) {
                lean.setRules(spec.getRules().stream().map(r -> {
                    IngressRule q = new IngressRule();
                    q.setAdditionalProperties(NONE);
                    q.setHost(r == null ? null : r.getHost());
                    return q;
                }).toList());
            }
            if (spec.getTls() != null) {
                lean.setTls(spec.getTls().stream().map(t -> {
                    IngressTLS q = new IngressTLS();
                    q.setAdditionalProperties(NONE);
                    q.setHosts(t == null || t.getHosts() == null ? List.of() : List.copyOf(t.getHosts()));
                    return q;
                }).toList());
            }
            out.setSpec(lean);
        }
        if (i.getStatus() != null && i.getStatus().getLoadBalancer() != null
                && i.getStatus().getLoadBalancer().getIngress() != null
                && !i.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            List<IngressLoadBalancerIngress> vips = i.getStatus().getLoadBalancer().getIngress().stream().map(v -> {
                IngressLoadBalancerIngress q = new IngressLoadBalancerIngress();
                q.setAdditionalProperties(NONE);
                q.setPorts(List.of());
                q.setIp(v.getIp());
                return q;
            }).toList();
            IngressLoadBalancerStatus lb = new IngressLoadBalancerStatus(vips);
            lb.setAdditionalProperties(NONE);
            IngressStatus status = new IngressStatus(lb);
            status.setAdditionalProperties(NONE);
            out.setStatus(status);
        }
        return out;
    }

    private static ObjectMeta metadata(ObjectMeta m) {
        ObjectMeta out = new ObjectMeta();
        out.setAdditionalProperties(NONE);
        out.setLabels(Map.of());
        out.setManagedFields(List.of());
        out.setOwnerReferences(List.of());
        out.setFinalizers(List.of());
        out.setAnnotations(Map.of());
        if (m == null) {
            return out;
        }
        out.setName(m.getName());
        out.setNamespace(intern(m.getNamespace()));
        out.setUid(m.getUid());
        out.setResourceVersion(m.getResourceVersion());
        out.setCreationTimestamp(m.getCreationTimestamp());
        out.setDeletionTimestamp(m.getDeletionTimestamp());
        if (m.getFinalizers() != null && !m.getFinalizers().isEmpty()) {
            out.setFinalizers(m.getFinalizers().stream().map(LeanObjects::intern).toList());
        }
        if (m.getAnnotations() != null) {
            Map<String, String> kept = new LinkedHashMap<>();
            m.getAnnotations().forEach((k, v) -> {
                if (k != null && read(k)) {
                    kept.put(k.intern(), v == null || v.length() > 16 ? v : v.intern());
                }
            });
            if (!kept.isEmpty()) {
                out.setAnnotations(Map.copyOf(kept));
            }
        }
        return out;
    }

    private static String intern(String s) {
        return s == null ? null : s.intern();
    }
}
