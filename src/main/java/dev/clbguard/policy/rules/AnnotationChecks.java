package dev.clbguard.policy.rules;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.clbguard.policy.tke.BoundedJson;
import dev.clbguard.policy.tke.TkeFormats;

/**
 * Format checks for single TKE annotation values (docs/tke-rules.md §2.2, §3). Each returns null when the value is
 * fine, or the {@link Problem}: what is wrong, TKE's code for it (null when TKE has none) and the fix.
 */
final class AnnotationChecks {

    record Problem(String cause, String code, String fix) {
    }

    private AnnotationChecks() {
    }

    static Problem clbId(String v, String code) {
        return TkeFormats.clbId(v) ? null
                : new Problem("is not a CLB id", code, "use the CLB's id: lb- followed by 8 lowercase letters or digits");
    }

    static Problem subnetId(String v) {
        return TkeFormats.subnetId(v) ? null
                : new Problem("is not a subnet id", null, "use subnet- followed by 8 lowercase letters or digits");
    }

    static Problem bool(String v, String code) {
        return "true".equals(v) || "false".equals(v) ? null
                : new Problem("is not a boolean", code, "write \"true\" or \"false\" (lowercase, quoted in YAML)");
    }

    static Problem range(String v, int min, int max, String unit) {
        String fix = "set a whole number of " + unit + " from " + min + " to " + max;
        if (v == null || !v.matches("[0-9]{1,9}")) {
            return new Problem("is not a whole number", null, fix);
        }
        int n = Integer.parseInt(v);
        return n >= min && n <= max ? null : new Problem("is out of range " + min + "-" + max, null, fix);
    }

    /** A JSON object of extra CreateLoadBalancer parameters; its content is for the CLB API to judge. */
    static Problem jsonObject(String v, String code) {
        String fix = "write a JSON object, e.g. {\"AddressIPVersion\":\"IPV4\"}";
        try {
            JsonNode n = BoundedJson.parse(v);
            return n.isObject() ? null : new Problem("is a JSON " + BoundedJson.typeName(n) + ", not an object", code, fix);
        } catch (BoundedJson.Invalid e) {
            return new Problem("is " + e.getMessage(), code, fix);
        }
    }

    /** {"80":{"protocol":["TCP_SSL"], ...}, ...}: keyed by Service port, each with a list of protocols. */
    static Problem specifyProtocol(String v) {
        String fix = "write {\"<port>\":{\"protocol\":[\"TCP\"]}} keyed by the Service's ports";
        JsonNode n;
        try {
            n = BoundedJson.parse(v);
        } catch (BoundedJson.Invalid e) {
            return new Problem("is " + e.getMessage(), null, fix);
        }
        if (!n.isObject() || n.isEmpty()) {
            return new Problem(n.isObject() ? "is an empty object" : "is a JSON " + BoundedJson.typeName(n) + ", not an object",
                    null, fix);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = TkeFormats.quote(e.getKey());
            if (!port(e.getKey())) {
                return new Problem("has key " + key + " that is not a port (1-65535)", null, fix);
            }
            JsonNode spec = e.getValue();
            if (!spec.isObject()) {
                return new Problem("maps port " + key + " to a " + BoundedJson.typeName(spec) + ", not an object", null, fix);
            }
            JsonNode protocols = spec.get("protocol");
            if (protocols == null || !protocols.isArray() || protocols.isEmpty()) {
                return new Problem("has no protocol list for port " + key, null, fix);
            }
            for (JsonNode p : protocols) {
                if (!p.isTextual() || p.asText().isBlank()) {
                    return new Problem("has a protocol for port " + key + " that is not a name", null, fix);
                }
            }
        }
        return null;
    }

    /**
     * kubernetes.io/ingress.http-rules / https-rules: [{host, path, backend:{serviceName, servicePort}}]. A bad
     * host inside is reported with the host code (E4052), anything else with the rules' own code.
     */
    static Problem ingressRules(String v, String code, String hostCode) {
        String fix = "write a JSON array of {host, path, backend:{serviceName, servicePort}}";
        JsonNode n;
        try {
            n = BoundedJson.parse(v);
        } catch (BoundedJson.Invalid e) {
            return new Problem("is " + e.getMessage(), code, fix);
        }
        if (!n.isArray()) {
            return new Problem("is a JSON " + BoundedJson.typeName(n) + ", not an array", code, fix);
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode rule = n.get(i);
            String at = "[" + i + "]";
            if (!rule.isObject()) {
                return new Problem("has " + at + " that is not an object", code, fix);
            }
            JsonNode host = rule.get("host");
            if (host != null && !host.isNull()) {
                if (!host.isTextual() || !TkeFormats.host(host.asText())) {
                    return new Problem("has " + at + ".host " + TkeFormats.quote(host.asText()) + " that is not a valid host name",
                            hostCode, ClbAnnotations.HOST_FIX);
                }
            }
            JsonNode path = rule.get("path");
            if (path != null && !path.isNull() && (!path.isTextual() || !path.asText().startsWith("/"))) {
                return new Problem("has " + at + ".path that does not start with /", code, fix);
            }
            JsonNode backend = rule.get("backend");
            if (backend == null || !backend.isObject()) {
                return new Problem("has " + at + ".backend missing or not an object", code, fix);
            }
            JsonNode name = backend.get("serviceName");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                return new Problem("has " + at + ".backend.serviceName missing or not a name", code, fix);
            }
            JsonNode port = backend.get("servicePort");
            boolean portOk = port != null && (port.isIntegralNumber() ? port.canConvertToInt() && validPort(port.asInt())
                    : port.isTextual() && !port.asText().isBlank());
            if (!portOk) {
                return new Problem("has " + at + ".backend.servicePort missing or not a port", code, fix);
            }
        }
        return null;
    }

    private static boolean port(String s) {
        return s.matches("[0-9]{1,5}") && validPort(Integer.parseInt(s));
    }

    private static boolean validPort(int p) {
        return p >= 1 && p <= 65535;
    }
}
