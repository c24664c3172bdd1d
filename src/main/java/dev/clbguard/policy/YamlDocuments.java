package dev.clbguard.policy;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;

/**
 * Steps through the documents of a multi-document YAML stream. MappingIterator wraps syntax errors in a
 * RuntimeException; these unwrap them so callers can report the line and column.
 */
public final class YamlDocuments {

    private YamlDocuments() {
    }

    public static boolean hasNext(MappingIterator<JsonNode> it) throws IOException {
        try {
            return it.hasNextValue();
        } catch (RuntimeException e) {
            throw unwrapped(e);
        }
    }

    /** A syntax error inside a later document surfaces from next(), wrapped like in hasNextValue(). */
    public static JsonNode next(MappingIterator<JsonNode> it) throws IOException {
        try {
            return it.next();
        } catch (RuntimeException e) {
            throw unwrapped(e);
        }
    }

    private static RuntimeException unwrapped(RuntimeException e) throws JsonProcessingException {
        if (e.getCause() instanceof JsonProcessingException jpe) {
            throw jpe;
        }
        return e;
    }
}
