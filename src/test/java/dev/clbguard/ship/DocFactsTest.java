package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.clbguard.admission.AdmissionHandler;
import dev.clbguard.admission.RecentClaims;
import dev.clbguard.admission.Webhook;
import dev.clbguard.audit.AuditResource;
import dev.clbguard.clbapi.ClbStateFile;
import dev.clbguard.config.ClusterSettingsStartTest;
import dev.clbguard.emulator.ClbEmulator;
import dev.clbguard.launch.StartupFailure;
import dev.clbguard.live.LiveIndex;
import dev.clbguard.policy.tke.TkeTags;
import dev.clbguard.testing.Trees;
import io.smallrye.config.ConfigValidationException;

/**
 * What README.md and docs/ state about things the repository can show: checked, so the docs stay true. What the docs
 * quote from the code (paths, messages, actions, values) is read from the code or the files, not repeated here.
 */
class DocFactsTest {

    // lb-xxxxxxxx is how the docs write the format of an id, not an id.
    private static final Pattern CLB_ID = Pattern.compile("(?<![\\w-])lb-(?!x{8})[a-z0-9]{8}(?![\\w-])");
    private static final Path SEED = Path.of("src/main/resources/emulator/dev-seed.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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

    // --- what the docs quote from the code ------------------------------------------------------------------

    @Test
    void theEndpointTableListsEveryPathClbguardServes() throws IOException {
        String table = section(Files.readString(Path.of("docs/admission.md")), "## Endpoints");
        List<String> paths = new ArrayList<>();
        for (Webhook w : Webhook.values()) {
            paths.add("/" + w.label());
        }
        paths.add(AuditResource.class.getAnnotation(jakarta.ws.rs.Path.class).value());
        paths.add(ClbEmulator.STATE_PATH);
        for (String p : paths) {
            assertTrue(table.contains("| `" + p + "` |"), "docs/admission.md's endpoint table lacks " + p);
        }
        assertTrue(table.contains("| `" + ClbEmulator.STATE_PATH + "` | GET | Dev and test only"), table);
    }

    @Test
    void theStartUpErrorInInstallMdIsWhatThePodLogsOnThePlaceholders() throws Exception {
        var e = assertThrows(ConfigValidationException.class,
                () -> ClusterSettingsStartTest.start(ClusterSettingsStartTest.shippedClusterEnv()));
        String line = "ERROR [" + StartupFailure.class.getName() + "] (main) clbguard cannot start: " + StartupFailure.describe(e);
        assertTrue(Files.readString(Path.of("docs/install.md")).contains("\n" + line + "\n"),
                "docs/install.md does not quote the start-up line:\n" + line);
    }

    @Test
    void claimsQuotedInTheDocsAreDescribedAsTheCodeDescribesThem() throws IOException {
        Pattern named = Pattern.compile("named by (?:Service|Ingress) [a-z0-9-]+/[a-z0-9-]+ \\(([^)]*)\\)");
        Set<String> described = Set.of(RecentClaims.JUST_ADMITTED, LiveIndex.NOT_TAGGED);
        int quoted = 0;
        for (Path doc : docs()) {
            Matcher m = named.matcher(Files.readString(doc));
            while (m.find()) {
                quoted++;
                String how = m.group(1);
                assertTrue(described.contains(how) || how.startsWith("at "), doc + " quotes a claim as (" + how
                        + "); the code says (" + String.join(") or (", described) + ") or (at file:line)");
            }
        }
        assertTrue(quoted >= 3, "the docs quote claims: " + quoted);
    }

    @Test
    void theValuesBlockOfInstallMdIsExamplesHelmValues() throws IOException {
        String install = Files.readString(Path.of("docs/install.md"));
        String after = install.substring(install.indexOf("Or keep the values in a file"));
        String block = after.substring(after.indexOf("```yaml\n") + 8, after.indexOf("\n```", after.indexOf("```yaml\n")));
        assertEquals(YAML.readTree(Path.of("examples/helm-values.yaml").toFile()), YAML.readTree(block));
    }

    @Test
    void theCamPoliciesNameExactlyTheActionsTheAdapterCalls() throws IOException {
        String cam = section(Files.readString(Path.of("docs/install.md")), "### Credentials, CAM policy and workload identity");
        List<Set<String>> policies = new ArrayList<>();
        for (String json : blocks(cam, "```json\n")) {
            JsonNode policy = new ObjectMapper().readTree(json);
            assertEquals("2.0", policy.path("version").asText(), json);
            Set<String> actions = new TreeSet<>();
            for (JsonNode st : policy.path("statement")) {
                assertEquals("allow", st.path("effect").asText(), json);
                st.path("action").forEach(a -> actions.add(a.asText()));
            }
            policies.add(actions);
        }
        assertEquals(3, policies.size(), "webhook-only and guardian, guardian-repair, provisioning");
        Set<String> called = new TreeSet<>();
        Matcher call = Pattern.compile("(?:retried|withDeadline)\\(\"(\\w+)\"").matcher(
                Files.readString(Path.of("src/main/java/dev/clbguard/facts/TencentClb.java")));
        while (call.find()) {
            called.add((call.group(1).endsWith("TagResources") ? "tag:" : "clb:") + call.group(1));
        }
        Set<String> granted = new TreeSet<>();
        policies.forEach(granted::addAll);
        assertEquals(called, granted, "the CAM policies of docs/install.md against the calls of TencentClb");
        assertEquals(Set.of("clb:DescribeLoadBalancers", "clb:DescribeListeners"), policies.get(0), "read only");
        assertTrue(policies.get(1).containsAll(policies.get(0)) && policies.get(2).containsAll(policies.get(0)));
    }

    @Test
    void oneImageNameFromTheBuildToTheInstall() throws IOException {
        String install = Files.readString(Path.of("docs/install.md"));
        Matcher built = Pattern.compile("docker build -f src/main/docker/Dockerfile.jvm -t (\\S+) \\.").matcher(install);
        assertTrue(built.find(), "no JVM image build in docs/install.md");
        String image = built.group(1);
        assertTrue(install.contains("docker push " + image + "\n"), "the image built is not pushed under its name: " + image);
        String repository = image.substring(0, image.lastIndexOf(':'));
        String tag = image.substring(image.lastIndexOf(':') + 1);
        for (Path doc : List.of(Path.of("README.md"), Path.of("docs/install.md"))) {
            Matcher helm = Pattern.compile("--set image.repository=(\\S+) --set image.tag=(\\S+)").matcher(Files.readString(doc));
            while (helm.find()) {
                assertEquals(image, helm.group(1) + ":" + helm.group(2), doc + ": Helm installs another image");
            }
        }
        assertTrue(install.contains("newName: " + repository + "\n") && install.contains("newTag: " + tag + "\n"),
                "the kustomize overlay of step 1 names another image");
        JsonNode values = YAML.readTree(Path.of("examples/helm-values.yaml").toFile());
        assertEquals(image, values.at("/image/repository").asText() + ":" + values.at("/image/tag").asText());
    }

    @Test
    void theImageOverlayOfStepOneRendersWithKubectlAlone(@TempDir Path work) throws IOException {
        String install = Files.readString(Path.of("docs/install.md"));
        String step = install.substring(install.indexOf("1. **Image.**"), install.indexOf("2. **Cluster profile.**"));
        String script = step.substring(step.indexOf("```\n") + 4, step.indexOf("```", step.indexOf("```\n") + 4))
                .replaceAll("(?m)^   ", "");
        assertFalse(script.contains("kustomize edit"), "step 1 needs a kustomize binary the requirements do not list");
        String kubectl = Manifests.kubectl().orElse(null);
        Assumptions.assumeTrue(kubectl != null, "kubectl is not on PATH: the overlay of step 1 is not rendered");
        Trees.copy(Path.of("webhook-config"), work.resolve("webhook-config"));
        Trees.copy(Path.of("policies"), work.resolve("policies"));
        Path sh = Files.writeString(work.resolve("step1.sh"), "set -e\nPATH=" + Path.of(kubectl).getParent() + ":$PATH\n" + script);
        String out = Manifests.run(work, "sh", sh.toString());
        assertTrue(out.contains("image: registry.example.com/clbguard:0.1.0"), out);
    }

    @Test
    void theDenialSeparatorAdmissionMdStatesIsTheCodes() throws IOException {
        assertTrue(Files.readString(Path.of("docs/admission.md")).contains("Several denials are joined with `"
                + AdmissionHandler.BETWEEN_DENIALS + "`"), "docs/admission.md");
    }

    private static String section(String doc, String heading) {
        int start = doc.indexOf(heading);
        assertTrue(start >= 0, "no section " + heading);
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        int end = doc.indexOf("\n" + level, start + heading.length());
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    private static List<String> blocks(String text, String fence) {
        List<String> out = new ArrayList<>();
        for (int at = text.indexOf(fence); at >= 0; at = text.indexOf(fence, at + 1)) {
            int from = at + fence.length();
            out.add(text.substring(from, text.indexOf("```", from)));
        }
        return out;
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    private static void assertFree(Mention m, ClbStateFile.Lb clb) {
        assertNull(clb.tag(TkeTags.CREATED_BY), m + " is described as free");
        assertNull(clb.tag(TkeTags.SERVICE_UUID), m + " is described as free");
        assertNull(clb.tag(TkeTags.INGRESS_UUID), m + " is described as free");
        assertTrue(clb.listeners().isEmpty(), m + " is described as free");
    }

    private static List<Mention> mentions() throws IOException {
        List<Mention> out = new ArrayList<>();
        for (Path doc : docs()) {
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
