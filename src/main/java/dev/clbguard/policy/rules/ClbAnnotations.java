package dev.clbguard.policy.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Phase;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.rules.AnnotationChecks.Problem;
import dev.clbguard.policy.tke.IngressClasses;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import dev.clbguard.policy.tke.TkeCodes;
import dev.clbguard.policy.tke.TkeFormats;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;

/**
 * The syntax of the TKE annotations on LoadBalancer Services and TKE-managed Ingresses, and of Ingress host
 * names (tke-rules.md §2.2, §3): what TKE's controller would otherwise reject later, asynchronously, as an
 * Event nobody reads. A bad value the object already carried before an UPDATE only warns, so that objects
 * predating this policy can still be edited (and their finalizers removed).
 */
public final class ClbAnnotations implements Policy {

    public static final String ID = "clb-annotations";
    private static final List<String> CONTROLLER_CHOICES = List.of("warn", "deny");
    static final String HOST_FIX = "use lowercase names like shop.example.com or *.example.com";
    /** JSON values are quoted shorter: the cause already says where they go wrong. */
    private static final Set<String> JSON_KEYS = Set.of(TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS,
            TkeAnnotations.SERVICE_SPECIFY_PROTOCOL, TkeAnnotations.INGRESS_HTTP_RULES, TkeAnnotations.INGRESS_HTTPS_RULES,
            TkeAnnotations.INGRESS_EXTENSIVE_PARAMETERS);
    private static final int JSON_QUOTE_MAX = 20;

    private static final Map<String, Function<String, Problem>> SERVICE_CHECKS = new LinkedHashMap<>();
    private static final Map<String, Function<String, Problem>> INGRESS_CHECKS = new LinkedHashMap<>();

    static {
        SERVICE_CHECKS.put(TkeAnnotations.SERVICE_EXISTED_LBID, v -> AnnotationChecks.clbId(v, null));
        SERVICE_CHECKS.put(TkeAnnotations.SERVICE_INTERNAL_SUBNET, AnnotationChecks::subnetId);
        SERVICE_CHECKS.put(TkeAnnotations.SERVICE_SHARE_EXISTED_LB, v -> AnnotationChecks.bool(v, null));
        SERVICE_CHECKS.put(TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS,
                v -> AnnotationChecks.jsonObject(v, TkeCodes.SVC_BAD_EXTENSIVE_PARAMETERS));
        SERVICE_CHECKS.put(TkeAnnotations.SERVICE_DIRECT_ACCESS, v -> AnnotationChecks.bool(v, null));
        SERVICE_CHECKS.put(TkeAnnotations.SERVICE_SPECIFY_PROTOCOL, AnnotationChecks::specifyProtocol);
        SERVICE_CHECKS.put(TkeAnnotations.SERVICE_MAX_BANDWIDTH_OUT, v -> AnnotationChecks.range(v, 1, 2048, "Mbps"));

        INGRESS_CHECKS.put(TkeAnnotations.INGRESS_EXIST_LBID, v -> AnnotationChecks.clbId(v, TkeCodes.ING_BAD_CLB_ID));
        INGRESS_CHECKS.put(TkeAnnotations.INGRESS_SUBNET_ID, AnnotationChecks::subnetId);
        INGRESS_CHECKS.put(TkeAnnotations.INGRESS_HTTP_RULES,
                v -> AnnotationChecks.ingressRules(v, TkeCodes.ING_BAD_HTTP_RULES, TkeCodes.ING_BAD_HOST));
        INGRESS_CHECKS.put(TkeAnnotations.INGRESS_HTTPS_RULES,
                v -> AnnotationChecks.ingressRules(v, TkeCodes.ING_BAD_HTTPS_RULES, TkeCodes.ING_BAD_HOST));
        INGRESS_CHECKS.put(TkeAnnotations.INGRESS_RULE_MIX, v -> AnnotationChecks.bool(v, TkeCodes.ING_BAD_RULE_MIX));
        INGRESS_CHECKS.put(TkeAnnotations.INGRESS_EXTENSIVE_PARAMETERS,
                v -> AnnotationChecks.jsonObject(v, TkeCodes.ING_BAD_EXTENSIVE_PARAMETERS));
        INGRESS_CHECKS.put(TkeAnnotations.INGRESS_ENABLE_GROUP, v -> AnnotationChecks.bool(v, null));
        INGRESS_CHECKS.put(TkeAnnotations.INGRESS_LOADBALANCE_RETAIN, v -> AnnotationChecks.bool(v, null));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<ResourceKind> kinds() {
        return Set.of(ResourceKind.SERVICE, ResourceKind.INGRESS);
    }

    @Override
    public void checkParameters(PolicyConfig config) {
        config.choice("controllerAnnotations", "warn", CONTROLLER_CHOICES);
    }

    @Override
    public List<Verdict> evaluate(ObjectReview review, PolicyContext ctx) {
        List<Verdict> out = new ArrayList<>();
        if (review.object() instanceof Service svc) {
            // Only a LoadBalancer Service has a CLB; TKE ignores these annotations on the others.
            if (!loadBalancer(svc)) {
                return out;
            }
            HasMetadata old = review.oldObject() instanceof Service o && loadBalancer(o) ? o : null;
            SERVICE_CHECKS.forEach((key, check) -> check(out, review, old, key, check));
            ignoredSubnet(out, review, TkeAnnotations.SERVICE_EXISTED_LBID, TkeAnnotations.SERVICE_INTERNAL_SUBNET);
            controllerWritten(out, review, ctx, TkeAnnotations.SERVICE_LOADBALANCE_ID, TkeAnnotations.SERVICE_EXISTED_LBID);
        } else if (review.object() instanceof Ingress ing) {
            // Another controller's Ingress (nginx, ...) is not TKE's business.
            if (!IngressClasses.clbBacked(ing)) {
                return out;
            }
            HasMetadata old = review.oldObject() instanceof Ingress o && IngressClasses.clbBacked(o) ? o : null;
            INGRESS_CHECKS.forEach((key, check) -> check(out, review, old, key, check));
            hosts(out, review, ing, (Ingress) old);
            ignoredSubnet(out, review, TkeAnnotations.INGRESS_EXIST_LBID, TkeAnnotations.INGRESS_SUBNET_ID);
            controllerWritten(out, review, ctx, TkeAnnotations.INGRESS_LOADBALANCE_ID, TkeAnnotations.INGRESS_EXIST_LBID);
        }
        return out;
    }

    /** A LoadBalancer Service whose CLB has TKE's semantics: TKE's (no class) or clbguard's class, not another's. */
    static boolean loadBalancer(Service svc) {
        return Ownership.of(svc) != Ownership.Owner.NONE;
    }

    private static void check(List<Verdict> out, ObjectReview review, HasMetadata old, String key,
            Function<String, Problem> check) {
        String value = Meta.annotation(review.object(), key);
        if (value == null) {
            return;
        }
        Problem p = check.apply(value);
        if (p == null) {
            return;
        }
        String quoted = JSON_KEYS.contains(key) ? TkeFormats.quote(value, JSON_QUOTE_MAX) : TkeFormats.quote(value);
        String message = ID + ": " + review.describe() + " " + key + "=" + quoted + " " + p.cause()
                + code(p.code()) + "; " + p.fix();
        boolean carriedOver = old != null && value.equals(Meta.annotation(old, key));
        out.add(carriedOver ? Verdict.warn(ID, message) : Verdict.deny(ID, message));
    }

    /** spec.rules[].host and spec.tls[].hosts[]: the first bad one is named, the others counted. */
    private static void hosts(List<Verdict> out, ObjectReview review, Ingress ing, Ingress old) {
        Map<String, String> bad = new LinkedHashMap<>(); // field path -> host
        hostsOf(ing).forEach((path, host) -> {
            if (!TkeFormats.host(host)) {
                bad.put(path, host);
            }
        });
        if (bad.isEmpty()) {
            return;
        }
        Set<String> before = old == null ? Set.of() : new LinkedHashSet<>(hostsOf(old).values());
        boolean allCarriedOver = before.containsAll(bad.values());
        Map.Entry<String, String> first = bad.entrySet().iterator().next();
        String more = bad.size() > 1 ? " (and " + (bad.size() - 1) + " more)" : "";
        String message = ID + ": " + review.describe() + " " + first.getKey() + " " + TkeFormats.quote(first.getValue())
                + " is not a valid host name" + more + code(TkeCodes.ING_BAD_HOST) + "; " + HOST_FIX;
        out.add(allCarriedOver ? Verdict.warn(ID, message) : Verdict.deny(ID, message));
    }

    private static Map<String, String> hostsOf(Ingress ing) {
        Map<String, String> hosts = new LinkedHashMap<>();
        if (ing.getSpec() == null) {
            return hosts;
        }
        List<IngressRule> rules = ing.getSpec().getRules() == null ? List.of() : ing.getSpec().getRules();
        for (int i = 0; i < rules.size(); i++) {
            String h = rules.get(i) == null ? null : rules.get(i).getHost();
            if (h != null && !h.isEmpty()) {
                hosts.put("spec.rules[" + i + "].host", h);
            }
        }
        List<IngressTLS> tls = ing.getSpec().getTls() == null ? List.of() : ing.getSpec().getTls();
        for (int i = 0; i < tls.size(); i++) {
            List<String> names = tls.get(i) == null || tls.get(i).getHosts() == null ? List.of() : tls.get(i).getHosts();
            for (int j = 0; j < names.size(); j++) {
                if (names.get(j) != null && !names.get(j).isEmpty()) {
                    hosts.put("spec.tls[" + i + "].hosts[" + j + "]", names.get(j));
                }
            }
        }
        return hosts;
    }

    /** TKE ignores the internal subnet when an existing CLB is named: the CLB's own network decides. */
    private static void ignoredSubnet(List<Verdict> out, ObjectReview review, String existingKey, String subnetKey) {
        String existing = Meta.annotation(review.object(), existingKey);
        if (existing != null && !existing.isBlank() && Meta.annotation(review.object(), subnetKey) != null) {
            out.add(Verdict.warn(ID, ID + ": " + review.describe() + " " + subnetKey + " is ignored because " + existingKey
                    + " names an existing CLB; remove " + subnetKey));
        }
    }

    /**
     * The CLB id annotation is written by TKE's controller and by our reconciler, on UPDATE: those writes are
     * never judged. A user who sets it at creation (a copied or restored manifest) picks no CLB with it.
     * The audit sees persisted objects, where the controller has rightly written it.
     */
    private static void controllerWritten(List<Verdict> out, ObjectReview review, PolicyContext ctx, String key,
            String inputKey) {
        String value = Meta.annotation(review.object(), key);
        if (value == null || review.operation() != Operation.CREATE || review.phase() == Phase.AUDIT) {
            return;
        }
        String message = ID + ": " + review.describe() + " sets " + key + "=" + TkeFormats.quote(value)
                + ", which only the controller writes: it does not choose a CLB; remove it, or use " + inputKey;
        boolean deny = "deny".equals(ctx.config().choice("controllerAnnotations", "warn", CONTROLLER_CHOICES));
        out.add(deny ? Verdict.deny(ID, message) : Verdict.warn(ID, message));
    }

    private static String code(String code) {
        return code == null ? "" : " [" + code + "]";
    }
}
