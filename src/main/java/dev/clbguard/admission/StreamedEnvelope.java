package dev.clbguard.admission;

import java.io.IOException;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The fast way in: one streaming pass over a well-formed request that binds {@code request.object} and
 * {@code request.oldObject} straight from the bytes into their models and keeps only the few small envelope
 * fields as a tree. Building a whole JSON tree first and then binding from it cost twice as much per call.
 * <p>
 * It handles only what kube-apiserver sends ({@code request.kind} before the objects, objects that bind); for
 * anything else it answers null and {@link AdmissionCodec} reads the body the careful way, which names the defect.
 */
final class StreamedEnvelope {

    /** The envelope fields {@link AdmissionCodec} checks, and the objects already bound (null when absent). */
    record Read(ObjectNode root, HasMetadata object, HasMetadata oldObject) {
    }

    private StreamedEnvelope() {
    }

    /**
     * @param objectType the model class for a request.kind node, or null when the kind is not judged
     * @return the envelope, or null when this pass cannot tell (malformed JSON, unusual order, unbindable objects)
     */
    static Read read(ObjectMapper mapper, byte[] body, Function<JsonNode, Class<? extends HasMetadata>> objectType) {
        try (JsonParser p = mapper.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode root = mapper.createObjectNode();
            Read request = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("request") && value == JsonToken.START_OBJECT) {
                    request = request(mapper, p, objectType);
                    if (request == null) {
                        return null;
                    }
                    root.set("request", request.root());
                } else if (field.equals("kind") || field.equals("apiVersion") || field.equals("request")) {
                    root.set(field, p.readValueAsTree());
                } else {
                    p.skipChildren();
                }
            }
            return request == null ? new Read(root, null, null) : new Read(root, request.object(), request.oldObject());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Read request(ObjectMapper mapper, JsonParser p,
            Function<JsonNode, Class<? extends HasMetadata>> objectType) throws IOException {
        ObjectNode request = mapper.createObjectNode();
        HasMetadata object = null;
        HasMetadata oldObject = null;
        boolean kindSeen = false;
        Class<? extends HasMetadata> type = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "kind" -> {
                    if (kindSeen) {
                        return null; // a repeated kind could change the type the objects were bound to
                    }
                    kindSeen = true;
                    JsonNode kind = p.readValueAsTree();
                    request.set(field, kind);
                    type = objectType.apply(kind);
                }
                case "object", "oldObject" -> {
                    if (!kindSeen) {
                        return null;
                    }
                    HasMetadata bound = null;
                    request.remove(field); // a repeated field: the last one counts, as in a tree
                    if (type == null || value == JsonToken.VALUE_NULL) {
                        p.skipChildren(); // not judged, or absent: never read
                    } else if (value != JsonToken.START_OBJECT) {
                        request.set(field, p.readValueAsTree()); // the codec names the wrong shape
                    } else {
                        bound = mapper.readValue(p, type);
                        if (bound == null || bound.getMetadata() == null) {
                            return null;
                        }
                    }
                    if (field.equals("object")) {
                        object = bound;
                    } else {
                        oldObject = bound;
                    }
                }
                case "uid", "operation", "dryRun" -> request.set(field, p.readValueAsTree());
                default -> p.skipChildren();
            }
        }
        return new Read(request, object, oldObject);
    }
}
