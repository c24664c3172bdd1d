package dev.clbguard.cli;

import static dev.clbguard.cli.ValidateCommandTest.POLICIES;
import static dev.clbguard.cli.ValidateCommandTest.PROFILE;
import static dev.clbguard.cli.ValidateCommandTest.args;
import static dev.clbguard.cli.ValidateCommandTest.lines;
import static dev.clbguard.cli.ValidateCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing to read is not a pass: `kubectl kustomize missing-dir | validate -` pipes nothing, and CI must not go
 * green on it. Input with documents but no Service or Ingress is a clean pass, and says what it skipped.
 */
class EmptyInputTest {

    /** What kubectl get -o yaml and -o json print for a namespace without objects, and a List of empty Lists. */
    private static final String EMPTY_LIST_YAML = "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n";
    private static final String EMPTY_LIST_JSON = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n"
            + "    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n";
    private static final String NESTED_EMPTY = "kind: List\napiVersion: v1\nitems:\n- {kind: ServiceList, apiVersion: v1, items: []}\n";

    @ParameterizedTest(name = "stdin ''{0}''")
    @ValueSource(strings = { "", "\n\n", "# only a comment\n", "---\n---\n", "   ", EMPTY_LIST_YAML, EMPTY_LIST_JSON,
            NESTED_EMPTY, "---\n" + EMPTY_LIST_YAML + "---\n" })
    void emptyStdinIsAnInputError(String stdin) {
        ValidateCommandTest.Run r = run(Map.of(), stdin, args(PROFILE, "--offline", "--policies", POLICIES, "-"));
        assertEquals("", r.out());
        assertEquals(lines("error: <stdin>: no Kubernetes object on stdin (the input is empty, or a List without items);"
                + " did the command piped into validate fail?",
                "clbguard validate: 1 file(s), 0 Service/Ingress checked, 0 other object(s) skipped; 0 denied,"
                        + " 0 warning(s), 1 input error(s)"), r.err());
        assertEquals(2, r.code());
    }

    @Test
    void emptyFileIsAnInputErrorNamingIt(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        Path comments = Files.writeString(dir.resolve("comments.yml"), "# TODO\n---\n");
        Path list = Files.writeString(dir.resolve("services.json"), EMPTY_LIST_JSON);
        ValidateCommandTest.Run r = run(Map.of(), "", args(PROFILE, "--offline", "--policies", POLICIES,
                empty.toString(), comments.toString(), list.toString()));
        String none = ": no Kubernetes object in this file (it is empty, holds only comments, or a List without items)";
        assertEquals(lines("error: " + empty + none, "error: " + comments + none, "error: " + list + none,
                "clbguard validate: 3 file(s), 0 Service/Ingress checked, 0 other object(s) skipped; 0 denied,"
                        + " 0 warning(s), 3 input error(s)"), r.err());
        assertEquals(2, r.code());
    }

    @Test
    void directoryWithoutManifestsIsAnInputError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("README.md"), "# not a manifest\n");
        ValidateCommandTest.Run r = run(Map.of(), "", args(PROFILE, "--offline", "--policies", POLICIES, dir.toString()));
        assertEquals(lines("error: " + dir + ": no manifest files (*.yaml, *.yml, *.json) in this directory",
                "clbguard validate: 0 file(s), 0 Service/Ingress checked, 0 other object(s) skipped; 0 denied,"
                        + " 0 warning(s), 1 input error(s)"), r.err());
        assertEquals(2, r.code());
    }

    @Test
    void documentsWithoutServiceOrIngressPassAndAreCounted() {
        String stdin = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\n"
                + "metadata: {name: b}\n";
        ValidateCommandTest.Run r = run(Map.of(), stdin, args(PROFILE, "--offline", "--policies", POLICIES, "-"));
        assertEquals("", r.out());
        assertEquals(lines("clbguard validate: 1 file(s), 0 Service/Ingress checked, 2 other object(s) skipped; 0 denied,"
                + " 0 warning(s), 0 input error(s)"), r.err());
        assertEquals(0, r.code());
    }

    @Test
    void anEmptyPipeFromTheRealEntryPointExitsTwo() throws Exception {
        MainProcessTest.Done done = MainProcessTest.main("", "validate", "--offline", "--policies", POLICIES, "-");
        assertEquals("", done.out());
        assertEquals(2, done.code(), done.err());
    }
}
