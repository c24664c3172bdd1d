package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.kube.KubeJson;

/**
 * The streaming way in must decide exactly as the tree way does: same review, same undecodable message, same
 * refusal. It may only step aside (answer null) for the tree way, never answer differently.
 */
class StreamedEnvelopeTest {

    private final AdmissionCodec codec = new AdmissionCodec(KubeJson.mapper());

    @Test
    void everyRealRequestTakesTheStreamingWayAndDecodesAsTheTreeWay() {
        for (Path fixture : Fixtures.all()) {
            byte[] body = Fixtures.read(fixture).getBytes(StandardCharsets.UTF_8);
            assertNotNull(streamed(body), fixture + " should not need the tree way");
            for (Webhook phase : Webhook.values()) {
                assertSame(body, phase, fixture.toString());
            }
        }
    }

    @Test
    void managedFieldsAreNotRead() {
        IncomingReview in = codec.decode(Fixtures.body("046").getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE);
        assertTrue(in.review().object().getMetadata().getManagedFields().isEmpty());
        assertTrue(in.review().oldObject().getMetadata().getManagedFields().isEmpty());
        assertEquals("backend", in.review().object().getMetadata().getName());
    }

    @Test
    void unusualRequestsAreLeftToTheTreeWay() {
        // the objects before request.kind: the model cannot be chosen while streaming
        ObjectNode early = Fixtures.tree("030");
        ObjectNode request = (ObjectNode) early.get("request");
        JsonNode kind = request.remove("kind");
        request.set("kind", kind);
        assertStepsAside(early);

        ObjectNode unbindable = Fixtures.tree("030");
        ((ObjectNode) unbindable.at("/request/object/spec")).put("ports", "80");
        assertStepsAside(unbindable);

        ObjectNode noMetadata = Fixtures.tree("030");
        ((ObjectNode) noMetadata.at("/request/object")).remove("metadata");
        assertStepsAside(noMetadata);

        assertStepsAside("{\"kind\":\"AdmissionReview\",\"request\":{\"kind\":{},\"kind\":{}}}");
        assertStepsAside("[1,2]");
        assertStepsAside("{\"kind\":\"AdmissionReview\",");
    }

    @Test
    void repeatedObjectFieldsCountTheLastOneAsTheTreeDoes() {
        String body = Fixtures.body("030").strip();
        byte[] repeated = (body.substring(0, body.length() - 2) + ",\"object\":null}}").getBytes(StandardCharsets.UTF_8);
        assertNotNull(streamed(repeated));
        assertEquals("request.object and request.oldObject are both missing", codec.decode(repeated, Webhook.VALIDATE).undecodable());
        assertSame(repeated, Webhook.VALIDATE, "object repeated as null");
    }

    /** Seeded random damage to real requests: removed fields, wrong types, nulls, at every depth. */
    @Test
    void damagedRequestsDecodeAsTheTreeWay() {
        Random random = new Random(20261123);
        List<Path> fixtures = Fixtures.all();
        for (int run = 0; run < 3000; run++) {
            JsonNode tree = Fixtures.tree(fixtures.get(random.nextInt(fixtures.size())).getFileName().toString().substring(0, 3));
            int damages = 1 + random.nextInt(3);
            for (int i = 0; i < damages; i++) {
                damage(tree, random);
            }
            byte[] body = tree.toString().getBytes(StandardCharsets.UTF_8);
            assertSame(body, random.nextBoolean() ? Webhook.VALIDATE : Webhook.MUTATE, "run " + run + ": " + tree);
        }
    }

    private static void damage(JsonNode root, Random random) {
        // walk down a random path, favouring the envelope and the objects' top levels
        JsonNode parent = null;
        String key = null;
        int index = -1;
        JsonNode node = root;
        int depth = random.nextInt(6);
        for (int d = 0; d < depth && node.isContainerNode() && !node.isEmpty(); d++) {
            parent = node;
            if (node.isObject()) {
                List<String> names = new ArrayList<>();
                node.fieldNames().forEachRemaining(names::add);
                key = names.get(random.nextInt(names.size()));
                index = -1;
                node = node.get(key);
            } else {
                index = random.nextInt(node.size());
                key = null;
                node = node.get(index);
            }
        }
        if (parent == null) {
            return;
        }
        JsonNode replacement = switch (random.nextInt(6)) {
            case 0 -> null; // removed
            case 1 -> JsonNodeFactory.instance.nullNode();
            case 2 -> JsonNodeFactory.instance.textNode("x");
            case 3 -> JsonNodeFactory.instance.numberNode(7);
            case 4 -> JsonNodeFactory.instance.arrayNode().add(1);
            default -> JsonNodeFactory.instance.objectNode().put("unexpected", true);
        };
        if (parent instanceof ObjectNode o) {
            if (replacement == null) {
                o.remove(key);
            } else {
                o.set(key, replacement);
            }
        } else if (parent instanceof ArrayNode a) {
            if (replacement == null) {
                a.remove(index);
            } else {
                a.set(index, replacement);
            }
        }
    }

    private void assertStepsAside(JsonNode tree) {
        assertStepsAside(tree.toString());
    }

    private void assertStepsAside(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertNull(streamed(bytes), "should be left to the tree way: " + body);
        assertSame(bytes, Webhook.VALIDATE, body);
    }

    private StreamedEnvelope.Read streamed(byte[] body) {
        return StreamedEnvelope.read(codec.mapper(), body, AdmissionCodec::objectType);
    }

    private void assertSame(byte[] body, Webhook phase, String what) {
        Object viaStream = outcome(() -> codec.decode(body, phase));
        Object viaTree = outcome(() -> codec.decodeTree(body, phase));
        assertEquals(viaTree, viaStream, what);
    }

    private static Object outcome(java.util.function.Supplier<IncomingReview> decode) {
        try {
            return decode.get();
        } catch (BadAdmissionRequest e) {
            return "refused: " + e.getMessage();
        }
    }
}
