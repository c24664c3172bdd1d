package dev.clbguard.kube;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.error.MarkedYAMLException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * Says what is wrong with text that is not JSON or YAML, and where, in words for the person who wrote it. The
 * parsers' own messages name their internals (source descriptions, feature flags, token classes), which mean
 * nothing to them. Shared by the webhook's 400 answers and the offline validator's input errors.
 */
public final class SyntaxProblems {

    private static final Pattern TOKEN = Pattern.compile("Unrecognized token '([^']{1,40})'");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']{1,80})'");
    private static final Pattern NUMBER = Pattern.compile("Malformed numeric value '([^']{1,40})'");
    /** SnakeYAML names tokens of its grammar in its problems; these are what a YAML author sees in the file. */
    private static final Map<String, String> YAML_TOKENS = Map.ofEntries(
            Map.entry("<stream end>", "the end of the input"),
            Map.entry("<document start>", "'---'"),
            Map.entry("<document end>", "'...'"),
            Map.entry("<block end>", "the end of an indented block"),
            Map.entry("<block mapping start>", "a new indented mapping"),
            Map.entry("<block sequence start>", "a new indented list"),
            Map.entry("<block entry>", "a list item ('-')"),
            Map.entry("<flow mapping start>", "'{'"),
            Map.entry("<flow mapping end>", "'}'"),
            Map.entry("<flow sequence start>", "'['"),
            Map.entry("<flow sequence end>", "']'"),
            Map.entry("<flow entry>", "','"),
            Map.entry("<key>", "a key"),
            Map.entry("<value>", "':'"),
            Map.entry("<scalar>", "a value"),
            Map.entry("<alias>", "an alias (*name)"),
            Map.entry("<anchor>", "an anchor (&name)"),
            Map.entry("<tag>", "a tag (!name)"));

    private SyntaxProblems() {
    }

    /** A position in the text, 1-based; 0 when unknown. */
    public record Position(int line, int column) {

        static Position of(JsonLocation at) {
            return at == null || at.getLineNr() < 1 ? new Position(0, 0) : new Position(at.getLineNr(), at.getColumnNr());
        }

        public String suffix() {
            return line < 1 ? "" : " at line " + line + ", column " + column;
        }
    }

    /** What is wrong and where. */
    public record Problem(String what, Position at) {
    }

    /** "body is not valid JSON: &lt;what&gt; at line L, column C". */
    public static String describe(JsonProcessingException e, byte[] body, int maxDepth) {
        Problem p = json(e, body, maxDepth, "the body");
        return "body is not valid JSON: " + p.what() + p.at().suffix();
    }

    /** JSON that does not parse; {@code input} holds the text as parsed (for the character at the error). */
    public static Problem json(JsonProcessingException e, byte[] input, int maxDepth, String subject) {
        return new Problem(what(e, input, maxDepth, subject), Position.of(e.getLocation()));
    }

    /** YAML that does not parse: the YAML problem in its own terms, at the place the YAML parser points at. */
    public static Problem yaml(JsonProcessingException e, int maxDepth) {
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof MarkedYAMLException)) {
            cause = cause.getCause(); // databind wraps the parser's exception in a mapping one when binding a type
        }
        if (cause instanceof MarkedYAMLException y) {
            String problem = y.getProblem() == null ? "unexpected input" : firstLine(y.getProblem());
            for (Map.Entry<String, String> token : YAML_TOKENS.entrySet()) {
                problem = problem.replace("'" + token.getKey() + "'", token.getValue()).replace(token.getKey(), token.getValue());
            }
            Position at = y.getProblemMark() == null ? Position.of(e.getLocation())
                    : new Position(y.getProblemMark().getLine() + 1, y.getProblemMark().getColumn() + 1);
            return new Problem(problem, at);
        }
        return new Problem(what(e, new byte[0], maxDepth, "the file"), Position.of(e.getLocation()));
    }

    /**
     * Where bytes stop being text: not UTF-8, or a control character no manifest holds (a binary file, an image, an
     * archive). Null when the bytes are text.
     */
    public static Problem binary(byte[] bytes) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < bytes.length;) {
            int b = bytes[i] & 0xff;
            int length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
            if (length == 0 || i + length > bytes.length || !continued(bytes, i + 1, i + length)) {
                return new Problem(String.format("byte 0x%02X is not UTF-8 text", b), new Position(line, column));
            }
            if (length == 1 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
                return new Problem(String.format("control character U+%04X is not text", b), new Position(line, column));
            }
            if (b == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            i += length;
        }
        return null;
    }

    private static boolean continued(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if ((bytes[i] & 0xc0) != 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * A field of the object that does not fit the Kubernetes schema, by its path in the object and the shape it
     * must have ("spec.ports must be a list"), instead of the Java types it failed to become.
     */
    public static String fieldProblem(JsonProcessingException e) {
        String path = e instanceof JsonMappingException m ? FieldProblems.path(m) : "";
        String subject = path.isEmpty() ? "the object" : path;
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String value = e instanceof InvalidFormatException f && f.getValue() instanceof String s && s.length() <= 40
                    && !s.startsWith("{") && !s.startsWith("[") ? ", not '" + printable(s) + "'" : "";
            return subject + " must be " + FieldProblems.shape(m.getTargetType()) + value;
        }
        return subject + " cannot be read";
    }

    private static String what(JsonProcessingException e, byte[] input, int maxDepth, String subject) {
        if (e instanceof StreamConstraintsException) {
            return "objects and arrays are nested deeper than " + maxDepth + " levels";
        }
        if (e instanceof JsonEOFException) {
            return subject + " ends before an object, array or string is closed (is it cut short?)";
        }
        String original = String.valueOf(e.getOriginalMessage());
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.lookingAt()) {
            return "the field '" + printable(duplicate.group(1)) + "' appears twice in one object";
        }
        Matcher number = NUMBER.matcher(original);
        if (number.lookingAt()) {
            return "'" + printable(number.group(1)) + "' is a number JSON cannot hold";
        }
        if (original.startsWith("Unrecognized token")) {
            Matcher m = TOKEN.matcher(original);
            return (m.find() ? "'" + printable(m.group(1)) + "' is not a JSON value" : "a word that is not a JSON value")
                    + " (strings need double quotes; the only bare words are true, false and null)";
        }
        if (original.startsWith("Illegal unquoted character")) {
            return "a control character (such as a line break) inside a string must be escaped";
        }
        if (original.startsWith("Invalid UTF-8") || original.contains("Invalid UTF-8")) {
            return subject + " is not UTF-8 text";
        }
        if (original.startsWith("Unexpected character")) {
            return "unexpected " + character(e.getLocation(), input) + expected(original);
        }
        return "unexpected input";
    }

    /** The character at the error, read from the input itself (the location's byte offset). */
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

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return printable(line.length() > 160 ? line.substring(0, 160) + "…" : line);
    }

    private static String printable(String s) {
        return s.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
    }
}
