package dev.clbguard.clbapi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.clbguard.kube.FieldProblems;
import dev.clbguard.kube.LocatedDocuments;
import dev.clbguard.kube.SyntaxProblems;

/**
 * The CLB state file: the CLBs of one region as YAML, read by the offline validator ({@code --clb-state}) and by
 * the CLB API emulator ({@code clbguard.emulator.seed}, {@code emulator --seed}). Neither side depends on the
 * other; both depend on this format.
 *
 * <pre>
 * loadBalancers:
 *   - id: lb-0g3v8r2m
 *     name: shop-public
 *     type: OPEN            # OPEN or INTERNAL
 *     forward: 1            # 1 application CLB, 0 classic
 *     vpcId: vpc-4f8q2w1e
 *     subnetId: null        # INTERNAL only
 *     vip: 203.0.113.10
 *     tags: {tke-clusterId: cls-7k2m9q4p}
 *     listeners:
 *       - {id: lbl-1a2b3c4d, name: web, protocol: HTTP, port: 80}
 * </pre>
 */
public final class ClbStateFile {

    private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    /** SnakeYAML stops at 3 MB by default; a region's export of 30,000 CLBs is about 6 MB. Bounded by the file size. */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .loaderOptions(codePoints((int) MAX_FILE_BYTES)).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static org.yaml.snakeyaml.LoaderOptions codePoints(int limit) {
        org.yaml.snakeyaml.LoaderOptions o = new org.yaml.snakeyaml.LoaderOptions();
        o.setCodePointLimit(limit);
        return o;
    }

    private ClbStateFile() {
    }

    /** One CLB as the file describes it. */
    public record Lb(String id, String name, String type, int forward, String vpcId, String subnetId, List<String> vips,
            Map<String, String> tags, List<Listener> listeners) {

        public Lb {
            vips = vips == null ? List.of() : List.copyOf(vips);
            tags = tags == null ? Map.of() : Map.copyOf(tags);
            listeners = listeners == null ? List.of() : List.copyOf(listeners);
        }

        public String tag(String key) {
            return tags.get(key);
        }
    }

    public record Listener(String id, String name, String protocol, int port) {
    }

    record Document(List<RawLb> loadBalancers) {
    }

    record RawLb(String id, String name, String type, Integer forward, String vpcId, String subnetId, String vip,
            Map<String, String> tags, List<RawListener> listeners) {
    }

    record RawListener(String id, String name, String protocol, Integer port) {
    }

    /** Reads a state file of at most 16 MiB; throws IllegalArgumentException naming the file and the problem. */
    public static List<Lb> read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(file + ": larger than 16 MiB");
            }
            byte[] bytes = Files.readAllBytes(file);
            SyntaxProblems.Problem binary = SyntaxProblems.binary(bytes);
            if (binary != null) {
                throw new IllegalArgumentException(place(file.toString(), binary.at()) + ": not a valid CLB state file: "
                        + binary.what() + " (is it a binary file?)");
            }
            return parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": cannot be read (no such file)");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IllegalArgumentException(file + ": cannot be read (permission denied)");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    /** "file:line:column", as compilers and the validator place a problem. */
    private static String place(String source, SyntaxProblems.Position at) {
        return at.line() < 1 ? source : source + ":" + at.line() + ":" + at.column();
    }

    /**
     * Where the field at fault starts: Jackson's own location is already past it (at the next token), so the field's
     * path is looked up in the text, read once more with positions.
     */
    private static String place(String source, String yaml, JsonMappingException e) {
        JsonLocation at = e.getLocation();
        try (JsonParser p = YAML.getFactory().createParser(yaml)) {
            List<LocatedDocuments.Document> docs = LocatedDocuments.read(p, 1); // the one readValue bound
            if (!docs.isEmpty()) {
                at = docs.get(0).at(FieldProblems.pointer(e));
            }
        } catch (IOException unreadable) {
            // keep Jackson's location
        }
        return at == null || at.getLineNr() < 1 ? source : source + ":" + at.getLineNr() + ":" + at.getColumnNr();
    }

    /** A file path, else a classpath resource (the dev seed ships in the jar). */
    public static List<Lb> load(String location) {
        if (Files.isRegularFile(Path.of(location))) {
            return read(Path.of(location));
        }
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(location)) {
            if (in == null) {
                throw new IllegalArgumentException(location + " is neither a file nor a classpath resource");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
        } catch (IOException e) {
            throw new IllegalArgumentException(location + " cannot be read: " + e.getMessage());
        }
    }

    /** Parses state YAML; throws IllegalArgumentException naming the problem (and line/column for syntax errors). */
    public static List<Lb> parse(String yaml, String source) {
        Document f;
        try {
            f = YAML.readValue(yaml, Document.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(place(source, yaml, e) + ": not a valid CLB state file: unknown field "
                    + FieldProblems.path(e) + " (known here: " + String.join(", ", e.getKnownPropertyIds().stream()
                            .map(String::valueOf).sorted().toList()) + ")");
        } catch (MismatchedInputException e) {
            throw new IllegalArgumentException(place(source, yaml, e) + ": not a valid CLB state file: "
                    + (FieldProblems.path(e).isEmpty() ? "the file" : FieldProblems.path(e)) + " must be "
                    + FieldProblems.shape(e.getTargetType()));
        } catch (JsonProcessingException e) {
            SyntaxProblems.Problem p = SyntaxProblems.yaml(e, 100);
            throw new IllegalArgumentException(place(source, p.at()) + ": not a valid CLB state file: not valid YAML: "
                    + p.what());
        }
        if (f == null || f.loadBalancers() == null) {
            return List.of();
        }
        Map<String, Lb> out = new LinkedHashMap<>();
        for (RawLb lb : f.loadBalancers()) {
            if (lb.id() == null || !lb.id().matches("lb-[a-z0-9]{8}")) {
                throw new IllegalArgumentException(source + ": load balancer id '" + lb.id() + "' is not of the form lb-xxxxxxxx");
            }
            String type = lb.type() == null ? "OPEN" : lb.type();
            if (!type.equals("OPEN") && !type.equals("INTERNAL")) {
                throw new IllegalArgumentException(source + ": " + lb.id() + ": type must be OPEN or INTERNAL, not " + type);
            }
            List<Listener> listeners = new ArrayList<>();
            if (lb.listeners() != null) {
                for (RawListener l : lb.listeners()) {
                    if (l.port() == null || l.port() < 1 || l.port() > 65535) {
                        throw new IllegalArgumentException(source + ": " + lb.id() + ": listener " + l.id() + " needs a port 1-65535");
                    }
                    listeners.add(new Listener(l.id(), l.name(), l.protocol() == null ? "TCP" : l.protocol(), l.port()));
                }
            }
            Lb parsed = new Lb(lb.id(), lb.name(), type, lb.forward() == null ? 1 : lb.forward(), lb.vpcId(),
                    lb.subnetId(), lb.vip() == null ? List.of() : List.of(lb.vip()), lb.tags(), listeners);
            if (out.put(lb.id(), parsed) != null) {
                throw new IllegalArgumentException(source + ": load balancer " + lb.id() + " is listed twice");
            }
        }
        return List.copyOf(out.values());
    }
}
