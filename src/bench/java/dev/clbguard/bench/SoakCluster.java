package dev.clbguard.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The objects of the soak and the edits a user makes to them: only edits the admission webhook allows (the CLB an
 * object names, or its subnet, changes only while it is not a CLB object: Service type ClusterIP, Ingress class
 * nginx; a name is reused only once the old object is gone). Each Service and Ingress slot has an existing CLB of
 * its own in the seed, so two live objects never name one CLB.
 */
final class SoakCluster {

    static final String NS = "soak";
    static final String SUBNET = "subnet-3c9d2k1m";
    static final String OTHER_CLASS = "nginx";

    private final KubernetesClient client;
    private final Random random;
    private final int services;
    private final int ingresses;
    final Set<String> retainNames = new TreeSet<>();
    final Map<String, Integer> edits = new TreeMap<>();

    SoakCluster(KubernetesClient client, Random random, int services, int ingresses) {
        this.client = client;
        this.random = random;
        this.services = services;
        this.ingresses = ingresses;
    }

    static String existingFor(String slot) {
        // lb- and 8 of [a-z0-9]: sx000003 for svc-03, ix000003 for ing-03
        return "lb-" + (slot.startsWith("svc") ? "sx" : "ix") + String.format("%06d", Integer.parseInt(slot.substring(4)));
    }

    /**
     * The emulator's seed: an existing CLB per slot, without listeners (admission refuses an existing CLB whose
     * listeners take the object's ports), TKE's CLBs and another cluster's.
     */
    String seed(String clusterVpc) {
        StringBuilder y = new StringBuilder("loadBalancers:\n");
        int vip = 1;
        for (String slot : slots()) {
            y.append("  - {id: ").append(existingFor(slot)).append(", name: existing-").append(slot)
                    .append(", vip: 203.0.113.").append(vip++).append(", type: OPEN, vpcId: ").append(clusterVpc).append(", tags: {}, listeners: []}\n");
        }
        for (Map.Entry<String, String> t : tkeClbs().entrySet()) {
            y.append("  - {id: ").append(t.getValue()).append(", name: tke-").append(t.getKey())
                    .append(", vip: 203.0.113.").append(vip++).append(", type: OPEN, vpcId: ")
                    .append(clusterVpc).append(", tags: {}, listeners: []}\n");
        }
        y.append("  - {id: lb-oc000001, name: other-cluster, type: OPEN, vpcId: ").append(clusterVpc)
                .append(", tags: {tke-clusterId: cls-0therc1u, tke-createdBy-flag: 'yes', tke-lb-serviceuuid: 0ther-uid}, listeners: []}\n");
        return y.toString();
    }

    /** TKE's objects (no class): created once with clbguard's finalizer, as an upgrade leaves them; name → TKE's CLB. */
    static Map<String, String> tkeClbs() {
        return Map.of("tke-svc", "lb-tk000001", "tke-ing", "lb-tk000002");
    }

    List<String> slots() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            out.add(String.format("svc-%02d", i));
        }
        for (int i = 0; i < ingresses; i++) {
            out.add(String.format("ing-%02d", i));
        }
        return out;
    }

    void createTkeObjects() {
        Map<String, String> a = new HashMap<>(Map.of(TkeAnnotations.SERVICE_LOADBALANCE_ID, tkeClbs().get("tke-svc")));
        client.resource(new ServiceBuilder().withNewMetadata().withName("tke-svc").withNamespace(NS).withAnnotations(a)
                .withFinalizers(SoakCounts.FINALIZER).endMetadata().withNewSpec().withType("LoadBalancer").addNewPort()
                .withPort(80).withProtocol("TCP").endPort().endSpec().build()).create();
        client.resource(new IngressBuilder().withNewMetadata().withName("tke-ing").withNamespace(NS)
                .withAnnotations(Map.of(TkeAnnotations.INGRESS_CLASS, "qcloud", TkeAnnotations.INGRESS_LOADBALANCE_ID,
                        tkeClbs().get("tke-ing")))
                .withFinalizers(SoakCounts.FINALIZER).endMetadata().withNewSpec().endSpec().build()).create();
    }

    /** One random edit of one random slot; {@code dead}: the reconciler is down, so away-and-back flips are likelier. */
    void edit(boolean dead) {
        String slot = slots().get(random.nextInt(services + ingresses));
        try {
            HasMetadata o = get(slot);
            if (o == null) {
                if (random.nextInt(10) < 7) {
                    create(slot);
                }
                return;
            }
            if (o.getMetadata().getDeletionTimestamp() != null) {
                return;
            }
            int r = random.nextInt(100);
            boolean managed = Ownership.of(o) == Ownership.Owner.CLBGUARD;
            if (r < 20) {
                count("delete");
                delete(slot);
            } else if (managed && dead && r < 45) {
                count("flip away, rebind, back");
                change(slot, this::away);
                if (random.nextBoolean()) {
                    change(slot, this::rebind);
                }
                change(slot, this::back);
            } else if (managed && r < 70) {
                count("class away");
                change(slot, this::away);
            } else if (!managed && r < 60) {
                count("class back");
                change(slot, this::back);
            } else if (!managed) {
                count("rebind while away");
                change(slot, this::rebind);
            } else if (slot.startsWith("ing") && r < 85) {
                count("retain toggled");
                change(slot, this::toggleRetain);
            }
        } catch (KubernetesClientException e) {
            count("edit refused " + e.getCode()); // a conflict with the reconciler's write: as kubectl, try later
        }
    }

    private void count(String what) {
        edits.merge(what, 1, Integer::sum);
    }

    private HasMetadata get(String slot) {
        return slot.startsWith("svc") ? client.services().inNamespace(NS).withName(slot).get()
                : client.network().v1().ingresses().inNamespace(NS).withName(slot).get();
    }

    private void delete(String slot) {
        if (slot.startsWith("svc")) {
            client.services().inNamespace(NS).withName(slot).delete();
        } else {
            client.network().v1().ingresses().inNamespace(NS).withName(slot).delete();
        }
    }

    private void create(String slot) {
        Map<String, String> a = new LinkedHashMap<>();
        boolean existing = random.nextInt(10) < 3;
        if (existing) {
            a.put(existingKey(slot), existingFor(slot));
        } else if (random.nextInt(10) < 2) {
            a.put(subnetKey(slot), SUBNET);
        }
        if (slot.startsWith("svc")) {
            count(existing ? "create Service, existing CLB" : "create Service");
            a.put(TkeAnnotations.SERVICE_MODE, TkeAnnotations.SERVICE_MODE_SKIP); // what /mutate adds
            client.resource(new ServiceBuilder().withNewMetadata().withName(slot).withNamespace(NS).withAnnotations(a)
                    .endMetadata().withNewSpec().withType("LoadBalancer").withLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS)
                    .addNewPort().withPort(80).withProtocol("TCP").endPort().endSpec().build()).create();
            return;
        }
        count(existing ? "create Ingress, existing CLB" : "create Ingress");
        if (random.nextInt(4) == 0) {
            a.put(TkeAnnotations.INGRESS_LOADBALANCE_RETAIN, "true");
            retainNames.add(slot);
        }
        boolean byAnnotation = random.nextBoolean();
        if (byAnnotation) {
            a.put(TkeAnnotations.INGRESS_CLASS, Ownership.INGRESS_CLASS);
        }
        client.resource(new IngressBuilder().withNewMetadata().withName(slot).withNamespace(NS).withAnnotations(a)
                .endMetadata().withNewSpec().withIngressClassName(byAnnotation ? null : Ownership.INGRESS_CLASS).endSpec()
                .build()).create();
    }

    private void change(String slot, UnaryOperator<HasMetadata> how) {
        if (slot.startsWith("svc")) {
            client.services().inNamespace(NS).withName(slot).edit(s -> (Service) how.apply(s));
        } else {
            client.network().v1().ingresses().inNamespace(NS).withName(slot).edit(i -> (Ingress) how.apply(i));
        }
    }

    /** Away from clbguard's class: a Service no longer a LoadBalancer (the API server drops its class), an nginx Ingress. */
    private HasMetadata away(HasMetadata o) {
        if (o instanceof Service s) {
            s.getSpec().setType("ClusterIP");
            s.getSpec().setLoadBalancerClass(null);
        } else {
            annotations(o).put(TkeAnnotations.INGRESS_CLASS, OTHER_CLASS);
        }
        return o;
    }

    private HasMetadata back(HasMetadata o) {
        if (o instanceof Service s) {
            s.getSpec().setType("LoadBalancer");
            s.getSpec().setLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS);
        } else {
            annotations(o).put(TkeAnnotations.INGRESS_CLASS, Ownership.INGRESS_CLASS);
        }
        return o;
    }

    /** While away, name the slot's existing CLB or stop naming it, or switch between public and internal. */
    private HasMetadata rebind(HasMetadata o) {
        String slot = o.getMetadata().getName();
        Map<String, String> a = annotations(o);
        if (a.remove(existingKey(slot)) != null) {
            if (random.nextBoolean()) {
                a.put(subnetKey(slot), SUBNET);
            }
        } else if (random.nextInt(10) < 6) {
            a.remove(subnetKey(slot));
            a.put(existingKey(slot), existingFor(slot));
        } else if (a.remove(subnetKey(slot)) == null) {
            a.put(subnetKey(slot), SUBNET);
        }
        return o;
    }

    private HasMetadata toggleRetain(HasMetadata o) {
        Map<String, String> a = annotations(o);
        if (a.remove(TkeAnnotations.INGRESS_LOADBALANCE_RETAIN) == null) {
            a.put(TkeAnnotations.INGRESS_LOADBALANCE_RETAIN, "true");
            retainNames.add(o.getMetadata().getName());
        }
        return o;
    }

    private static Map<String, String> annotations(HasMetadata o) {
        if (o.getMetadata().getAnnotations() == null) {
            o.getMetadata().setAnnotations(new HashMap<>());
        }
        return o.getMetadata().getAnnotations();
    }

    private static String existingKey(String slot) {
        return slot.startsWith("svc") ? TkeAnnotations.SERVICE_EXISTED_LBID : TkeAnnotations.INGRESS_EXIST_LBID;
    }

    private static String subnetKey(String slot) {
        return slot.startsWith("svc") ? TkeAnnotations.SERVICE_INTERNAL_SUBNET : TkeAnnotations.INGRESS_SUBNET_ID;
    }

    /** Every Service and Ingress in the soak's namespace, as the API server has them now. */
    List<HasMetadata> live() {
        List<HasMetadata> out = new ArrayList<>(client.services().inNamespace(NS).list().getItems());
        out.addAll(client.network().v1().ingresses().inNamespace(NS).list().getItems());
        return out;
    }
}
