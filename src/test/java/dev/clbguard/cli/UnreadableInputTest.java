package dev.clbguard.cli;

import static dev.clbguard.cli.ValidateCommandTest.ENV_PROFILE;
import static dev.clbguard.cli.ValidateCommandTest.FIXTURES;
import static dev.clbguard.cli.ValidateCommandTest.PROFILE;
import static dev.clbguard.cli.ValidateCommandTest.args;
import static dev.clbguard.cli.ValidateCommandTest.lines;
import static dev.clbguard.cli.ValidateCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that cannot be read at all gets one line in clbguard's own words, with the file and the position: never a
 * parser's message (its class names, tokens, source descriptions).
 */
class UnreadableInputTest {

    private static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d };
    private static final List<String> PARSER_WORDS = List.of("Exception", "Source:", "java.", "JsonToken", "(code ",
            "START_", "REDACTED", "marker", "<stream end>");

    @TempDir
    Path dir;

    @Test
    void aBinaryFile() throws IOException {
        Path png = Files.write(dir.resolve("logo.yaml"), PNG);
        Path nul = Files.write(dir.resolve("nul.json"), new byte[] { '{', '\n', ' ', 0, '}' });
        assertOneLineEach(List.of(png.toString(), nul.toString()),
                png + ":1:1: not a manifest: byte 0x89 is not UTF-8 text (is it a binary file?); none of its objects were checked",
                nul + ":2:2: not a manifest: control character U+0000 is not text (is it a binary file?); none of its objects"
                        + " were checked");
    }

    @Test
    void truncatedJsonAndBrokenYaml() throws IOException {
        Path cut = Files.writeString(dir.resolve("cut.json"), "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": {\"name\"");
        Path list = Files.writeString(dir.resolve("list.yaml"), "apiVersion: v1\nkind: List\nitems: [{kind: Service\n");
        Path dup = Files.writeString(dir.resolve("dup.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nkind: Service\n");
        assertOneLineEach(List.of(cut.toString(), list.toString(), dup.toString()),
                cut + ":2:21: not valid JSON: the file ends before an object, array or string is closed (is it cut short?);"
                        + " none of its objects were checked",
                list + ":4:1: not valid YAML: expected ',' or '}', but got the end of the input; none of its objects were checked",
                dup + ":4:5: not valid YAML: the field 'kind' appears twice in one object; none of its objects were checked");
    }

    @Test
    void aBrokenClbStateFile() throws IOException {
        Path syntax = Files.writeString(dir.resolve("syntax.yaml"), "loadBalancers: [{id: lb-12345678\n");
        Path type = Files.writeString(dir.resolve("type.yaml"), "loadBalancers:\n  - id: lb-12345678\n    forward: [1]\n");
        Path field = Files.writeString(dir.resolve("field.yaml"), "loadBalancers:\n  - id: lb-12345678\n    vpc: vpc-1\n");
        Path binary = Files.write(dir.resolve("binary.yaml"), PNG);
        assertState(syntax, syntax + ":2:1: not a valid CLB state file: not valid YAML: expected ',' or '}', but got the end"
                + " of the input");
        assertState(type, type + ":3:5: not a valid CLB state file: loadBalancers[0].forward must be a number");
        assertState(field, field + ":3:5: not a valid CLB state file: unknown field loadBalancers[0].vpc (known here:"
                + " forward, id, listeners, name, subnetId, tags, type, vip, vpcId)");
        assertState(binary, binary + ":1:1: not a valid CLB state file: byte 0x89 is not UTF-8 text (is it a binary file?)");
    }

    private void assertState(Path state, String expected) {
        ValidateCommandTest.Run r = run(ENV_PROFILE, "", List.of("--clb-state", state.toString(), "--policies", "policies",
                FIXTURES));
        assertEquals(lines("error: --clb-state " + expected), r.err());
        assertEquals(2, r.code());
        PARSER_WORDS.forEach(w -> assertTrue(!r.err().contains(w), "parser words in: " + r.err()));
    }

    private void assertOneLineEach(List<String> files, String... expected) {
        List<String> all = new java.util.ArrayList<>(List.of("--offline", "--policies", "policies"));
        all.addAll(files);
        ValidateCommandTest.Run r = run(Map.of(), "", args(PROFILE, all.toArray(String[]::new)));
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(List.of(expected).stream().map(e -> "error: " + e).toList(), errors);
        assertEquals(2, r.code());
        PARSER_WORDS.forEach(w -> assertTrue(!r.err().contains(w), "parser words in: " + r.err()));
    }
}
