package dev.clbguard.ship;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Reads Kubernetes manifests (fabric8 models) from webhook-config/ or from {@code kubectl kustomize}. */
final class Manifests {

    static final Path ROOT = Path.of("webhook-config");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Searches the class path for model classes, so each kind becomes its typed fabric8 model. */
    private static final KubernetesSerialization KUBE = new KubernetesSerialization();

    private Manifests() {
    }

    /** Every *.yaml under webhook-config/, kustomizations and the Helm chart (templates, not objects) excluded. */
    static List<Path> files() {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml"))
                    .filter(p -> !p.startsWith(ROOT.resolve("helm")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                KubernetesResource r = KUBE.convertValue(doc, KubernetesResource.class);
                if (!(r instanceof HasMetadata h)) {
                    throw new IllegalArgumentException("not a Kubernetes object: " + doc.path("kind"));
                }
                out.add(h);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<HasMetadata> parse(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T extends HasMetadata> T one(List<HasMetadata> all, Class<T> type, String name) {
        List<T> found = all.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> name.equals(o.getMetadata().getName())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    /** Path of kubectl, if this machine has it. */
    static Optional<String> kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    /** {@code kubectl kustomize dir}: the rendered objects, or an AssertionError with kubectl's own message. */
    static List<HasMetadata> kustomize(String kubectl, Path dir) {
        return parse(run(dir.getParent(), kubectl, "kustomize", dir.toAbsolutePath().toString()));
    }

    static String run(Path workDir, String... command) {
        try {
            Path err = Files.createTempFile("clbguard-cmd", ".err");
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
            }
            String stderr = Files.readString(err);
            Files.deleteIfExists(err);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "): " + stderr);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
