package dev.clbguard.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.clbguard.policy.PolicyCatalog;
import dev.clbguard.policy.PolicyFiles;
import dev.clbguard.policy.PolicySet;

/**
 * Reads a policy directory the way the server's PolicyStore does (non-hidden *.yaml / *.yml, sorted, ≤ 1 MiB
 * each), but strictly: any invalid policy file is a usage error, since a CI run with half its policies proves
 * nothing.
 */
final class PolicyDirectory {

    private PolicyDirectory() {
    }

    static PolicySet load(Path dir, Set<String> defaultExempt) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("policy directory " + dir + " does not exist; pass --policies DIR");
        }
        Map<String, String> contents = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(Files::isRegularFile).sorted().toList();
            for (Path p : sorted) {
                if (Files.size(p) > 1024 * 1024) {
                    throw new UsageException("policy file " + p + " is larger than 1 MiB");
                }
                contents.put(dir.resolve(p.getFileName()).toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UsageException("policy directory " + dir + " cannot be read: " + e.getMessage());
        }
        PolicyFiles.Result r = PolicyFiles.parse(contents, PolicyCatalog.byId(), defaultExempt);
        if (!r.errors().isEmpty()) {
            throw new UsageException("invalid policy file: " + String.join("; ", r.errors()));
        }
        if (r.configs().isEmpty()) {
            throw new UsageException("policy directory " + dir + " holds no policies");
        }
        return PolicyCatalog.bind(r.configs());
    }
}
