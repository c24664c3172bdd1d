package dev.clbguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.clbguard.kube.FieldProblems;
import dev.clbguard.kube.KubeJson;
import dev.clbguard.kube.LocatedDocuments;
import dev.clbguard.kube.SyntaxProblems;
import dev.clbguard.policy.ResourceKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * Reads manifests as {@code kubectl apply -f} would: files, directories (recursively, *.yaml, *.yml, *.json,
 * hidden entries skipped), {@code -} for stdin; multi-document YAML, concatenated JSON and {@code kind: List}.
 * Services and {@code networking.k8s.io/v1} Ingresses become models once the API server would take them
 * ({@link ApiServerRefusals}); other kinds are counted and skipped. A file that cannot be parsed, or is not text, is
 * reported with line and column and contributes nothing; the others still count. An input without a single object
 * is an error too, an empty List included: an empty pipe usually means the command feeding it failed, and passing
 * it would tell CI that nothing was wrong. (A document of another kind is a clean pass.)
 */
public final class ManifestReader {

    static final String STDIN = "-";
    static final String STDIN_NAME = "<stdin>";
    private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    private static final List<String> RETIRED_INGRESS_VERSIONS = List.of("extensions/v1beta1", "networking.k8s.io/v1beta1");

    /** One Service or Ingress, where it was found ({@code line} of its document, 1-based). */
    public record Manifest(String file, int line, int column, ResourceKind kind, HasMetadata object) {
    }

    /** A problem with the input; line and column are 0 when unknown. */
    public record InputError(String file, int line, int column, String message) {
        public String render() {
            return file + (line > 0 ? ":" + line + ":" + column : "") + ": " + message;
        }
    }

    public record Result(List<Manifest> manifests, List<InputError> errors, int files, Map<String, Integer> skippedKinds) {
        public int skipped() {
            return skippedKinds.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Deeper nesting than any manifest needs, and far less than would exhaust the stack. */
    private static final int MAX_DEPTH = 200;
    private final YAMLFactory yaml;
    private final JsonFactory json;
    private final String defaultNamespace;
    private final InputStream stdin;

    private final List<Manifest> manifests = new ArrayList<>();
    private final List<InputError> errors = new ArrayList<>();
    private final Map<String, Integer> skipped = new TreeMap<>();
    private int files;

    public ManifestReader(String defaultNamespace, InputStream stdin) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) MAX_FILE_BYTES); // kustomize output of a whole app exceeds SnakeYAML's 3 MB default
        StreamReadConstraints depth = StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build();
        this.yaml = (YAMLFactory) YAMLFactory.builder().loaderOptions(options).streamReadConstraints(depth).build()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.json = JsonFactory.builder().streamReadConstraints(depth).build()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.defaultNamespace = defaultNamespace;
        this.stdin = stdin;
    }

    public Result read(List<String> paths) {
        for (String p : paths) {
            if (STDIN.equals(p)) {
                readStdin();
                continue;
            }
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                readDirectory(path);
            } else if (Files.isRegularFile(path)) {
                readFile(path);
            } else {
                errors.add(new InputError(p, 0, 0, Files.exists(path) ? "not a regular file or directory" : "no such file or directory"));
            }
        }
        return new Result(List.copyOf(manifests), List.copyOf(errors), files, Map.copyOf(skipped));
    }

    private void readDirectory(Path dir) {
        List<Path> found;
        try (Stream<Path> walk = Files.walk(dir)) {
            found = walk.filter(p -> !hidden(dir, p)).filter(Files::isRegularFile).filter(ManifestReader::manifestName)
                    .sorted().toList();
        } catch (IOException | RuntimeException e) {
            errors.add(new InputError(dir.toString(), 0, 0, "directory cannot be read: " + e.getMessage()));
            return;
        }
        if (found.isEmpty()) {
            errors.add(new InputError(dir.toString(), 0, 0, "no manifest files (*.yaml, *.yml, *.json) in this directory"));
            return;
        }
        found.forEach(this::readFile);
    }

    private static boolean hidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean manifestName(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    private void readFile(Path file) {
        files++;
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                errors.add(new InputError(file.toString(), 0, 0, "larger than 64 MiB"));
                return;
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            errors.add(new InputError(file.toString(), 0, 0, "cannot be read (" + reason(e) + ")"));
            return;
        }
        parse(file.toString(), bytes, file.getFileName().toString().endsWith(".json"));
    }

    private void readStdin() {
        files++;
        try {
            byte[] bytes = stdin.readNBytes((int) MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                errors.add(new InputError(STDIN_NAME, 0, 0, "larger than 64 MiB"));
                return;
            }
            parse(STDIN_NAME, bytes, new String(bytes, StandardCharsets.UTF_8).stripLeading().startsWith("{"));
        } catch (IOException e) {
            errors.add(new InputError(STDIN_NAME, 0, 0, "cannot be read (" + reason(e) + ")"));
        }
    }

    /** The cause of an I/O failure in a few words: the exception's kind and the file system's message. */
    private static String reason(Exception e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such file" : firstLine(String.valueOf(e.getMessage()));
    }

    /** Parses the whole file first, so that a syntax error anywhere leaves the file out entirely. */
    private void parse(String name, byte[] bytes, boolean isJson) {
        SyntaxProblems.Problem binary = SyntaxProblems.binary(bytes);
        if (binary != null) {
            errors.add(new InputError(name, binary.at().line(), binary.at().column(), "not a manifest: " + binary.what()
                    + " (is it a binary file?); none of its objects were checked"));
            return;
        }
        List<LocatedDocuments.Document> docs;
        try (JsonParser p = isJson ? json.createParser(bytes)
                : yaml.createParser(new String(bytes, StandardCharsets.UTF_8))) {
            docs = LocatedDocuments.read(p);
        } catch (JsonProcessingException e) {
            SyntaxProblems.Problem problem = isJson ? SyntaxProblems.json(e, bytes, MAX_DEPTH, "the file")
                    : SyntaxProblems.yaml(e, MAX_DEPTH);
            errors.add(new InputError(name, problem.at().line(), problem.at().column(), "not valid "
                    + (isJson ? "JSON" : "YAML") + ": " + problem.what() + "; none of its objects were checked"));
            return;
        } catch (IOException | RuntimeException e) {
            // Not a syntax error the parser can place: say so in our words, never in the parser's.
            errors.add(new InputError(name, 0, 0, "not valid " + (isJson ? "JSON" : "YAML")
                    + ": it cannot be read as such; none of its objects were checked"));
            return;
        }
        int objects = 0;
        for (LocatedDocuments.Document d : docs) {
            JsonNode n = d.node();
            if (n == null || n.isNull() || n.isMissingNode() || (n.isTextual() && n.asText().isEmpty())) {
                continue; // an empty document, e.g. "---" twice or a trailing one
            }
            objects += object(name, d, "", "");
        }
        if (objects == 0) {
            // An empty List (kubectl get -o yaml of an empty namespace) holds no object either: nothing was checked.
            errors.add(new InputError(name, 0, 0, name.equals(STDIN_NAME)
                    ? "no Kubernetes object on stdin (the input is empty, or a List without items); did the command"
                            + " piped into validate fail?"
                    : "no Kubernetes object in this file (it is empty, holds only comments, or a List without items)"));
        }
    }

    /** One object at {@code pointer} of a document; the number of objects it holds (a List's items, or 1). */
    private int object(String file, LocatedDocuments.Document doc, String pointer, String where) {
        JsonNode node = pointer.isEmpty() ? doc.node() : doc.node().at(pointer);
        JsonLocation at = pointer.isEmpty() ? doc.at() : doc.at(pointer);
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (!node.isObject()) {
            errors.add(new InputError(file, line, column, where + "not a Kubernetes object (expected a mapping with apiVersion and kind)"));
            return 1;
        }
        String kind = node.path("kind").asText("");
        String apiVersion = node.path("apiVersion").asText("");
        if (kind.isEmpty() || apiVersion.isEmpty()) {
            errors.add(new InputError(file, line, column, where + "object has no " + (kind.isEmpty() ? "kind" : "apiVersion")));
            return 1;
        }
        if (kind.endsWith("List") && node.has("items")) {
            JsonNode items = node.get("items");
            if (items.isNull()) {
                return 0;
            }
            if (!items.isArray()) {
                errors.add(new InputError(file, line, column, where + kind + ": items must be a list"));
                return 1;
            }
            int count = 0;
            for (int i = 0; i < items.size(); i++) {
                count += object(file, doc, pointer + "/items/" + i, where + "items[" + i + "]: ");
            }
            return count;
        }
        Class<? extends HasMetadata> type = null;
        ResourceKind rk = null;
        if (kind.equals("Service") && apiVersion.equals("v1")) {
            type = Service.class;
            rk = ResourceKind.SERVICE;
        } else if (kind.equals("Ingress") && apiVersion.equals("networking.k8s.io/v1")) {
            type = Ingress.class;
            rk = ResourceKind.INGRESS;
        } else if (kind.equals("Ingress") && RETIRED_INGRESS_VERSIONS.contains(apiVersion)) {
            errors.add(new InputError(file, line, column, where + "Ingress " + apiVersion
                    + " is no longer served (Kubernetes 1.22+); use apiVersion networking.k8s.io/v1"));
            return 1;
        }
        if (type == null) {
            skipped.merge(apiVersion + " " + kind, 1, Integer::sum);
            return 1;
        }
        // What the API server would refuse is never stored, so it is not judged either.
        List<InputError> refused = ApiServerRefusals.of(file, doc, pointer, where, rk, node, type, defaultNamespace);
        if (!refused.isEmpty()) {
            errors.addAll(refused);
            return 1;
        }
        HasMetadata obj;
        try {
            obj = KubeJson.mapper().treeToValue(node, type);
        } catch (MismatchedInputException e) {
            errors.add(new InputError(file, line, column, where + kind + " " + field(e) + "must be "
                    + FieldProblems.shape(e.getTargetType())
                    + (e instanceof InvalidFormatException f ? ", not '" + f.getValue() + "'" : "")));
            return 1;
        } catch (JsonMappingException e) {
            errors.add(new InputError(file, line, column, where + kind + " " + field(e) + "cannot be read: "
                    + firstLine(e.getOriginalMessage())));
            return 1;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            errors.add(new InputError(file, line, column, where + kind + " cannot be read: " + firstLine(e.getMessage())));
            return 1;
        }
        ObjectMeta meta = obj.getMetadata();
        if (meta == null || (blank(meta.getName()) && blank(meta.getGenerateName()))) {
            errors.add(new InputError(file, line, column, where + kind + " has no metadata.name"));
            return 1;
        }
        if (blank(meta.getNamespace())) {
            meta.setNamespace(defaultNamespace); // where kubectl apply would put it
        }
        manifests.add(new Manifest(file, line, column, rk, obj));
        return 1;
    }

    /** "spec.ports " before the verb, or nothing when the object itself failed. */
    private static String field(JsonMappingException e) {
        String path = FieldProblems.path(e);
        return path.isEmpty() ? "" : path + " ";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }
}
