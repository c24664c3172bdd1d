package dev.clbguard.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import dev.clbguard.policy.ResourceKind;

/**
 * The enumerated fields of a Service and an Ingress that kube-apiserver's validation holds to a fixed set of values,
 * with its message for any other ({@code spec.type: Unsupported value: "Foo": supported values: "ClusterIP", …}),
 * and the Ingress pathType it requires. The sets are those of Kubernetes 1.28 and later; the values are listed in
 * the API server's (sorted) order.
 */
final class SupportedValues {

    private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> SESSION_AFFINITY = List.of("ClientIP", "None");
    private static final List<String> TRAFFIC_POLICIES = List.of("Cluster", "Local");
    private static final List<String> IP_FAMILY_POLICIES = List.of("PreferDualStack", "RequireDualStack", "SingleStack");
    private static final List<String> IP_FAMILIES = List.of("IPv4", "IPv6");
    private static final List<String> PATH_TYPES = List.of("Exact", "ImplementationSpecific", "Prefix");

    private final JsonNode object;
    private final List<StrictDecoding.Refusal> out = new ArrayList<>();

    private SupportedValues(JsonNode object) {
        this.object = object;
    }

    /** Every value the API server would not take, in field order; empty when all are supported. */
    static List<StrictDecoding.Refusal> check(ResourceKind kind, JsonNode object) {
        SupportedValues v = new SupportedValues(object);
        if (kind == ResourceKind.SERVICE) {
            v.one("/spec/type", "spec.type", SERVICE_TYPES);
            v.each("/spec/ports", "spec.ports", "/protocol", ".protocol", PROTOCOLS);
            v.one("/spec/sessionAffinity", "spec.sessionAffinity", SESSION_AFFINITY);
            v.one("/spec/externalTrafficPolicy", "spec.externalTrafficPolicy", TRAFFIC_POLICIES);
            v.one("/spec/internalTrafficPolicy", "spec.internalTrafficPolicy", TRAFFIC_POLICIES);
            v.one("/spec/ipFamilyPolicy", "spec.ipFamilyPolicy", IP_FAMILY_POLICIES);
            v.each("/spec/ipFamilies", "spec.ipFamilies", "", "", IP_FAMILIES);
        } else {
            JsonNode rules = object.at("/spec/rules");
            for (int r = 0; r < rules.size(); r++) {
                String pointer = "/spec/rules/" + r + "/http/paths";
                JsonNode paths = object.at(pointer);
                for (int p = 0; p < paths.size(); p++) {
                    String path = "spec.rules[" + r + "].http.paths[" + p + "].pathType";
                    if (paths.get(p).path("pathType").isMissingNode() || paths.get(p).path("pathType").isNull()) {
                        v.out.add(new StrictDecoding.Refusal(pointer + "/" + p, path, path
                                + ": Required value: pathType must be specified"));
                    } else {
                        v.one(pointer + "/" + p + "/pathType", path, PATH_TYPES);
                    }
                }
            }
        }
        return v.out;
    }

    private void each(String listPointer, String listPath, String itemPointer, String itemPath, List<String> supported) {
        JsonNode list = object.at(listPointer);
        for (int i = 0; i < list.size(); i++) {
            one(listPointer + "/" + i + itemPointer, listPath + "[" + i + "]" + itemPath, supported);
        }
    }

    /** An empty value is defaulted by the API server (ClusterIP, TCP, None, …), except pathType's. */
    private void one(String pointer, String path, List<String> supported) {
        JsonNode v = object.at(pointer);
        boolean defaulted = v.asText().isEmpty() && !path.endsWith("pathType");
        if (v.isTextual() && !defaulted && !supported.contains(v.asText())) {
            out.add(new StrictDecoding.Refusal(pointer, path, path + ": Unsupported value: \"" + v.asText()
                    + "\": supported values: " + supported.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", "))));
        }
    }
}
