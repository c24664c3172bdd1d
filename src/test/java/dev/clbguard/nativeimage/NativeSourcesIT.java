package dev.clbguard.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the native image is built from, as the native-sources build leaves it in target/native-sources (the
 * {@code native-sources} Maven profile runs this after that build; Dockerfile.native hands the directory to
 * native-image unchanged). Whatever is missing here is missing from the binary, and would only show at run time.
 */
class NativeSourcesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static List<String> args;
    private static Map<String, JsonNode> reflection;
    private static JsonNode resources;

    @BeforeAll
    static void read() throws IOException {
        dir = Path.of(System.getProperty("clbguard.native.sources", "target/native-sources"));
        Path argsFile = dir.resolve("native-image.args");
        assertTrue(Files.isRegularFile(argsFile), argsFile + " is missing: run ./mvnw -B verify -Pnative-sources");
        args = Arrays.asList(Files.readString(argsFile, StandardCharsets.UTF_8).trim().split("\\s+"));
        Path runner = dir.resolve(args.get(args.size() - 1));
        try (JarFile jar = new JarFile(runner.toFile())) {
            reflection = new HashMap<>();
            for (JsonNode e : read(jar, "META-INF/native-image/reflect-config.json")) {
                reflection.merge(e.path("name").asText(), e, (a, b) -> a.path("allDeclaredFields").asBoolean() ? a : b);
            }
            resources = read(jar, "META-INF/native-image/resource-config.json");
        }
    }

    private static JsonNode read(JarFile jar, String entry) throws IOException {
        assertTrue(jar.getEntry(entry) != null, entry + " is missing from " + jar.getName());
        try (InputStream in = jar.getInputStream(jar.getEntry(entry))) {
            return JSON.readTree(in);
        }
    }

    @Test
    void buildsTheApplicationJarWithItsLibrariesAsAStandaloneExecutable() {
        assertEquals("-jar", args.get(args.size() - 2), "native-image.args ends with -jar <runner jar>");
        assertTrue(Files.isRegularFile(dir.resolve(args.get(args.size() - 1))), "the runner jar is next to the args");
        assertTrue(Files.isDirectory(dir.resolve("lib")), "its libraries are in lib/");
        assertTrue(args.contains("--no-fallback"), "a fallback image would need a JDK in the runtime image, which has none");
    }

    @Test
    void everyTencentSdkModelIsRegisteredWithItsFields() {
        RegisterForReflection r = TencentSdkReflection.class.getAnnotation(RegisterForReflection.class);
        Set<String> wanted = new TreeSet<>(Arrays.asList(r.classNames()));
        Arrays.stream(r.targets()).map(Class::getName).forEach(wanted::add);
        assertTrue(wanted.size() > 40, "the SDK registrations are all read: " + wanted.size());
        Set<String> missing = new TreeSet<>();
        for (String name : wanted) {
            JsonNode e = reflection.get(name);
            // Gson reads and writes the models' fields and makes them without calling a constructor.
            if (e == null || !e.path("allDeclaredFields").asBoolean() || !e.path("unsafeAllocated").asBoolean()) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "SDK classes without field reflection and unsafe allocation in reflect-config.json");
    }

    @Test
    void theJacksonRegistrationsAreInTheImage() {
        // The CLB state file (--clb-state) is read by Jackson reflectively, into the records JacksonReflection names.
        RegisterForReflection r = JacksonReflection.class.getAnnotation(RegisterForReflection.class);
        Set<String> wanted = new TreeSet<>(Arrays.asList(r.classNames()));
        Arrays.stream(r.targets()).map(Class::getName).forEach(wanted::add);
        assertTrue(!wanted.isEmpty(), "JacksonReflection names its records");
        for (String name : wanted) {
            JsonNode e = reflection.get(name);
            assertTrue(e != null && e.path("allDeclaredFields").asBoolean() && e.path("allDeclaredConstructors").asBoolean(),
                    name + " is registered with its fields and constructors: " + e);
        }
    }

    @Test
    void theLeaseModelIsInTheImage() {
        // Admission writes claim Leases and the leader election renews its own: the client (de)serialises them reflectively.
        for (String name : List.of("io.fabric8.kubernetes.api.model.coordination.v1.Lease",
                "io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec",
                "io.fabric8.kubernetes.api.model.coordination.v1.LeaseList")) {
            JsonNode e = reflection.get(name);
            assertTrue(e != null && (e.path("allDeclaredFields").asBoolean() || e.path("allDeclaredMethods").asBoolean()
                    || e.has("fields") || e.has("methods")), name + " is registered for reflection: " + e);
        }
    }

    @Test
    void httpsAndTheJdkTlsMessagesAreInTheImage() {
        String protocols = args.stream().filter(a -> a.startsWith("--enable-url-protocols=")).findFirst()
                .orElse("--enable-url-protocols=");
        assertTrue(Set.of(protocols.substring(protocols.indexOf('=') + 1).split(",")).contains("https"),
                "the Tencent SDK calls the cloud over https URLs: " + protocols);
        boolean tlsBundle = false;
        for (JsonNode b : resources.path("bundles")) {
            tlsBundle |= b.path("name").asText().endsWith("sun.security.util.Resources");
        }
        assertTrue(tlsBundle, "the JDK's security messages (TLS handshake errors) are bundled: " + resources.path("bundles"));
    }

    @Test
    void localeAndEncodingAreFixedAtBuildTime() {
        // Messages and number formats are English at run time whatever the node's locale; UTF-8 for every
        // object name in a denial.
        assertTrue(args.stream().anyMatch(a -> Pattern.matches("-H:IncludeLocales=en(,.*)?", a)),
                "only the English locale is included: " + args);
        assertTrue(args.contains("-J-Dfile.encoding=UTF-8"), "UTF-8 at build time");
    }

    @Test
    void theWarmupSamplesAreInTheImage() {
        // Without them the warm-up stops at once (a warning) and the first admissions pay for a cold start.
        boolean found = false;
        for (JsonNode p : resources.path("resources").path("includes")) {
            found |= Pattern.compile(p.path("pattern").asText()).matcher("warmup/objects.json").matches();
        }
        assertTrue(found, "warmup/objects.json is not a resource of the image: " + resources.path("resources"));
    }

    @Test
    void thePoliciesComeFromFilesNotFromTheImage() throws IOException {
        // The default policies are files the image copies (and a ConfigMap replaces), never class-path resources.
        for (JsonNode p : resources.path("resources").path("includes")) {
            assertTrue(!p.path("pattern").asText().contains("policies"), "policies bundled as a resource: " + p);
        }
        String dockerfile = Files.readString(Path.of("Dockerfile.native"), StandardCharsets.UTF_8);
        assertTrue(dockerfile.contains("COPY --chown=1001:root policies/*.yaml /work/policies/")
                && dockerfile.contains("CLBGUARD_POLICIES_DIR=/work/policies"), "Dockerfile.native ships the default policies");
    }
}
