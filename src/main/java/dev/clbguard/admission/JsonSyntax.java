package dev.clbguard.admission;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.clbguard.kube.FieldProblems;

/**
 * Says what is wrong with a body that is not JSON, and where, in words for the person who sent it. Jackson's own
 * messages name its internals (source descriptions, feature flags, token classes), which mean nothing to them.
 */
final class JsonSyntax {

    private static final Pattern TOKEN = Pattern.compile("Unrecognized token '([^']{1,40})'");

    private JsonSyntax() {
    }

    /** "body is not valid JSON: &lt;what&gt; at line L, column C". */
    static String describe(JsonProcessingException e, byte[] body, int maxDepth) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "body is not valid JSON: " + what(e, body, maxDepth) + where;
    }

    /**
     * A field of the object that does not fit the Kubernetes schema, by its path in the object and the shape it
     * must have ("spec.ports must be a list"), instead of the Java types it failed to become.
     */
    static String fieldProblem(JsonProcessingException e) {
        String path = e instanceof JsonMappingException m ? FieldProblems.path(m) : "";
        String subject = path.isEmpty() ? "the object" : path;
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String value = e instanceof InvalidFormatException f && f.getValue() instanceof String s && s.length() <= 40
                    && !s.startsWith("{") && !s.startsWith("[") ? ", not '" + printable(s) + "'" : "";
            return subject + " must be " + FieldProblems.shape(m.getTargetType()) + value;
        }
        return subject + " cannot be read";
    }

    private static String what(JsonProcessingException e, byte[] body, int maxDepth) {
        if (e instanceof StreamConstraintsException) {
            return "objects and arrays are nested deeper than " + maxDepth + " levels";
        }
        if (e instanceof JsonEOFException) {
            return "the body ends before an object, array or string is closed (is it cut short?)";
        }
        String original = String.valueOf(e.getOriginalMessage());
        if (original.startsWith("Unrecognized token")) {
            Matcher m = TOKEN.matcher(original);
            return (m.find() ? "'" + printable(m.group(1)) + "' is not a JSON value" : "a word that is not a JSON value")
                    + " (strings need double quotes; the only bare words are true, false and null)";
        }
        if (original.startsWith("Illegal unquoted character")) {
            return "a control character (such as a line break) inside a string must be escaped";
        }
        if (original.startsWith("Invalid UTF-8") || original.contains("Invalid UTF-8")) {
            return "the body is not UTF-8 text";
        }
        if (original.startsWith("Unexpected character")) {
            return "unexpected " + character(e.getLocation(), body) + expected(original);
        }
        return "unexpected input";
    }

    /** The character at the error, read from the body itself (the location's byte offset). */
    private static String character(JsonLocation at, byte[] body) {
        long offset = at == null ? -1 : at.getByteOffset();
        if (offset < 0 || offset >= body.length) {
            return "character";
        }
        int i = (int) offset;
        int c = body[i] & 0xff;
        if (c >= 0x20 && c < 0x7f) {
            return "character '" + (char) c + "'";
        }
        if (c >= 0x80) {
            int end = i + 1;
            while (end < body.length && end < i + 4 && (body[end] & 0xc0) == 0x80) {
                end++;
            }
            return "character '" + printable(new String(body, i, end - i, StandardCharsets.UTF_8)) + "'";
        }
        return String.format("control character U+%04X", c);
    }

    private static String expected(String original) {
        if (original.contains("double-quote to start field name")) {
            return ": field names must be in double quotes";
        }
        if (original.contains("colon to separate field name and value")) {
            return ": expected ':' after a field name";
        }
        if (original.contains("comma to separate Object entries")) {
            return ": expected ',' or '}' after a field's value";
        }
        if (original.contains("comma to separate Array entries")) {
            return ": expected ',' or ']' after an array element";
        }
        if (original.contains("expected a value") || original.contains("expected a valid value")) {
            return ": expected a value (an object, array, string, number, true, false or null)";
        }
        return "";
    }

    private static String printable(String s) {
        return s.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
    }
}
