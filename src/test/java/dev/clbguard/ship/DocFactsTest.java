package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.clbguard.clbapi.ClbStateFile;

import dev.clbguard.policy.tke.TkeTags;

/** What README.md and docs/ state about things the repository can show: checked, so the docs stay true. */
class DocFactsTest {

    // lb-xxxxxxxx is how the docs write the format of an id, not an id.
    private static final Pattern CLB_ID = Pattern.compile("(?<![\\w-])lb-(?!x{8})[a-z0-9]{8}(?![\\w-])");
    private static final Path SEED = Path.of("src/main/resources/emulator/dev-seed.yaml");

    record Mention(Path doc, int line, String text, String id) {
        @Override
        public String toString() {
            return doc + ":" + line + " (" + id + ")";
        }
    }

    @Test
    void everyClbIdInTheDocsIsInTheDevSeedAsDescribed() throws IOException {
        Map<String, ClbStateFile.Lb> seed = seed(SEED);
        List<Mention> mentions = mentions();
        assertTrue(mentions.size() >= 3, "the docs name CLBs of the seed: " + mentions);
        for (Mention m : mentions) {
            ClbStateFile.Lb clb = seed.get(m.id());
            assertNotNull(clb, m + " names a CLB that is not in " + SEED);
            if (m.text().contains(m.id() + ": it is tagged for another Ingress")) {
                assertNotNull(clb.tag(TkeTags.INGRESS_UUID), m + ": the seed's CLB has no " + TkeTags.INGRESS_UUID + " tag");
            }
            if (m.text().contains(m.id() + ": it is tagged for another Service")) {
                assertNotNull(clb.tag(TkeTags.SERVICE_UUID), m + ": the seed's CLB has no " + TkeTags.SERVICE_UUID + " tag");
            }
            if (m.text().matches(".*" + m.id() + "`?, a free CLB.*")) {
                assertFree(m, clb);
            }
        }
    }

    @Test
    void theExamplesStateFileHoldsTheDevSeedsClbs() throws IOException {
        assertEquals(seed(SEED), seed(Path.of("examples/clb-state.yaml")),
                "examples/clb-state.yaml is documented as the dev emulator's seed");
    }

    @Test
    void theCaKeyGenCertsWritesIsNeverCommitted() throws Exception {
        String script = Files.readString(Path.of("webhook-config/overlays/self-managed/gen-certs.sh"));
        assertTrue(script.contains("DIR=\"$(cd \"$(dirname \"$0\")\" && pwd)/certs\""), "gen-certs.sh writes into certs/");
        assertTrue(script.contains("mv ca.key.new ca.key"), "gen-certs.sh writes ca.key");
        String install = Files.readString(Path.of("docs/install.md"));
        assertTrue(install.contains("`certs/ca.key`") && install.contains("never commit it"), "docs/install.md says so");
        assertTrue(Files.readAllLines(Path.of("webhook-config/overlays/self-managed/.gitignore")).contains("certs/"));
        assertFalse(Files.readString(Path.of("webhook-config/overlays/self-managed/kustomization.yaml")).contains("ca.key"),
                "the CA key must not be put into the cluster");
        Assumptions.assumeTrue(Files.isDirectory(Path.of(".git")) || Files.isRegularFile(Path.of(".git")),
                "not a git checkout: git check-ignore not run");
        Process p = new ProcessBuilder("git", "check-ignore", "-q", "webhook-config/overlays/self-managed/certs/ca.key")
                .inheritIO().start();
        assertEquals(0, p.waitFor(), "git does not ignore certs/ca.key");
    }

    private static void assertFree(Mention m, ClbStateFile.Lb clb) {
        assertNull(clb.tag(TkeTags.CREATED_BY), m + " is described as free");
        assertNull(clb.tag(TkeTags.SERVICE_UUID), m + " is described as free");
        assertNull(clb.tag(TkeTags.INGRESS_UUID), m + " is described as free");
        assertTrue(clb.listeners().isEmpty(), m + " is described as free");
    }

    private static List<Mention> mentions() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<Mention> out = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = CLB_ID.matcher(lines.get(i));
                while (m.find()) {
                    out.add(new Mention(doc, i + 1, lines.get(i), m.group()));
                }
            }
        }
        return out;
    }

    private static Map<String, ClbStateFile.Lb> seed(Path file) throws IOException {
        return ClbStateFile.parse(Files.readString(file), file.toString()).stream()
                .collect(Collectors.toMap(ClbStateFile.Lb::id, Function.identity()));
    }
}
