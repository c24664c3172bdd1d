package dev.clbguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.clbguard.testing.Trees;

/**
 * The validator commands of README.md and the GitLab job of docs/cli.md, run as written by a shell, against
 * examples/. The one change: {@code java -jar target/quarkus-app/quarkus-run.jar} becomes the same entry point
 * ({@link Main}) on the test class path, since the jar is packaged after the tests run.
 */
class ReadmeCommandsTest {

    private static final String JAR = "java -jar target/quarkus-app/quarkus-run.jar";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    record Done(int code, String out, String err) {
    }

    @Test
    void readmeValidatesTheExamples() throws Exception {
        List<String> commands = readmeCommands();
        assertEquals(2, commands.size(), "the README's validator commands: " + commands);

        Done all = shell(commands.get(0), Path.of(""), Map.of());
        assertEquals(1, all.code(), all.err());
        assertEquals(expectedDenials(), denied(all.out()), all.out());
        assertFalse(all.out().contains("examples/manifests/good/"), "the good set has findings:\n" + all.out());
        assertTrue(all.out().contains("examples/manifests/bad/ingress-class-default.yaml:3: WARN ingress-class-default"
                + " Ingress shop/storefront: had no class"), all.out());
        assertTrue(all.err().endsWith("; 13 denied, 1 warning(s), 0 input error(s)\n"), all.err());

        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not on PATH: the kustomize command is not run");
        Done good = shell(commands.get(1), Path.of(""), Map.of());
        assertEquals(0, good.code(), good.out() + good.err());
        assertEquals(List.of(
                "<stdin>:1: WARN service-existing-clb Service shop/api-public: CLB lb-6swtxp1x could not be checked"
                        + " (--offline: not checked); admitted unchecked",
                "<stdin>:70: WARN ingress-existing-clb Ingress shop/checkout: CLB lb-0g3v8r2m could not be checked"
                        + " (--offline: not checked); admitted unchecked"),
                good.out().lines().toList());
    }

    @Test
    void gitlabJobOfTheCliDocs(@TempDir Path work) throws Exception {
        JsonNode job = yamlBlocks(Path.of("docs/cli.md")).stream().filter(n -> n.has("clbguard")).findFirst()
                .orElseThrow(() -> new AssertionError("no GitLab job in docs/cli.md")).get("clbguard");
        Trees.copy(Path.of("examples"), work.resolve("examples"));
        Trees.copy(Path.of("policies"), work.resolve("policies"));
        Map<String, String> variables = YAML.convertValue(job.get("variables"), new TypeReference<Map<String, String>>() {
        });
        for (JsonNode line : job.get("script")) {
            Done d = shell(line.asText(), work, variables);
            assertEquals(0, d.code(), line.asText() + "\n" + d.err());
        }
        JsonNode report = new ObjectMapper().readTree(work.resolve("clbguard.json").toFile());
        assertEquals(0, report.get("exitCode").asInt());
        assertEquals(6, report.get("summary").get("checked").asInt());
        assertEquals(2, report.get("findings").size(), "one not-checked warning per reused CLB: " + report);
        assertTrue(job.get("artifacts").get("paths").toString().contains("clbguard.json"));
    }

    /** Every Service and Ingress of examples/manifests/bad/POLICY.yaml, as "POLICY Kind ns/name" (warn-only files aside). */
    private static TreeSet<String> expectedDenials() throws IOException {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("examples/manifests/bad"))) {
            for (Path f : files.sorted().toList()) {
                String policy = f.getFileName().toString().replace(".yaml", "");
                assertTrue(Files.exists(Path.of("policies", policy + ".yaml")), f + " is not named after a policy");
                if (policy.equals("ingress-class-default")) {
                    continue; // the mutating policy warns
                }
                try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                    for (JsonNode d : docs.readAll()) {
                        out.add(policy + " " + d.get("kind").asText() + " " + d.at("/metadata/namespace").asText() + "/"
                                + d.at("/metadata/name").asText());
                    }
                }
            }
        }
        assertEquals(13, out.size(), "bad objects expected to be denied: " + out);
        return out;
    }

    private static TreeSet<String> denied(String out) {
        TreeSet<String> found = new TreeSet<>();
        for (String line : out.lines().toList()) {
            int at = line.indexOf(": DENY ");
            if (at > 0) {
                assertTrue(line.startsWith("examples/manifests/bad/"), line);
                String[] words = line.substring(at + 7).split(" ");
                found.add(words[0] + " " + words[1] + " " + words[2].replaceAll(":$", ""));
            }
        }
        return found;
    }

    /** The commands of the README's validator block that run the jar, with their continuation lines joined. */
    private static List<String> readmeCommands() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## The offline validator"));
        String block = section.substring(section.indexOf("```\n") + 4, section.indexOf("\n```", section.indexOf("```\n") + 4));
        List<String> commands = new ArrayList<>();
        for (String command : block.replace("\\\n", "").lines().toList()) {
            if (command.contains(JAR)) {
                commands.add(command.replaceAll(" +", " "));
            } else {
                assertTrue(command.startsWith("./mvnw "), "unexpected command in the README block: " + command);
            }
        }
        return commands;
    }

    private static List<JsonNode> yamlBlocks(Path doc) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        String[] parts = Files.readString(doc).split("```yaml\n");
        for (int i = 1; i < parts.length; i++) {
            out.add(YAML.readTree(parts[i].substring(0, parts[i].indexOf("```"))));
        }
        return out;
    }

    private static Done shell(String command, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        assertTrue(command.contains(JAR), command);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command.replace(JAR, "\"$TEST_JAVA\" -cp \"$TEST_CP\" " + Main.class.getName()))
                .directory(dir.toAbsolutePath().toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CLBGUARD_") || k.startsWith("TENCENTCLOUD_"));
        pb.environment().putAll(env);
        pb.environment().put("TEST_JAVA", java);
        pb.environment().put("TEST_CP", absoluteClassPath());
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not finish: " + command);
        return new Done(p.exitValue(), out, err);
    }

    private static String absoluteClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString()).reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
