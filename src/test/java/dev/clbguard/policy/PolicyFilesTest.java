package dev.clbguard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class PolicyFilesTest {

    private static final Set<String> DEFAULT_EXEMPT = Set.of("kube-system", "clbguard");

    private static PolicyFiles.Result parse(String... nameThenContent) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            files.put(nameThenContent[i], nameThenContent[i + 1]);
        }
        return PolicyFiles.parse(files, PolicyCatalog.byId(), DEFAULT_EXEMPT);
    }

    private static void oneError(PolicyFiles.Result r, String... parts) {
        assertEquals(1, r.errors().size(), r.errors().toString());
        for (String p : parts) {
            assertTrue(r.errors().get(0).contains(p), "'" + p + "' missing in: " + r.errors().get(0));
        }
    }

    @Test
    void aValidFileGivesItsConfig() {
        PolicyFiles.Result r = parse("elastic.yaml", """
                id: elastic-service-types
                mode: warn
                onLookupFailure: allow-with-warning
                exemptNamespaces: [tools]
                parameters:
                  nodePort: allow
                """);
        assertEquals(List.of(), r.errors());
        PolicyConfig c = r.configs().get(0);
        assertEquals("elastic-service-types", c.id());
        assertEquals(Mode.WARN, c.mode());
        assertEquals(LookupFailure.ALLOW_WITH_WARNING, c.onLookupFailure());
        assertEquals(Set.of("tools"), c.exemptNamespaces());
        assertEquals("allow", c.parameters().get("nodePort"));
        assertEquals("elastic.yaml (document 1)", c.source());
    }

    @Test
    void defaultsApplyWhenTheFileIsSilent() {
        PolicyConfig c = parse("a.yaml", "id: clb-transitions\nmode: enforce\n").configs().get(0);
        assertEquals(DEFAULT_EXEMPT, c.exemptNamespaces());
        assertEquals(null, c.onLookupFailure());
        assertEquals(Map.of(), c.parameters());
    }

    @Test
    void aFileMayHoldSeveralDocuments() {
        PolicyFiles.Result r = parse("all.yaml", """
                id: clb-annotations
                mode: enforce
                ---
                id: clb-transitions
                mode: warn
                parameters: {classChange: deny}
                """);
        assertEquals(List.of(), r.errors());
        assertEquals(List.of("clb-annotations", "clb-transitions"), r.configs().stream().map(PolicyConfig::id).toList());
        assertEquals("all.yaml (document 2)", r.configs().get(1).source());
    }

    @Test
    void unknownIdIsReportedWithTheKnownOnes() {
        oneError(parse("x.yaml", "id: no-such-policy\nmode: enforce\n"), "x.yaml", "unknown policy id 'no-such-policy'",
                "clb-annotations");
    }

    @Test
    void unknownKeyIsReported() {
        oneError(parse("x.yaml", "id: clb-annotations\nmode: enforce\nexcludeNamespaces: [a]\n"),
                "unknown key 'excludeNamespaces'");
    }

    @Test
    void badModeIsReported() {
        oneError(parse("x.yaml", "id: clb-annotations\nmode: audit\n"), "mode must be enforce, warn or off, not 'audit'");
        oneError(parse("x.yaml", "id: clb-annotations\n"), "missing mode");
    }

    @Test
    void badParameterIsReportedWithThePolicy() {
        oneError(parse("x.yaml", "id: clb-transitions\nmode: enforce\nparameters: {classChange: ignore}\n"),
                "policy clb-transitions", "parameter classChange must be one of [warn, deny], not 'ignore'");
        oneError(parse("x.yaml", "id: elastic-service-types\nmode: enforce\nparameters: {nodePort: maybe}\n"),
                "policy elastic-service-types", "nodePort");
    }

    @Test
    void otherBadFieldsAreReported() {
        oneError(parse("x.yaml", "id: clb-annotations\nmode: enforce\nonLookupFailure: retry\n"), "onLookupFailure");
        oneError(parse("x.yaml", "id: clb-annotations\nmode: enforce\nexemptNamespaces: kube-system\n"),
                "exemptNamespaces must be a list");
        oneError(parse("x.yaml", "just a string\n"), "must be a mapping");
    }

    @Test
    void unquotedOffIsTheOffModeNotABoolean() {
        PolicyFiles.Result r = parse("x.yaml", "id: clb-annotations\nmode: off\n");
        assertEquals(List.of(), r.errors());
        assertEquals(Mode.OFF, r.configs().get(0).mode());
    }

    @Test
    void invalidYamlIsReportedWithLineAndColumn() {
        PolicyFiles.Result r = parse("broken.yaml", "id: clb-annotations\nmode: [enforce\n");
        oneError(r, "broken.yaml (document 1): not valid YAML at line ", ", column ");
        assertTrue(!r.errors().get(0).contains("\n"), r.errors().get(0));
        oneError(parse("b.yaml", "id: clb-annotations\n  mode: enforce\n"), "b.yaml (document 1): not valid YAML at line 2");
        // A broken second document: the first one still counts.
        PolicyFiles.Result later = parse("c.yaml", "id: clb-annotations\nmode: enforce\n---\nid: [\n");
        oneError(later, "c.yaml (document 2): not valid YAML at line ");
        assertEquals(List.of("clb-annotations"), later.configs().stream().map(PolicyConfig::id).toList());
    }

    @Test
    void oneBadDocumentDoesNotTakeTheOthersDown() {
        PolicyFiles.Result r = parse("all.yaml", "id: clb-annotations\nmode: nope\n---\nid: clb-transitions\nmode: enforce\n");
        assertEquals(1, r.errors().size());
        assertTrue(r.errors().get(0).startsWith("all.yaml (document 1): "), r.errors().get(0));
        assertEquals(List.of("clb-transitions"), r.configs().stream().map(PolicyConfig::id).toList());
    }

    @Test
    void everyProblemOfEveryDocumentIsReportedNotTheFirstAlone() {
        PolicyFiles.Result r = parse("all.yaml", """
                id: clb-transitions
                mode: audit
                exclude: [a]
                onLookupFailure: retry
                exemptNamespaces: [tools, 3]
                parameters: {classChange: ignore}
                ---
                mode: warn
                """);
        assertEquals(List.of(
                "all.yaml (document 1): unknown key 'exclude' (known: description, exemptNamespaces, id, mode, onLookupFailure,"
                        + " parameters)",
                "all.yaml (document 1): policy clb-transitions: mode must be enforce, warn or off, not 'audit'",
                "all.yaml (document 1): policy clb-transitions: exemptNamespaces must hold namespace names, not 3",
                "all.yaml (document 1): policy clb-transitions: onLookupFailure must be deny or allow-with-warning, not 'retry'",
                "all.yaml (document 1): policy clb-transitions: parameter classChange must be one of [warn, deny], not 'ignore'",
                "all.yaml (document 2): missing id"), r.errors());
        assertEquals(List.of(), r.configs());
    }

    @Test
    void aDuplicateIdKeepsTheFirstDefinition() {
        PolicyFiles.Result r = parse("a.yaml", "id: clb-annotations\nmode: enforce\n",
                "b.yaml", "id: clb-annotations\nmode: off\n");
        oneError(r, "b.yaml (document 1): policy clb-annotations is already defined in a.yaml (document 1)");
        assertEquals(Mode.ENFORCE, r.configs().get(0).mode());
    }

    @Test
    void theShippedPolicyFilesAreValidAndCoverTheCatalog() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Path.of("policies"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        PolicyFiles.Result r = PolicyFiles.parse(files, PolicyCatalog.byId(), DEFAULT_EXEMPT);
        assertEquals(List.of(), r.errors());
        List<String> ids = r.configs().stream().map(PolicyConfig::id).toList();
        assertTrue(ids.containsAll(List.of("elastic-service-types", "ingress-class-default", "clb-annotations",
                "clb-transitions")), ids.toString());
        assertEquals(PolicyCatalog.byId().size(), PolicyCatalog.bind(r.configs()).policies().size());
    }
}
