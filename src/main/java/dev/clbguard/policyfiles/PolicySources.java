package dev.clbguard.policyfiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads a policy directory the same way for the server and the offline validator. */
public final class PolicySources {

    static final long MAX_FILE_BYTES = 1024 * 1024;

    private PolicySources() {
    }

    /** File name to content of the non-hidden *.yaml / *.yml files, sorted by name, each at most 1 MiB. */
    public static Map<String, String> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(Files.exists(dir) ? "not a directory" : "does not exist");
        }
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            // Skip hidden entries: a ConfigMap volume keeps its real files under ..data and timestamped dirs.
            List<Path> sorted = files.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(Files::isRegularFile).sorted().toList();
            for (Path p : sorted) {
                if (Files.size(p) > MAX_FILE_BYTES) {
                    throw new IOException(p.getFileName() + " is larger than 1 MiB");
                }
                out.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
