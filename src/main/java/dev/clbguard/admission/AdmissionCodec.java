package dev.clbguard.admission;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.clbguard.kube.SyntaxProblems;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.ResourceKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Reads AdmissionReview {@code admission.k8s.io/v1} requests and writes responses. The envelope is checked by
 * hand so every defect gets a plain message naming the field; the objects are read into fabric8 models.
 */
public final class AdmissionCodec {

    public static final String API_VERSION = "admission.k8s.io/v1";
    private static final int MAX_DEPTH = 100;
    private final ObjectMapper mapper;

    public AdmissionCodec(ObjectMapper mapper) {
        // Bounded nesting: a hostile body must not exhaust the stack.
        this.mapper = mapper.copy();
        this.mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
        this.mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    }

    /**
     * No policy reads {@code metadata.managedFields}, and it is often the largest part of an object: skipped
     * unread. Patches are unaffected, as both sides of their diff come from this mapper.
     */
    @JsonIgnoreProperties("managedFields")
    @RegisterForReflection
    abstract static class WithoutManagedFields {
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public IncomingReview decode(byte[] body, Webhook phase) {
        if (body == null || body.length == 0) {
            throw new BadAdmissionRequest("empty body: expected an AdmissionReview (" + API_VERSION + ")");
        }
        StreamedEnvelope.Read fast = StreamedEnvelope.read(mapper, body, AdmissionCodec::objectType);
        if (fast != null) {
            return interpret(fast.root(), fast.object(), fast.oldObject(), phase);
        }
        return decodeTree(body, phase);
    }

    /** The careful way in: the whole body as a tree, so every defect can be named. */
    IncomingReview decodeTree(byte[] body, Webhook phase) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadAdmissionRequest(SyntaxProblems.describe(e, body, MAX_DEPTH));
        } catch (IOException e) {
            throw new BadAdmissionRequest("body could not be read as JSON");
        }
        return interpret(root, null, null, phase);
    }

    /**
     * Checks the envelope and reads the objects. {@code object}/{@code oldObject} are the models the streaming
     * pass already bound; where they are null, the objects are read from the tree (absent when so bound).
     */
    private IncomingReview interpret(JsonNode root, HasMetadata object, HasMetadata oldObject, Webhook phase) {
        if (root == null || !root.isObject()) {
            throw new BadAdmissionRequest("body must be a JSON object: an AdmissionReview (" + API_VERSION + ")");
        }
        if (!"AdmissionReview".equals(text(root, "kind"))) {
            throw new BadAdmissionRequest("kind must be AdmissionReview, not " + quoted(root.get("kind")));
        }
        if (!API_VERSION.equals(text(root, "apiVersion"))) {
            throw new BadAdmissionRequest("apiVersion must be " + API_VERSION + ", not " + quoted(root.get("apiVersion"))
                    + "; set admissionReviewVersions: [v1] in the webhook configuration");
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            throw new BadAdmissionRequest("request is missing: an AdmissionReview sent to a webhook must carry request");
        }
        String uid = text(request, "uid");
        if (uid == null || uid.isEmpty()) {
            throw new BadAdmissionRequest("request.uid is missing");
        }
        if (uid.length() > 128) {
            throw new BadAdmissionRequest("request.uid is longer than 128 characters");
        }
        Operation op;
        try {
            op = Operation.valueOf(String.valueOf(text(request, "operation")));
        } catch (IllegalArgumentException e) {
            throw new BadAdmissionRequest("request.operation must be CREATE, UPDATE, DELETE or CONNECT, not "
                    + quoted(request.get("operation")));
        }
        Class<? extends HasMetadata> type = objectType(request.get("kind"));
        if (type == null) {
            // Not ours (a wider webhook rule, or a retired Ingress version): allowed without a look.
            return IncomingReview.notOurs(uid);
        }
        boolean dryRun = request.path("dryRun").asBoolean(false);
        ResourceKind rk = type == Service.class ? ResourceKind.SERVICE : ResourceKind.INGRESS;
        try {
            HasMetadata obj = object != null ? object : read(request.get("object"), type, "request.object");
            HasMetadata old = oldObject != null ? oldObject : read(request.get("oldObject"), type, "request.oldObject");
            if (obj == null && old == null) {
                return new IncomingReview(uid, rk, op, null, "request.object and request.oldObject are both missing");
            }
            return IncomingReview.judged(uid, new ObjectReview(rk, op, obj, old, dryRun, phase.origin()));
        } catch (IllegalArgumentException e) {
            return new IncomingReview(uid, rk, op, null, e.getMessage());
        }
    }

    /** Only core/v1 Services and networking.k8s.io/v1 Ingresses: other versions have other schemas. */
    static Class<? extends HasMetadata> objectType(JsonNode kindNode) {
        if (kindNode == null || !"v1".equals(text(kindNode, "version"))) {
            return null;
        }
        String group = text(kindNode, "group");
        ResourceKind rk = ResourceKind.of(text(kindNode, "kind")).orElse(null);
        return rk == ResourceKind.SERVICE && (group == null || group.isEmpty()) ? Service.class
                : rk == ResourceKind.INGRESS && "networking.k8s.io".equals(group) ? Ingress.class : null;
    }

    private HasMetadata read(JsonNode node, Class<? extends HasMetadata> type, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(field + " must be an object");
        }
        try {
            HasMetadata obj = mapper.treeToValue(node, type);
            if (obj.getMetadata() == null) {
                throw new IllegalArgumentException(field + ".metadata is missing");
            }
            return obj;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(field + " is not a valid " + type.getSimpleName() + ": " + SyntaxProblems.fieldProblem(e));
        }
    }

    public byte[] allow(String uid, List<String> warnings, byte[] patch, Map<String, String> audit) {
        return write(uid, true, warnings, audit, patch, 0, null);
    }

    public byte[] deny(String uid, int code, String message, List<String> warnings, Map<String, String> audit) {
        return write(uid, false, warnings, audit, null, code, message);
    }

    /** Written straight to bytes: the response is small and fixed in shape, no tree needed. */
    private byte[] write(String uid, boolean allowed, List<String> warnings, Map<String, String> audit, byte[] patch,
            int code, String message) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("apiVersion", API_VERSION);
            g.writeStringField("kind", "AdmissionReview");
            g.writeObjectFieldStart("response");
            g.writeStringField("uid", uid);
            g.writeBooleanField("allowed", allowed);
            if (warnings != null && !warnings.isEmpty()) {
                g.writeArrayFieldStart("warnings");
                for (String w : warnings) {
                    g.writeString(w);
                }
                g.writeEndArray();
            }
            if (audit != null && !audit.isEmpty()) {
                g.writeObjectFieldStart("auditAnnotations");
                for (Map.Entry<String, String> a : audit.entrySet()) {
                    g.writeStringField(a.getKey(), a.getValue());
                }
                g.writeEndObject();
            }
            if (patch != null) {
                g.writeStringField("patchType", "JSONPatch");
                g.writeStringField("patch", Base64.getEncoder().encodeToString(patch));
            }
            if (!allowed) {
                g.writeObjectFieldStart("status");
                g.writeNumberField("code", code);
                g.writeStringField("reason", code == 403 ? "Forbidden" : "BadRequest");
                g.writeStringField("message", message);
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write AdmissionReview", e);
        }
        return out.toByteArray();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static String quoted(JsonNode v) {
        if (v == null || v.isNull()) {
            return "missing";
        }
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
