package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Throws malformed, truncated, deeply nested and type-confused AdmissionReview bodies, all derived from the
 * real API server requests, at both endpoints. Whatever arrives: never a 5xx, never a stack trace, and every
 * 200 is a valid AdmissionReview that echoes the request's uid (and patches only from /mutate).
 *
 * <p>Plain seeded generation (reproducible: a failure names its seed and case number). In {@code ./mvnw verify}
 * it runs {@value #DEFAULT_COUNT} cases; the full run is
 * {@code ./mvnw -B test -Dtest=AdmissionFuzzTest -Dclbguard.fuzz.count=100000 [-Dclbguard.fuzz.seed=N]}.
 */
@QuarkusTest
class AdmissionFuzzTest {

    static final int DEFAULT_COUNT = 5000;
    private static final Pattern STACK_TRACE = Pattern.compile(
            "\\tat [\\w$.]+\\(|\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\([\\w$]+\\.java:\\d+\\)|Exception:|\\.java:\\d+\\)|Caused by:");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Reads what the server accepted, without its nesting limit, to know which uid it had to echo. */
    private static final ObjectMapper READER = new ObjectMapper();

    static {
        READER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000).build());
    }

    @TestHTTPResource("/")
    URI base;

    private final List<ObjectNode> fixtures = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();

    @Test
    void malformedRequestsNeverBreakTheWebhook() throws Exception {
        int count = Integer.getInteger("clbguard.fuzz.count", DEFAULT_COUNT);
        long seed = Long.getLong("clbguard.fuzz.seed", 20261123L);
        for (var p : Fixtures.all()) {
            fixtures.add((ObjectNode) READER.readTree(Fixtures.read(p)));
            paths.add(Fixtures.path(p));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Random random = new Random(seed);
        Map<String, Integer> byOutcome = new TreeMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int pick = random.nextInt(fixtures.size());
            String path = random.nextInt(10) == 0 ? (paths.get(pick).equals("/mutate") ? "/validate" : "/mutate") : paths.get(pick);
            Case c = generate(random, fixtures.get(pick));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path.substring(1)))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(c.body)).build(), HttpResponse.BodyHandlers.ofString());
            String where = "case " + i + " (seed " + seed + ", " + c.kind + " on " + path + ")";
            check(r, path, c.body, where);
            byOutcome.merge(c.kind + " -> " + r.statusCode(), 1, Integer::sum);
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("fuzz: %d cases, seed %d, %d ms (%.2f ms/case)%n", count, seed, ms, ms / (double) Math.max(count, 1));
        byOutcome.forEach((k, v) -> System.out.printf("fuzz:   %-28s %7d%n", k, v));
    }

    private static void check(HttpResponse<String> r, String path, byte[] sent, String where) {
        String body = r.body();
        if (r.statusCode() >= 500) {
            fail(where + ": HTTP " + r.statusCode() + ": " + cut(body) + "\nrequest: " + cut(new String(sent, StandardCharsets.UTF_8)));
        }
        if (STACK_TRACE.matcher(body).find()) {
            fail(where + ": stack trace in the answer: " + cut(body));
        }
        if (r.statusCode() != 200) {
            assertTrue(r.statusCode() == 400 || r.statusCode() == 413, where + ": HTTP " + r.statusCode() + " " + cut(body));
            assertTrue(!body.isBlank() && body.length() < 2000, where + ": a refusal says why, briefly: " + cut(body));
            return;
        }
        JsonNode out;
        String uid;
        try {
            out = READER.readTree(body);
            uid = READER.readTree(sent).path("request").path("uid").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(where + ": " + e.getMessage() + ": " + cut(body));
        }
        assertEquals("admission.k8s.io/v1", out.path("apiVersion").asText(), where);
        assertEquals("AdmissionReview", out.path("kind").asText(), where);
        JsonNode response = out.path("response");
        assertEquals(uid, response.path("uid").asText(), where + ": uid echoed");
        assertTrue(response.path("allowed").isBoolean(), where + ": allowed is a boolean");
        if (response.has("patch")) {
            assertEquals("/mutate", path, where + ": only the mutating webhook patches");
            assertEquals("JSONPatch", response.path("patchType").asText(), where);
            try {
                assertTrue(READER.readTree(Base64.getDecoder().decode(response.path("patch").asText())).isArray(), where);
            } catch (java.io.IOException e) {
                throw new AssertionError(where + ": patch is not base64 JSON", e);
            }
        }
        if (!response.path("allowed").asBoolean()) {
            int code = response.path("status").path("code").asInt();
            assertTrue(code >= 400 && code < 500, where + ": denial code " + code);
            assertTrue(!response.path("status").path("message").asText().isBlank(), where + ": denial says why");
        }
    }

    // --- generation -----------------------------------------------------------------------------------------

    record Case(String kind, byte[] body) {
    }

    private static Case generate(Random r, ObjectNode fixture) {
        ObjectNode tree = fixture.deepCopy();
        return switch (r.nextInt(9)) {
            case 0 -> new Case("truncated", truncate(r, bytes(tree)));
            case 1 -> new Case("byte-noise", noise(r, bytes(tree)));
            case 2 -> new Case("deep-nesting", bytes(nest(r, tree)));
            case 3, 4 -> new Case("type-confused", bytes(confuse(r, tree, 1 + r.nextInt(3))));
            case 5 -> new Case("field-removed", bytes(remove(r, tree)));
            case 6 -> new Case("envelope", bytes(envelope(r, tree)));
            case 7 -> new Case("deep-text", deepText(r, tree));
            default -> new Case("garbage", garbage(r));
        };
    }

    private static byte[] bytes(JsonNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] truncate(Random r, byte[] b) {
        return java.util.Arrays.copyOf(b, r.nextInt(b.length));
    }

    private static byte[] noise(Random r, byte[] b) {
        byte[] out = b.clone();
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int at = r.nextInt(out.length);
            out[at] = switch (r.nextInt(4)) {
                case 0 -> (byte) r.nextInt(256);            // anything, invalid UTF-8 included
                case 1 -> (byte) "{}[]\",:\\".charAt(r.nextInt(8)); // structure
                case 2 -> 0;
                default -> (byte) (out[at] ^ (1 << r.nextInt(8)));
            };
        }
        return out;
    }

    /** Replaces a random node with a deeply nested array or object (deeper than the codec's limit, often). */
    private static JsonNode nest(Random r, ObjectNode tree) {
        int depth = 1 + r.nextInt(r.nextBoolean() ? 120 : 900); // Jackson writes trees up to 1,000 deep
        JsonNode inner = F.textNode("x");
        for (int i = 0; i < depth; i++) {
            if (r.nextBoolean()) {
                ArrayNode a = F.arrayNode();
                a.add(inner);
                inner = a;
            } else {
                ObjectNode o = F.objectNode();
                o.set("metadata", inner);
                inner = o;
            }
        }
        return replaceRandom(r, tree, inner);
    }

    /** Nesting written as text, beyond what a tree can comfortably build: up to 200,000 brackets. */
    private static byte[] deepText(Random r, ObjectNode tree) {
        int depth = 1000 + r.nextInt(200_000);
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String s = tree.toString();
        int at = s.indexOf("\"object\":");
        String value = open.repeat(depth) + "1" + close.repeat(r.nextInt(4) == 0 ? depth / 2 : depth);
        return (at < 0 ? value : s.substring(0, at) + "\"object\":" + value + "," + s.substring(at + 9))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode confuse(Random r, ObjectNode tree, int times) {
        JsonNode out = tree;
        for (int i = 0; i < times; i++) {
            out = replaceRandom(r, out, wrongValue(r));
        }
        return out;
    }

    private static JsonNode wrongValue(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(r.nextBoolean());
            case 2 -> F.numberNode(r.nextInt());
            case 3 -> F.numberNode(new java.math.BigDecimal("1e" + (300 + r.nextInt(100000))));
            case 4 -> F.numberNode(-0.0);
            case 5 -> F.textNode("");
            case 6 -> F.textNode("x".repeat(r.nextInt(100_000)));
            case 7 -> F.textNode("\u0000\ud83d\ude00\u202e<script>" + r.nextLong());
            case 8 -> F.arrayNode().add(1).add("a").addNull();
            case 9 -> F.objectNode().put("kind", "Service").put("apiVersion", 7);
            case 10 -> F.textNode("None");
            default -> F.numberNode(Long.MAX_VALUE);
        };
    }

    private static JsonNode remove(Random r, ObjectNode tree) {
        List<JsonNode> parents = new ArrayList<>();
        collect(tree, parents);
        parents.removeIf(n -> n.isEmpty());
        if (parents.isEmpty()) {
            return tree;
        }
        JsonNode p = parents.get(r.nextInt(parents.size()));
        if (p instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            o.remove(names.get(r.nextInt(names.size())));
        } else if (p instanceof ArrayNode a) {
            a.remove(r.nextInt(a.size()));
        }
        return tree;
    }

    /** The fields the codec checks first, with wrong types or values. */
    private static JsonNode envelope(Random r, ObjectNode tree) {
        ObjectNode request = tree.path("request") instanceof ObjectNode o ? o : tree.putObject("request");
        JsonNode wrong = wrongValue(r);
        switch (r.nextInt(10)) {
            case 0 -> tree.set("kind", wrong);
            case 1 -> tree.set("apiVersion", r.nextBoolean() ? wrong : F.textNode("admission.k8s.io/v1beta1"));
            case 2 -> tree.set("request", wrong);
            case 3 -> request.set("uid", r.nextBoolean() ? wrong : F.textNode("u".repeat(100 + r.nextInt(100))));
            case 4 -> request.set("operation", r.nextBoolean() ? wrong : F.textNode("CONNECT"));
            case 5 -> request.set("kind", wrong);
            case 6 -> request.set("object", wrong);
            case 7 -> request.set("oldObject", r.nextBoolean() ? wrong : request.path("object").deepCopy());
            case 8 -> request.set("dryRun", wrong);
            default -> {
                if (request.path("object") instanceof ObjectNode obj) {
                    obj.set(r.nextBoolean() ? "metadata" : "spec", wrong);
                }
            }
        }
        return tree;
    }

    private static byte[] garbage(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> new byte[0];
            case 1 -> "null".getBytes(StandardCharsets.UTF_8);
            case 2 -> "[]".getBytes(StandardCharsets.UTF_8);
            case 3 -> "\"AdmissionReview\"".getBytes(StandardCharsets.UTF_8);
            case 4 -> "{\"kind\":\"AdmissionReview\",\"kind\":\"AdmissionReview\"}".getBytes(StandardCharsets.UTF_8);
            default -> {
                byte[] b = new byte[r.nextInt(512)];
                r.nextBytes(b);
                yield b;
            }
        };
    }

    /** Replaces one node chosen uniformly among all nodes (the root included). */
    private static JsonNode replaceRandom(Random r, JsonNode root, JsonNode value) {
        List<JsonNode> parents = new ArrayList<>();
        collect(root, parents);
        int total = 1;
        for (JsonNode p : parents) {
            total += p.size();
        }
        int pick = r.nextInt(total);
        if (pick == 0) {
            return value;
        }
        pick--;
        for (JsonNode p : parents) {
            if (pick < p.size()) {
                if (p instanceof ObjectNode o) {
                    Iterator<String> names = o.fieldNames();
                    String name = names.next();
                    for (int i = 0; i < pick; i++) {
                        name = names.next();
                    }
                    o.set(name, value);
                } else {
                    ((ArrayNode) p).set(pick, value);
                }
                return root;
            }
            pick -= p.size();
        }
        return root;
    }

    private static void collect(JsonNode n, List<JsonNode> containers) {
        if (n.isContainerNode()) {
            containers.add(n);
            n.forEach(c -> collect(c, containers));
        }
    }

    private static String cut(String s) {
        return s.length() > 600 ? s.substring(0, 600) + "…" : s;
    }
}
