package dev.clbguard.policy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Parses policy files ({@code policies/*.yaml}, one or more YAML documents each). Pure: text in, configs and
 * errors out. One bad document is reported with its file and reason and does not take the others down.
 *
 * <pre>
 * id: elastic-service-types
 * mode: enforce                      # enforce | warn | off
 * exemptNamespaces: [kube-system]    # optional; default: kube-system and clbguard's own namespace
 * onLookupFailure: deny              # optional; deny | allow-with-warning
 * parameters: {nodePort: deny}       # optional, per policy
 * </pre>
 */
public final class PolicyFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KEYS = Set.of("id", "mode", "exemptNamespaces", "onLookupFailure", "parameters",
            "description");

    public record Result(List<PolicyConfig> configs, List<String> errors) {
    }

    private PolicyFiles() {
    }

    /**
     * @param files file name to content, in the order to read them
     * @param catalog the policies that exist, by id
     * @param defaultExempt namespaces exempted when a document does not say
     */
    public static Result parse(Map<String, String> files, Map<String, Policy> catalog, Set<String> defaultExempt) {
        Map<String, PolicyConfig> configs = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            String name = file.getKey();
            int doc = 0;
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.getValue())) {
                while (YamlDocuments.hasNext(it)) {
                    doc++;
                    JsonNode node = YamlDocuments.next(it);
                    if (node == null || node.isNull() || node.isMissingNode()) {
                        continue;
                    }
                    String where = name + (doc > 1 ? " (document " + doc + ")" : "");
                    try {
                        PolicyConfig c = parseOne(node, where, catalog, defaultExempt);
                        PolicyConfig previous = configs.putIfAbsent(c.id(), c);
                        if (previous != null) {
                            errors.add(where + ": policy " + c.id() + " is already defined in " + previous.source()
                                    + "; this definition is ignored");
                        }
                    } catch (IllegalArgumentException e) {
                        errors.add(where + ": " + e.getMessage());
                    }
                }
            } catch (JsonProcessingException e) {
                errors.add(name + ": not valid YAML" + at(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()));
            } catch (java.io.IOException | RuntimeException e) {
                errors.add(name + ": could not be read: " + e.getMessage());
            }
        }
        return new Result(List.copyOf(configs.values()), errors);
    }

    /** SnakeYAML's messages span several lines (with a source excerpt); errors are one line each. */
    private static String firstLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }

    private static PolicyConfig parseOne(JsonNode node, String where, Map<String, Policy> catalog,
            Set<String> defaultExempt) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a policy must be a mapping with at least id and mode");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String id = text(node, "id");
        if (id == null) {
            throw new IllegalArgumentException("missing id");
        }
        Policy policy = catalog.get(id);
        if (policy == null) {
            throw new IllegalArgumentException("unknown policy id '" + id + "' (known: "
                    + String.join(", ", catalog.keySet().stream().sorted().toList()) + ")");
        }
        // YAML 1.1 reads an unquoted "off" as the boolean false; the documented "mode: off" must still work.
        JsonNode modeNode = node.get("mode");
        String modeText = modeNode != null && modeNode.isBoolean() && !modeNode.asBoolean() ? "off" : text(node, "mode");
        if (modeText == null) {
            throw new IllegalArgumentException("policy " + id + ": missing mode (enforce, warn or off)");
        }
        Mode mode = Mode.parse(modeText);
        Set<String> exempt = defaultExempt;
        JsonNode ex = node.get("exemptNamespaces");
        if (ex != null && !ex.isNull()) {
            if (!ex.isArray()) {
                throw new IllegalArgumentException("policy " + id + ": exemptNamespaces must be a list of namespaces");
            }
            exempt = new LinkedHashSet<>();
            for (JsonNode n : ex) {
                if (!n.isTextual() || n.asText().isBlank()) {
                    throw new IllegalArgumentException("policy " + id + ": exemptNamespaces must hold namespace names");
                }
                exempt.add(n.asText());
            }
        }
        String lf = text(node, "onLookupFailure");
        LookupFailure lookupFailure = lf == null ? null : LookupFailure.parse(lf);
        Map<String, Object> params = new LinkedHashMap<>();
        JsonNode p = node.get("parameters");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                throw new IllegalArgumentException("policy " + id + ": parameters must be a mapping");
            }
            for (Iterator<Map.Entry<String, JsonNode>> f = p.fields(); f.hasNext();) {
                Map.Entry<String, JsonNode> e = f.next();
                JsonNode v = e.getValue();
                params.put(e.getKey(), v.isBoolean() ? (Object) v.asBoolean() : v.isNumber() ? v.numberValue() : v.asText());
            }
        }
        PolicyConfig config = new PolicyConfig(id, mode, exempt, lookupFailure, params, where);
        try {
            policy.checkParameters(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy " + id + ": " + e.getMessage());
        }
        return config;
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new IllegalArgumentException(key + " must be a plain value");
        }
        return v.asText();
    }

    private static String at(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }
}
