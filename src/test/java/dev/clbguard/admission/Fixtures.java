package dev.clbguard.admission;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.kube.KubeJson;

/** The real AdmissionReview requests captured from kube-apiserver 1.28 (src/test/resources/fixtures). */
public final class Fixtures {

    public static final Path REQUESTS = Path.of("src/test/resources/fixtures/apiserver-1.28/requests");

    private Fixtures() {
    }

    public static List<Path> all() {
        try (Stream<Path> s = Files.list(REQUESTS)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file whose name starts with the given number, e.g. "010". */
    public static Path numbered(String number) {
        return all().stream().filter(p -> p.getFileName().toString().startsWith(number + "-")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture " + number));
    }

    public static String body(String number) {
        return read(numbered(number));
    }

    public static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture as a mutable tree, to derive variants from real requests. */
    public static ObjectNode tree(String number) {
        try {
            return (ObjectNode) KubeJson.mapper().readTree(body(number));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String json(JsonNode node) {
        return node.toString();
    }

    /** "/mutate" or "/validate", from the file name. */
    public static String path(Path p) {
        return p.getFileName().toString().contains("-mutate-") ? "/mutate" : "/validate";
    }
}
