package dev.clbguard.policy.clb;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.clbguard.policy.tke.IngressClasses;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.Services;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * An object that names an existing CLB, before TKE's controller has tagged it (it tags only the first object it
 * reaches): who, with what matters for sharing. {@code shares}: a Service's qcloud-share-existed-lb, an Ingress's
 * enable-group. {@code ports}: "80/TCP", the listeners it needs. {@code where}: how it is known, for messages
 * ("not yet tagged by TKE", "at shop.yaml:3").
 */
public record Claim(Owners.Name object, String uid, String clbId, boolean shares, List<String> ports, String where) {

    public Claim {
        ports = List.copyOf(ports);
    }

    /** The same object as {@code other}, whatever its uid (a CREATE's validating call has a fresh one). */
    public boolean sameObject(Owners.Name other) {
        return object.equals(other);
    }

    public Claim at(String where) {
        return new Claim(object, uid, clbId, shares, ports, where);
    }

    /** The claim {@code obj} makes: a LoadBalancer Service or CLB-backed Ingress naming an existing CLB. */
    public static Optional<Claim> of(HasMetadata obj, String where) {
        if (obj == null || obj.getMetadata() == null) {
            return Optional.empty();
        }
        var m = obj.getMetadata();
        if (obj instanceof Service svc && Services.loadBalancer(svc)) {
            String id = Meta.annotation(svc, TkeAnnotations.SERVICE_EXISTED_LBID);
            if (id == null || id.isEmpty()) {
                return Optional.empty();
            }
            List<String> ports = new ArrayList<>();
            if (svc.getSpec() != null && svc.getSpec().getPorts() != null) {
                for (ServicePort p : svc.getSpec().getPorts()) {
                    if (p.getPort() != null) {
                        ports.add(p.getPort() + "/" + (p.getProtocol() == null ? "TCP" : p.getProtocol()));
                    }
                }
            }
            return Optional.of(new Claim(new Owners.Name("Service", m.getNamespace(), m.getName()), m.getUid(), id,
                    "true".equals(Meta.annotation(svc, TkeAnnotations.SERVICE_SHARE_EXISTED_LB)), ports, where));
        }
        if (obj instanceof Ingress ing && IngressClasses.clbBacked(ing)) {
            String id = Meta.annotation(ing, TkeAnnotations.INGRESS_EXIST_LBID);
            if (id == null || id.isEmpty()) {
                return Optional.empty();
            }
            boolean tls = ing.getSpec() != null && ing.getSpec().getTls() != null && !ing.getSpec().getTls().isEmpty();
            return Optional.of(new Claim(new Owners.Name("Ingress", m.getNamespace(), m.getName()), m.getUid(), id,
                    "true".equals(Meta.annotation(ing, TkeAnnotations.INGRESS_ENABLE_GROUP)),
                    tls ? List.of("80/TCP", "443/TCP") : List.of("80/TCP"), where));
        }
        return Optional.empty();
    }

    /** "Ingress shop/web (not yet tagged by TKE)". */
    @Override
    public String toString() {
        return object + " (" + where + ")";
    }
}
