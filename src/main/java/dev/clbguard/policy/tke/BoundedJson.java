package dev.clbguard.policy.tke;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Parses JSON annotation values, which come from untrusted users: bounded in size, nesting and number length,
 * strict about duplicate keys and trailing text. Errors are short, one line, and never echo the input.
 */
public final class BoundedJson {

    public static final int MAX_CHARS = 32 * 1024;
    public static final int MAX_DEPTH = 10;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_CHARS)
                    .maxNumberLength(32)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Thrown with a message fit to follow "is " in a policy message, e.g. "not valid JSON (line 1, column 9)". */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private BoundedJson() {
    }

    public static JsonNode parse(String text) throws Invalid {
        if (text == null || text.isBlank()) {
            throw new Invalid("empty, not JSON");
        }
        if (text.length() > MAX_CHARS) {
            throw new Invalid("longer than " + MAX_CHARS + " characters");
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new Invalid("empty, not JSON");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw new Invalid("over " + MAX_DEPTH + " levels deep or has a number over 32 digits");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String what = String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")
                    ? "not valid JSON: a key appears twice" : "not valid JSON";
            throw new Invalid(what + (loc == null || loc.getLineNr() < 0 ? ""
                    : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
        }
    }

    /** "object", "array", "string", ... as used in messages. */
    public static String typeName(JsonNode n) {
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
