package dev.clbguard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The cluster of the scale bench, generated deterministically from (services, ingresses, seed): the same numbers
 * give the same objects, uids and CLBs in every process, so the mock API server ({@link ScaleApiServer}) serves them
 * and the driver ({@link ScaleBench}) writes the emulator's seed and its probes without passing them around.
 *
 * <p>Services (by index i): 1 % handed to clbguard by class and converged (finalizer, CLB id recorded, status VIP,
 * a CLB created for it and tagged as the reconciler tags it); 10 % TKE LoadBalancers naming an existing CLB (tagged
 * for them, id recorded); 5 % TKE LoadBalancers with a CLB TKE created; the rest ClusterIP. Ingresses (by index j):
 * 10 % qcloud naming an existing CLB, 80 % qcloud with a CLB TKE created, 10 % nginx. Every object has 4-6 labels,
 * a last-applied-configuration on half, and two managedFields entries whose fieldsV1 lists the fields it has;
 * spread over 200 namespaces.
 */
final class ScaleObjects {

    static final String CLUSTER = "cls-7k2m9q4p";
    static final String VPC = "vpc-4f8q2w1e";
    static final int NAMESPACES = 200;
    static final ObjectMapper JSON = new ObjectMapper();

    enum SvcKind { MANAGED, EXISTING, TKE_CREATED, CLUSTER_IP }

    enum IngKind { EXISTING, TKE_CREATED, NGINX }

    /** One CLB of the emulator's seed. */
    record Clb(String id, String vip, String type, List<String[]> tags, List<Object[]> listeners) {
    }

    final int services;
    final int ingresses;
    final long seed;

    ScaleObjects(int services, int ingresses, long seed) {
        this.services = services;
        this.ingresses = ingresses;
        this.seed = seed;
    }

    static SvcKind svcKind(int i) {
        if (i % 100 == 50) {
            return SvcKind.MANAGED;
        }
        if (i % 10 == 3) {
            return SvcKind.EXISTING;
        }
        if (i % 20 == 7) {
            return SvcKind.TKE_CREATED;
        }
        return SvcKind.CLUSTER_IP;
    }

    static IngKind ingKind(int j) {
        return j % 10 == 3 ? IngKind.EXISTING : j % 10 == 9 ? IngKind.NGINX : IngKind.TKE_CREATED;
    }

    static String namespace(int i) {
        return String.format("team-%03d", i % NAMESPACES);
    }

    static String svcName(int i) {
        return String.format("svc-%05d", i);
    }

    static String ingName(int j) {
        return String.format("ing-%05d", j);
    }

    String svcUid(int i) {
        return uid(1, i);
    }

    String ingUid(int j) {
        return uid(2, j);
    }

    private String uid(int kind, int i) {
        Random r = new Random(seed * 1_000_003L + kind * 100_000_007L + i);
        long hi = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /** lb- and 8 of [a-z0-9]: a letter for the kind, then i in base 36 on 7 places. */
    static String clbId(char kind, int i) {
        String b = Integer.toString(i, 36);
        return "lb-" + kind + "0000000".substring(b.length()) + b;
    }

    static String svcClb(int i) {
        return switch (svcKind(i)) {
            case MANAGED -> clbId('m', i);
            case EXISTING -> clbId('e', i);
            case TKE_CREATED -> clbId('t', i);
            default -> null;
        };
    }

    static String ingClb(int j) {
        return switch (ingKind(j)) {
            case EXISTING -> clbId('x', j);
            case TKE_CREATED -> clbId('y', j);
            default -> null;
        };
    }

    static String vip(int kind, int i) {
        return "10." + (100 + kind) + "." + (i / 250 % 250) + "." + (i % 250 + 1);
    }

    static int ports(int i) {
        return 2 + i % 3;
    }

    private static final String[] PORT_NAMES = { "http", "https", "metrics", "grpc" };
    private static final int[] PORTS = { 80, 443, 9090, 8080 };

    // --- Services ----------------------------------------------------------------------------------------------

    ObjectNode service(int i) {
        SvcKind kind = svcKind(i);
        String ns = namespace(i);
        String name = svcName(i);
        String app = "app-" + (i % 997);
        String created = created(i);
        String lb = svcClb(i);
        boolean lbType = kind != SvcKind.CLUSTER_IP;
        boolean applied = i % 2 == 0;

        ObjectNode o = JSON.createObjectNode().put("kind", "Service").put("apiVersion", "v1");
        ObjectNode md = o.putObject("metadata");
        md.put("name", name).put("namespace", ns).put("uid", svcUid(i)).put("resourceVersion", String.valueOf(1000 + i))
                .put("creationTimestamp", created);
        ObjectNode labels = labels(md, i, app);
        ObjectNode ann = md.putObject("annotations");
        if (kind == SvcKind.EXISTING) {
            ann.put("service.kubernetes.io/tke-existed-lbid", lb);
        }
        ObjectNode spec = JSON.createObjectNode();
        ArrayNode ports = spec.putArray("ports");
        for (int p = 0; p < ports(i); p++) {
            ObjectNode port = ports.addObject().put("name", PORT_NAMES[p]).put("protocol", "TCP").put("port", PORTS[p])
                    .put("targetPort", 8000 + PORTS[p] % 1000);
            if (lbType) {
                port.put("nodePort", 30000 + (i * 4 + p) % 2700);
            }
        }
        spec.putObject("selector").put("app", app).put("tier", i % 3 == 0 ? "web" : "backend");
        String ip = "10.96." + (i / 250 % 250) + "." + (i % 250 + 1);
        spec.put("clusterIP", ip);
        spec.putArray("clusterIPs").add(ip);
        spec.put("type", lbType ? "LoadBalancer" : "ClusterIP").put("sessionAffinity", "None");
        if (lbType) {
            spec.put("externalTrafficPolicy", "Cluster").put("allocateLoadBalancerNodePorts", true);
        }
        if (kind == SvcKind.MANAGED) {
            spec.put("loadBalancerClass", "clbguard.dev/clb");
        }
        spec.putArray("ipFamilies").add("IPv4");
        spec.put("ipFamilyPolicy", "SingleStack").put("internalTrafficPolicy", "Cluster");
        if (applied) {
            ObjectNode la = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
            ObjectNode lam = la.putObject("metadata");
            if (ann.size() > 0) {
                lam.set("annotations", ann.deepCopy());
            }
            lam.set("labels", labels.deepCopy());
            lam.put("name", name).put("namespace", ns);
            ObjectNode las = la.putObject("spec");
            ArrayNode lap = las.putArray("ports");
            ports.forEach(p -> lap.addObject().put("name", p.path("name").asText()).put("port", p.path("port").asInt())
                    .put("targetPort", p.path("targetPort").asInt()));
            las.set("selector", spec.path("selector").deepCopy());
            las.put("type", spec.path("type").asText());
            if (kind == SvcKind.MANAGED) {
                las.put("loadBalancerClass", "clbguard.dev/clb");
            }
            ann.put("kubectl.kubernetes.io/last-applied-configuration", la.toString() + "\n");
        }
        if (lb != null) {
            ann.put("service.kubernetes.io/loadbalance-id", lb);
        }
        if (kind == SvcKind.MANAGED) {
            md.putArray("finalizers").add("clbguard.dev/clb-lifecycle");
        }
        // managedFields: the applier's fields, then the controller's (id annotation, finalizer, status) or an edit.
        ArrayNode mf = md.putArray("managedFields");
        ObjectNode f1 = entry(mf, applied ? "kubectl-client-side-apply" : "helm", "v1", created, null);
        ObjectNode f1m = f1.putObject("f:metadata");
        ObjectNode f1a = JSON.createObjectNode();
        ann.fieldNames().forEachRemaining(k -> {
            if (!k.equals("service.kubernetes.io/loadbalance-id")) {
                f1a.putObject("f:" + k);
            }
        });
        if (f1a.size() > 0) {
            f1m.putObject("f:annotations").putObject(".");
            ((ObjectNode) f1m.path("f:annotations")).setAll(f1a);
        }
        ObjectNode f1l = f1m.putObject("f:labels");
        f1l.putObject(".");
        labels.fieldNames().forEachRemaining(k -> {
            if (!k.equals("version")) {
                f1l.putObject("f:" + k);
            }
        });
        ObjectNode f1s = f1.putObject("f:spec");
        if (lbType) {
            f1s.putObject("f:allocateLoadBalancerNodePorts");
            f1s.putObject("f:externalTrafficPolicy");
        }
        f1s.putObject("f:internalTrafficPolicy");
        if (kind == SvcKind.MANAGED) {
            f1s.putObject("f:loadBalancerClass");
        }
        ObjectNode fp = f1s.putObject("f:ports");
        fp.putObject(".");
        ports.forEach(p -> {
            ObjectNode k = fp.putObject("k:{\"port\":" + p.path("port").asInt() + ",\"protocol\":\"TCP\"}");
            k.putObject(".");
            k.putObject("f:name");
            k.putObject("f:port");
            k.putObject("f:protocol");
            k.putObject("f:targetPort");
        });
        f1s.putObject("f:selector");
        f1s.putObject("f:sessionAffinity");
        f1s.putObject("f:type");
        if (lb != null) {
            String manager = kind == SvcKind.MANAGED ? "clbguard" : "service-controller";
            ObjectNode f2 = entry(mf, manager, "v1", created, null);
            ObjectNode f2m = f2.putObject("f:metadata");
            f2m.putObject("f:annotations").putObject("f:service.kubernetes.io/loadbalance-id");
            if (kind == SvcKind.MANAGED) {
                f2m.putObject("f:finalizers").putObject(".");
                ((ObjectNode) f2m.path("f:finalizers")).putObject("v:\"clbguard.dev/clb-lifecycle\"");
            }
            ObjectNode f3 = entry(mf, manager, "v1", created, "status");
            f3.putObject("f:status").putObject("f:loadBalancer").putObject("f:ingress");
        } else {
            ObjectNode f2 = entry(mf, "kubectl-label", "v1", created, null);
            f2.putObject("f:metadata").putObject("f:labels").putObject("f:version");
        }
        if (mf.size() > 2) {
            // Two entries as the brief's API server returns them: the controller's status entry folded into the first.
            ObjectNode status = (ObjectNode) mf.remove(2);
            ((ObjectNode) mf.get(1).path("fieldsV1")).setAll((ObjectNode) status.path("fieldsV1"));
        }
        o.set("spec", spec);
        ObjectNode st = o.putObject("status").putObject("loadBalancer");
        if (lb != null) {
            st.putArray("ingress").addObject().put("ip", vip(1, i));
        }
        return o;
    }

    // --- Ingresses ---------------------------------------------------------------------------------------------

    ObjectNode ingress(int j) {
        IngKind kind = ingKind(j);
        String ns = namespace(j);
        String name = ingName(j);
        String app = "app-" + (j % 997);
        String created = created(j);
        String lb = ingClb(j);
        boolean applied = j % 2 == 0;
        String host = name + "." + ns + ".example.com";
        ObjectNode o = JSON.createObjectNode().put("kind", "Ingress").put("apiVersion", "networking.k8s.io/v1");
        ObjectNode md = o.putObject("metadata");
        md.put("name", name).put("namespace", ns).put("uid", ingUid(j)).put("resourceVersion", String.valueOf(500_000 + j))
                .put("generation", 1).put("creationTimestamp", created);
        ObjectNode labels = labels(md, j, app);
        ObjectNode ann = md.putObject("annotations");
        if (kind != IngKind.NGINX) {
            ann.put("kubernetes.io/ingress.class", "qcloud");
        }
        if (kind == IngKind.EXISTING) {
            ann.put("kubernetes.io/ingress.existLbId", lb);
        }
        ObjectNode spec = JSON.createObjectNode();
        if (kind == IngKind.NGINX) {
            spec.put("ingressClassName", "nginx");
        }
        boolean tls = j % 3 == 0;
        if (tls) {
            spec.putArray("tls").addObject().put("secretName", name + "-cert").putArray("hosts").add(host);
        }
        ArrayNode paths = spec.putArray("rules").addObject().put("host", host).putObject("http").putArray("paths");
        for (int p = 0; p < 1 + j % 3; p++) {
            paths.addObject().put("path", p == 0 ? "/" : "/api/v" + p).put("pathType", "Prefix").putObject("backend")
                    .putObject("service").put("name", svcName((j * 3 + p) % Math.max(1, services)))
                    .putObject("port").put("number", 80);
        }
        if (applied) {
            ObjectNode la = JSON.createObjectNode().put("apiVersion", "networking.k8s.io/v1").put("kind", "Ingress");
            ObjectNode lam = la.putObject("metadata");
            if (ann.size() > 0) {
                lam.set("annotations", ann.deepCopy());
            }
            lam.set("labels", labels.deepCopy());
            lam.put("name", name).put("namespace", ns);
            la.set("spec", spec.deepCopy());
            ann.put("kubectl.kubernetes.io/last-applied-configuration", la.toString() + "\n");
        }
        if (lb != null) {
            ann.put("kubernetes.io/ingress.qcloud-loadbalance-id", lb);
        }
        ArrayNode mf = md.putArray("managedFields");
        ObjectNode f1 = entry(mf, applied ? "kubectl-client-side-apply" : "helm", "networking.k8s.io/v1", created, null);
        ObjectNode f1m = f1.putObject("f:metadata");
        ObjectNode f1a = JSON.createObjectNode();
        ann.fieldNames().forEachRemaining(k -> {
            if (!k.equals("kubernetes.io/ingress.qcloud-loadbalance-id")) {
                f1a.putObject("f:" + k);
            }
        });
        if (f1a.size() > 0) {
            ObjectNode fa = f1m.putObject("f:annotations");
            fa.putObject(".");
            fa.setAll(f1a);
        }
        ObjectNode f1l = f1m.putObject("f:labels");
        f1l.putObject(".");
        labels.fieldNames().forEachRemaining(k -> f1l.putObject("f:" + k));
        ObjectNode f1s = f1.putObject("f:spec");
        if (kind == IngKind.NGINX) {
            f1s.putObject("f:ingressClassName");
        }
        f1s.putObject("f:rules");
        if (tls) {
            f1s.putObject("f:tls");
        }
        ObjectNode f2 = entry(mf, kind == IngKind.NGINX ? "nginx-ingress-controller" : "l7-lb-controller",
                "networking.k8s.io/v1", created, null);
        if (lb != null) {
            f2.putObject("f:metadata").putObject("f:annotations").putObject("f:kubernetes.io/ingress.qcloud-loadbalance-id");
        }
        f2.putObject("f:status").putObject("f:loadBalancer").putObject("f:ingress");
        o.set("spec", spec);
        ObjectNode st = o.putObject("status").putObject("loadBalancer");
        st.putArray("ingress").addObject().put("ip", lb != null ? vip(2, j) : "10.200.0." + (j % 250 + 1));
        return o;
    }

    // --- the emulator's CLBs -----------------------------------------------------------------------------------

    /** The CLBs of the generated objects, as TKE (or the reconciler, for clbguard's) left them. */
    List<Clb> clbs() {
        List<Clb> out = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            SvcKind k = svcKind(i);
            if (k == SvcKind.CLUSTER_IP) {
                continue;
            }
            List<String[]> tags = new ArrayList<>();
            if (k != SvcKind.EXISTING) {
                tags.add(new String[] { "tke-createdBy-flag", "yes" });
            }
            tags.add(new String[] { "tke-clusterId", CLUSTER });
            tags.add(new String[] { "tke-lb-serviceuuid", svcUid(i) });
            List<Object[]> listeners = new ArrayList<>();
            for (int p = 0; p < ports(i); p++) {
                listeners.add(new Object[] { "lbl-" + svcClb(i).substring(3, 10) + p, "TCP_" + PORTS[p], "TCP", PORTS[p] });
            }
            out.add(new Clb(svcClb(i), vip(1, i), "OPEN", tags, listeners));
        }
        for (int j = 0; j < ingresses; j++) {
            IngKind k = ingKind(j);
            if (k == IngKind.NGINX) {
                continue;
            }
            List<String[]> tags = new ArrayList<>();
            if (k == IngKind.TKE_CREATED) {
                tags.add(new String[] { "tke-createdBy-flag", "yes" });
            }
            tags.add(new String[] { "tke-clusterId", CLUSTER });
            tags.add(new String[] { "tke-lb-ingress-uuid", ingUid(j) });
            List<Object[]> listeners = new ArrayList<>();
            listeners.add(new Object[] { "lbl-" + ingClb(j).substring(3, 10) + "0", "http", "HTTP", 80 });
            if (j % 3 == 0) {
                listeners.add(new Object[] { "lbl-" + ingClb(j).substring(3, 10) + "1", "https", "HTTPS", 443 });
            }
            out.add(new Clb(ingClb(j), vip(2, j), "OPEN", tags, listeners));
        }
        return out;
    }

    static void yaml(StringBuilder y, Clb c) {
        y.append("  - id: ").append(c.id()).append("\n    name: ").append(c.id().replace("lb-", "tke-"))
                .append("\n    type: ").append(c.type()).append("\n    forward: 1\n    vpcId: ").append(VPC)
                .append("\n    vip: ").append(c.vip()).append("\n    tags: {");
        for (int t = 0; t < c.tags().size(); t++) {
            y.append(t == 0 ? "" : ", ").append(c.tags().get(t)[0]).append(": \"").append(c.tags().get(t)[1]).append('"');
        }
        y.append("}\n    listeners:");
        if (c.listeners().isEmpty()) {
            y.append(" []\n");
        } else {
            y.append('\n');
            for (Object[] l : c.listeners()) {
                y.append("      - {id: ").append(l[0]).append(", name: ").append(l[1]).append(", protocol: ").append(l[2])
                        .append(", port: ").append(l[3]).append("}\n");
            }
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static String created(int i) {
        return String.format("2025-%02d-%02dT%02d:%02d:%02dZ", 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60);
    }

    private static ObjectNode labels(ObjectNode md, int i, String app) {
        ObjectNode l = md.putObject("labels");
        l.put("app", app).put("app.kubernetes.io/name", app).put("app.kubernetes.io/part-of", "suite-" + (i % 41))
                .put("team", "team-" + (i % 53));
        if (i % 3 != 0) {
            l.put("env", i % 3 == 1 ? "prod" : "staging");
        }
        if (i % 2 == 1) {
            l.put("version", "v" + (1 + i % 9) + "." + (i % 17));
        }
        return l;
    }

    /** A managedFields entry; returns its fieldsV1 to fill. */
    private static ObjectNode entry(ArrayNode mf, String manager, String apiVersion, String time, String subresource) {
        ObjectNode e = mf.addObject().put("manager", manager).put("operation", "Update").put("apiVersion", apiVersion)
                .put("time", time).put("fieldsType", "FieldsV1");
        if (subresource != null) {
            e.put("subresource", subresource);
        }
        return e.putObject("fieldsV1");
    }
}
