package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * src/main/docker/Dockerfile.jvm starts a JVM the way the base image's launcher (run-java.sh of
 * ubi9/openjdk-17-runtime) would: its options are computed from the image's environment exactly as the
 * launcher computes them, then java is started with them and asked which flags won. A wrong setting here is
 * otherwise found only when a pod crash-loops.
 */
class JvmImageOptionsTest {

    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");
    private static final Pattern ENV = Pattern.compile("^ENV\\s+([A-Z_][A-Z0-9_]*)=(\"([^\"]*)\"|(\\S*))\\s*$", Pattern.MULTILINE);

    /** The ENV instructions of the Dockerfile, in order (a later one wins). */
    static Map<String, String> imageEnv() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = ENV.matcher(Files.readString(DOCKERFILE, StandardCharsets.UTF_8));
        while (m.find()) {
            env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
        }
        return env;
    }

    /**
     * The options run-java.sh passes before "-cp . -jar quarkus-run.jar": JAVA_OPTS when set, otherwise the
     * image's defaults (java-default-options: heap ratio, collector and its sizing flags, exit on OOM) followed
     * by JAVA_OPTS_APPEND, split on white space as the launcher's unquoted expansion does.
     */
    static List<String> launcherOptions(Map<String, String> env) {
        if (env.containsKey("JAVA_OPTS")) {
            return words(env.get("JAVA_OPTS"));
        }
        List<String> opts = new ArrayList<>();
        String ratio = env.get("JAVA_MAX_MEM_RATIO");
        if (!"0".equals(ratio)) {
            opts.add("-XX:MaxRAMPercentage=" + (ratio == null || ratio.isEmpty() ? "80.0" : ratio));
        }
        String gc = env.get("GC_CONTAINER_OPTIONS");
        opts.addAll(words(gc == null || gc.isEmpty() ? "-XX:+UseParallelGC" : gc));
        opts.add("-XX:MinHeapFreeRatio=" + env.getOrDefault("GC_MIN_HEAP_FREE_RATIO", "10"));
        opts.add("-XX:MaxHeapFreeRatio=" + env.getOrDefault("GC_MAX_HEAP_FREE_RATIO", "20"));
        opts.add("-XX:GCTimeRatio=" + env.getOrDefault("GC_TIME_RATIO", "4"));
        opts.add("-XX:AdaptiveSizePolicyWeight=" + env.getOrDefault("GC_ADAPTIVE_SIZE_POLICY_WEIGHT", "90"));
        if (env.containsKey("GC_MAX_METASPACE_SIZE")) {
            opts.add("-XX:MaxMetaspaceSize=" + env.get("GC_MAX_METASPACE_SIZE") + "m");
        }
        opts.add("-XX:+ExitOnOutOfMemoryError");
        opts.addAll(words(env.getOrDefault("JAVA_OPTS_APPEND", "")));
        return opts;
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    record Jvm(int exit, String output, Map<String, String> flags) {}

    /** Starts java with these options and JAVA_TOOL_OPTIONS (null: unset) and reads the flags it settled on. */
    static Jvm start(List<String> options, String toolOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(options);
        cmd.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        if (toolOptions != null) {
            pb.environment().put("JAVA_TOOL_OPTIONS", toolOptions);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version ended");
        Map<String, String> flags = new HashMap<>();
        Matcher m = Pattern.compile("^\\s*\\S+\\s+(\\w+)\\s+:?=\\s+(\\S+)", Pattern.MULTILINE).matcher(out);
        while (m.find()) {
            flags.put(m.group(1), m.group(2));
        }
        return new Jvm(p.exitValue(), out, flags);
    }

    private static String deploymentToolOptions() {
        Deployment d = Manifests.one(Manifests.parse(Manifests.ROOT.resolve("base/deployment.yaml")), Deployment.class, "clbguard");
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).map(EnvVar::getValue).findFirst().orElse(null);
    }

    private static void assertImageJvm(Jvm jvm, String expectedRamPercentage) {
        assertEquals(0, jvm.exit(), "the JVM starts with the image's options:\n" + jvm.output());
        assertEquals("true", jvm.flags().get("UseSerialGC"), "the serial collector");
        assertEquals("false", jvm.flags().get("UseParallelGC"), "not the launcher's default collector");
        assertEquals("true", jvm.flags().get("ExitOnOutOfMemoryError"), "a pod that runs out of heap restarts");
        assertEquals(Double.parseDouble(expectedRamPercentage), Double.parseDouble(jvm.flags().get("MaxRAMPercentage")),
                "heap ratio from JAVA_TOOL_OPTIONS, not from the launcher");
    }

    private static String ramPercentage(String toolOptions) {
        Matcher m = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(toolOptions);
        assertTrue(m.find(), "JAVA_TOOL_OPTIONS sets the heap ratio: " + toolOptions);
        return m.group(1);
    }

    @Test
    void theImageStartsWithTheSerialCollectorAndItsOwnHeapRatio() throws Exception {
        Map<String, String> env = imageEnv();
        String own = env.get("JAVA_TOOL_OPTIONS");
        assertImageJvm(start(launcherOptions(env), own), ramPercentage(own));
    }

    @Test
    void theDeploymentsJavaToolOptionsDecideTheHeap() throws Exception {
        String fromDeployment = deploymentToolOptions();
        assertTrue(fromDeployment != null, "the Deployment sets JAVA_TOOL_OPTIONS");
        // Pod env replaces the image's ENV of the same name; the launcher's options must not override it.
        assertImageJvm(start(launcherOptions(imageEnv()), fromDeployment), ramPercentage(fromDeployment));
    }

    @Test
    void theLauncherModelReproducesTheTwoCollectorFailure() throws Exception {
        // The image's earlier settings: serial collector appended next to the launcher's default parallel one.
        Map<String, String> before = Map.of("JAVA_OPTS_APPEND", "-XX:+UseSerialGC -Dquarkus.http.host=0.0.0.0");
        Jvm jvm = start(launcherOptions(before), null);
        assertNotEquals(0, jvm.exit(), "two collectors: " + jvm.output());
        assertTrue(jvm.output().contains("garbage collector"), jvm.output());
        // And its heap ratio on the command line beats JAVA_TOOL_OPTIONS.
        Jvm heap = start(launcherOptions(Map.of("GC_CONTAINER_OPTIONS", "-XX:+UseSerialGC")), "-XX:MaxRAMPercentage=33");
        assertEquals("80.000000", heap.flags().get("MaxRAMPercentage"), heap.output());
    }
}
