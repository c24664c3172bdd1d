package dev.clbguard.kube;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The documents of one input (YAML documents, concatenated JSON values), each as a tree that remembers where every
 * field and element starts, so that a message can point at the line of the field rather than of its document. For
 * booleans and numbers it also keeps the text as written ({@code True}, {@code 0x50}), to quote it back.
 */
public final class LocatedDocuments {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One document: its tree, where it starts, and where each JSON pointer ("/spec/ports/0") starts. */
    public record Document(JsonNode node, JsonLocation at, Map<String, JsonLocation> places, Map<String, String> written) {

        /** Where the value at {@code pointer} starts: the field's name for a field; else the nearest enclosing one. */
        public JsonLocation at(String pointer) {
            for (String p = pointer; !p.isEmpty(); p = p.substring(0, p.lastIndexOf('/'))) {
                JsonLocation l = places.get(p);
                if (l != null) {
                    return l;
                }
            }
            return at;
        }

        /** A boolean or number as written in the input, or null. */
        public String written(String pointer) {
            return written.get(pointer);
        }
    }

    private final JsonParser parser;
    private Map<String, JsonLocation> places;
    private Map<String, String> written;

    private LocatedDocuments(JsonParser parser) {
        this.parser = parser;
    }

    /** Every document of the parser's input; a syntax error anywhere throws, so a broken file yields nothing. */
    public static List<Document> read(JsonParser parser) throws IOException {
        return read(parser, Integer.MAX_VALUE);
    }

    /** The first {@code max} documents, the rest of the input unread. */
    public static List<Document> read(JsonParser parser, int max) throws IOException {
        LocatedDocuments reader = new LocatedDocuments(parser);
        List<Document> out = new ArrayList<>();
        for (JsonToken t; out.size() < max && (t = parser.nextToken()) != null;) {
            JsonLocation at = parser.currentTokenLocation();
            reader.places = new HashMap<>();
            reader.written = new HashMap<>();
            JsonNode node = reader.value(t, "");
            out.add(new Document(node, at, reader.places, reader.written));
        }
        return out;
    }

    /** A field name as one segment of a JSON pointer (RFC 6901: "~" and "/" escaped). */
    public static String segment(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private JsonNode value(JsonToken t, String pointer) throws IOException {
        return switch (t) {
            case START_OBJECT -> object(pointer);
            case START_ARRAY -> array(pointer);
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                written.put(pointer, parser.getText());
                yield switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    case BIG_INTEGER -> NODES.numberNode(parser.getBigIntegerValue());
                    case BIG_DECIMAL -> NODES.numberNode(parser.getDecimalValue());
                    default -> NODES.numberNode(parser.getDoubleValue());
                };
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                written.put(pointer, parser.getText());
                yield NODES.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_EMBEDDED_OBJECT -> NODES.pojoNode(parser.getEmbeddedObject());
            default -> NODES.nullNode();
        };
    }

    private ObjectNode object(String pointer) throws IOException {
        ObjectNode o = NODES.objectNode();
        for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
            String name = parser.currentName();
            String child = pointer + "/" + segment(name);
            places.put(child, parser.currentTokenLocation());
            o.set(name, value(parser.nextToken(), child));
        }
        return o;
    }

    private ArrayNode array(String pointer) throws IOException {
        ArrayNode a = NODES.arrayNode();
        int i = 0;
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY && t != null; t = parser.nextToken()) {
            String child = pointer + "/" + i++;
            places.put(child, parser.currentTokenLocation());
            a.add(value(t, child));
        }
        return a;
    }
}
