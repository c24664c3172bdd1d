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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * src/main/docker/Dockerfile.jvm starts a JVM the way the base image's launcher (run-java.sh of
 * ubi9/openjdk-NN-runtime) would: its options are computed from the final stage's environment exactly as the
 * launcher computes them, then java is started with them and asked which flags won. A wrong setting here is
 * otherwise found only when a pod crash-loops. The JDK of the image's major version is used where one is found
 * (the running one, or under /usr/lib/jvm); elsewhere the running JDK, without the options it does not know
 * (the AOT cache, JDK 24+), and a notice says so.
 */
class JvmImageOptionsTest {

    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");
    private static final Pattern ENV = Pattern.compile("^ENV\\s+([A-Z_][A-Z0-9_]*)=(\"([^\"]*)\"|(\\S*))\\s*$", Pattern.MULTILINE);

    /** The ENV instructions of the Dockerfile's final stage, in order (a later one wins). */
    static Map<String, String> imageEnv() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        String text = Files.readString(DOCKERFILE, StandardCharsets.UTF_8);
        Matcher from = Pattern.compile("^FROM\\s", Pattern.MULTILINE).matcher(text);
        int last = 0;
        while (from.find()) {
            last = from.start();
        }
        Matcher m = ENV.matcher(text.substring(last));
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

    /** The Java major version of the image's runtime, from its pinned base image (ARG RUNTIME=...openjdk-NN-runtime). */
    static int imageJavaMajor() throws IOException {
        Matcher m = Pattern.compile("openjdk-(\\d+)-runtime").matcher(Files.readString(DOCKERFILE, StandardCharsets.UTF_8));
        assertTrue(m.find(), "Dockerfile.jvm names its ubi9/openjdk-NN-runtime base");
        return Integer.parseInt(m.group(1));
    }

    /** A java launcher of that major version: the running one, or one under /usr/lib/jvm. */
    static Optional<Path> javaOf(int major) throws IOException {
        if (Runtime.version().feature() == major) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> d.getFileName().toString().matches(".*\\D" + major + "(\\D.*)?"))
                    .map(d -> d.resolve("bin/java")).filter(Files::isExecutable).sorted().findFirst();
        }
    }

    /** The image's JDK if here, else the running one without the JDK 24+ options. */
    static List<String> runnable(List<String> options, Path[] java) throws IOException {
        int major = imageJavaMajor();
        Optional<Path> exact = javaOf(major);
        if (exact.isPresent()) {
            java[0] = exact.get();
            return options;
        }
        java[0] = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> known = options.stream().filter(o -> !o.startsWith("-XX:AOTCache")).toList();
        System.out.println("notice: no JDK " + major + " here (the image's); starting JDK " + Runtime.version().feature()
                + " without " + options.stream().filter(o -> !known.contains(o)).toList());
        return known;
    }

    record Jvm(int exit, String output, Map<String, String> flags) {}

    /** Starts java with these options and JAVA_TOOL_OPTIONS (null: unset) and reads the flags it settled on. */
    static Jvm start(List<String> options, String toolOptions) throws Exception {
        Path[] java = new Path[1];
        List<String> cmd = new ArrayList<>();
        List<String> opts = runnable(options, java);
        cmd.add(java[0].toString());
        cmd.addAll(opts);
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
        if (jvm.flags().containsKey("AOTCache")) {
            assertEquals("/deployments/app.aot", jvm.flags().get("AOTCache"), "the cache the training stage wrote");
        }
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
