package dev.clbguard.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

import dev.clbguard.kube.KubeJson;
import dev.clbguard.kube.LocatedDocuments;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * What kube-apiserver's decoding refuses in an object before any admission webhook sees it, in its words: a value
 * of the wrong JSON type, as Go's encoding/json says it ({@code json: cannot unmarshal bool into Go struct field
 * ObjectMeta.metadata.annotations of type string}), and a field the schema does not have, as strict field
 * validation (kubectl's default) says it ({@code strict decoding error: unknown field "spec.foo"}). The schema is
 * the fabric8 model's, read through Jackson's bean metadata: the models are generated from the API's OpenAPI, so
 * their properties are the Go structs' JSON fields and their Java types stand for the Go ones.
 */
final class StrictDecoding {

    private static final ObjectMapper MAPPER = KubeJson.mapper();
    private static final Map<Class<?>, Map<String, JavaType>> FIELDS = new ConcurrentHashMap<>();

    /** One refusal: where ({@code pointer} into the document, {@code path} as a user writes it) and what is said. */
    record Refusal(String pointer, String path, String message) {
    }

    /** Where the walk is: the JSON pointer, the path with indices and keys, and Go's field path (names only). */
    private record At(String pointer, String path, String goPath) {

        At field(String name) {
            return new At(pointer + "/" + LocatedDocuments.segment(name), path.isEmpty() ? name : path + "." + name,
                    goPath.isEmpty() ? name : goPath + "." + name);
        }

        At index(int i) {
            return new At(pointer + "/" + i, path + "[" + i + "]", goPath);
        }

        At key(String k) {
            return new At(pointer + "/" + LocatedDocuments.segment(k), path + "[" + k + "]", goPath);
        }
    }

    private final List<Refusal> out = new ArrayList<>();

    private StrictDecoding() {
    }

    /** Every refusal in {@code object} read as {@code type}, in document order; empty when it decodes. */
    static List<Refusal> check(JsonNode object, Class<?> type) {
        StrictDecoding d = new StrictDecoding();
        d.struct(object, type, new At("", "", ""));
        return d.out;
    }

    private void struct(JsonNode node, Class<?> type, At at) {
        Map<String, JavaType> fields = fields(type);
        if (fields.isEmpty()) {
            return; // free-form, such as managedFields' fieldsV1
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            JavaType t = fields.get(f.getKey());
            At field = at.field(f.getKey());
            if (t == null) {
                out.add(new Refusal(field.pointer(), field.path(), "strict decoding error: unknown field \"" + field.path() + "\""));
            } else {
                value(f.getValue(), t, field, type.getSimpleName());
            }
        }
    }

    /** A value of Go type {@code t}; {@code struct} is the Go struct whose field holds it, for the message. */
    private void value(JsonNode node, JavaType t, At at, String struct) {
        if (node == null || node.isNull()) {
            return; // null is every Go type's zero value
        }
        Class<?> raw = t.getRawClass();
        if (raw == String.class) {
            expect(node.isTextual(), node, at, struct, "string");
        } else if (raw == Integer.class || raw == int.class) {
            integer(node, at, struct, "int32", Integer.MIN_VALUE, Integer.MAX_VALUE);
        } else if (raw == Long.class || raw == long.class) {
            integer(node, at, struct, "int64", Long.MIN_VALUE, Long.MAX_VALUE);
        } else if (raw == Boolean.class || raw == boolean.class) {
            expect(node.isBoolean(), node, at, struct, "bool");
        } else if (raw == IntOrString.class) {
            // IntOrString reads a JSON string as a string and anything else as an int32.
            if (!node.isTextual()) {
                integer(node, at, struct, "int32", Integer.MIN_VALUE, Integer.MAX_VALUE);
            }
        } else if (t.isMapLikeType()) {
            if (expect(node.isObject(), node, at, struct, goType(t))) {
                node.fields().forEachRemaining(e -> value(e.getValue(), t.getContentType(), at.key(e.getKey()), struct));
            }
        } else if (t.isCollectionLikeType() || t.isArrayType()) {
            if (expect(node.isArray(), node, at, struct, goType(t))) {
                for (int i = 0; i < node.size(); i++) {
                    value(node.get(i), t.getContentType(), at.index(i), struct);
                }
            }
        } else if (model(raw) && expect(node.isObject(), node, at, struct, goType(t))) {
            struct(node, raw, at);
        }
    }

    private void integer(JsonNode node, At at, String struct, String goType, long min, long max) {
        if (!node.isNumber()) {
            expect(false, node, at, struct, goType);
        } else if (!node.canConvertToExactIntegral() || node.decimalValue().compareTo(java.math.BigDecimal.valueOf(min)) < 0
                || node.decimalValue().compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            refuse(at, "number " + node.asText(), struct, goType);
        }
    }

    private boolean expect(boolean fits, JsonNode node, At at, String struct, String goType) {
        if (!fits) {
            refuse(at, jsonType(node), struct, goType);
        }
        return fits;
    }

    private void refuse(At at, String value, String struct, String goType) {
        out.add(new Refusal(at.pointer(), at.path(), "json: cannot unmarshal " + value + " into Go struct field " + struct + "."
                + at.goPath() + " of type " + goType));
    }

    /** The kind of JSON value, as Go's decoder names it. */
    private static String jsonType(JsonNode node) {
        return node.isTextual() ? "string" : node.isNumber() ? "number" : node.isBoolean() ? "bool"
                : node.isArray() ? "array" : "object";
    }

    private static String goType(JavaType t) {
        Class<?> raw = t.getRawClass();
        if (raw == String.class) {
            return "string";
        }
        if (raw == Integer.class || raw == IntOrString.class) {
            return "int32";
        }
        if (raw == Long.class) {
            return "int64";
        }
        if (raw == Boolean.class) {
            return "bool";
        }
        if (t.isMapLikeType()) {
            return "map[string]" + goType(t.getContentType());
        }
        if (t.isCollectionLikeType() || t.isArrayType()) {
            return "[]" + goType(t.getContentType());
        }
        return "v1." + raw.getSimpleName();
    }

    private static boolean model(Class<?> raw) {
        return raw.getName().startsWith("io.fabric8.kubernetes.api.model.");
    }

    /** The JSON fields of a model class and their types: its bean properties (additionalProperties is not one). */
    private static Map<String, JavaType> fields(Class<?> type) {
        return FIELDS.computeIfAbsent(type, c -> {
            BeanDescription d = MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(c));
            Map<String, JavaType> fields = new LinkedHashMap<>();
            for (BeanPropertyDefinition p : d.findProperties()) {
                if (p.hasSetter() || p.hasField() || p.hasConstructorParameter()) {
                    fields.put(p.getName(), p.getPrimaryType());
                }
            }
            return fields;
        });
    }
}
