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
 * errors out. One bad document is reported with its file and reason and does not take the others down; every
 * problem of every document is reported, each with its file and document index.
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
            int doc = 1;
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.getValue())) {
                for (; YamlDocuments.hasNext(it); doc++) {
                    JsonNode node = YamlDocuments.next(it);
                    if (node == null || node.isNull() || node.isMissingNode()) {
                        continue;
                    }
                    String where = where(name, doc);
                    List<String> problems = new ArrayList<>();
                    PolicyConfig c = parseOne(node, where, catalog, defaultExempt, problems);
                    problems.forEach(p -> errors.add(where + ": " + p));
                    if (c == null) {
                        continue;
                    }
                    PolicyConfig previous = configs.putIfAbsent(c.id(), c);
                    if (previous != null) {
                        errors.add(where + ": policy " + c.id() + " is already defined in " + previous.source()
                                + "; this definition is ignored");
                    }
                }
            } catch (JsonProcessingException e) {
                errors.add(where(name, doc) + ": not valid YAML" + at(e.getLocation()) + ": "
                        + firstLine(e.getOriginalMessage()));
            } catch (java.io.IOException | RuntimeException e) {
                errors.add(name + ": could not be read: " + e.getMessage());
            }
        }
        return new Result(List.copyOf(configs.values()), errors);
    }

    /** "a.yaml (document 2)": every error and every policy says which document of which file it comes from. */
    private static String where(String file, int document) {
        return file + " (document " + document + ")";
    }

    /** SnakeYAML's messages span several lines (with a source excerpt); errors are one line each. */
    private static String firstLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }

    /**
     * One document: every problem in it goes to {@code problems}, not the first alone, so that one round of fixes
     * is enough. The config, or null when the document has any problem.
     */
    private static PolicyConfig parseOne(JsonNode node, String where, Map<String, Policy> catalog,
            Set<String> defaultExempt, List<String> problems) {
        if (!node.isObject()) {
            problems.add("a policy must be a mapping with at least id and mode");
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                problems.add("unknown key '" + key + "' (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String id = text(node, "id", problems);
        Policy policy = id == null ? null : catalog.get(id);
        if (id == null && node.get("id") == null) {
            problems.add("missing id");
        } else if (id != null && policy == null) {
            problems.add("unknown policy id '" + id + "' (known: "
                    + String.join(", ", catalog.keySet().stream().sorted().toList()) + ")");
        }
        String of = id == null ? "" : "policy " + id + ": ";
        // YAML 1.1 reads an unquoted "off" as the boolean false; the documented "mode: off" must still work.
        JsonNode modeNode = node.get("mode");
        String modeText = modeNode != null && modeNode.isBoolean() && !modeNode.asBoolean() ? "off" : text(node, "mode", problems);
        Mode mode = null;
        if (modeText == null && modeNode == null) {
            problems.add(of + "missing mode (enforce, warn or off)");
        } else if (modeText != null) {
            mode = parsed(() -> Mode.parse(modeText), of, problems);
        }
        Set<String> exempt = exempt(node.get("exemptNamespaces"), defaultExempt, of, problems);
        String lf = text(node, "onLookupFailure", problems);
        LookupFailure lookupFailure = lf == null ? null : parsed(() -> LookupFailure.parse(lf), of, problems);
        Map<String, Object> params = new LinkedHashMap<>();
        JsonNode p = node.get("parameters");
        if (p != null && !p.isNull() && !p.isObject()) {
            problems.add(of + "parameters must be a mapping");
        } else if (p != null) {
            for (Iterator<Map.Entry<String, JsonNode>> f = p.fields(); f.hasNext();) {
                Map.Entry<String, JsonNode> e = f.next();
                JsonNode v = e.getValue();
                params.put(e.getKey(), v.isBoolean() ? (Object) v.asBoolean() : v.isNumber() ? v.numberValue() : v.asText());
            }
        }
        // A problem above leaves mode or policy unset: the parameters are still checked, the config not used.
        PolicyConfig config = new PolicyConfig(String.valueOf(id), mode == null ? Mode.OFF : mode, exempt, lookupFailure,
                params, where);
        checkEach(policy, config, of, problems);
        return problems.isEmpty() ? config : null;
    }

    /** Each parameter checked on its own, so that every bad one is named. */
    private static void checkEach(Policy policy, PolicyConfig config, String of, List<String> problems) {
        if (policy == null) {
            return;
        }
        config.parameters().forEach((name, value) -> parsed(() -> {
            policy.checkParameters(config.withParameters(Map.of(name, value)));
            return name;
        }, of, problems));
    }

    private static Set<String> exempt(JsonNode ex, Set<String> defaultExempt, String of, List<String> problems) {
        if (ex == null || ex.isNull()) {
            return defaultExempt;
        }
        if (!ex.isArray()) {
            problems.add(of + "exemptNamespaces must be a list of namespaces");
            return defaultExempt;
        }
        Set<String> exempt = new LinkedHashSet<>();
        for (JsonNode n : ex) {
            if (!n.isTextual() || n.asText().isBlank()) {
                problems.add(of + "exemptNamespaces must hold namespace names, not " + n);
            } else {
                exempt.add(n.asText());
            }
        }
        return exempt;
    }

    /** The value, or null with the parser's message added to {@code problems}. */
    private static <T> T parsed(java.util.function.Supplier<T> parse, String of, List<String> problems) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            problems.add(of + e.getMessage());
            return null;
        }
    }

    private static String text(JsonNode node, String key, List<String> problems) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            problems.add(key + " must be a plain value");
            return null;
        }
        return v.asText();
    }

    private static String at(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }
}
