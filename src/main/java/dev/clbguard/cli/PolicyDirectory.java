package dev.clbguard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.clbguard.policyfiles.PolicySources;
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
        try {
            PolicySources.read(dir).forEach((name, text) -> contents.put(dir.resolve(name).toString(), text));
        } catch (IOException e) {
            throw new UsageException("policy directory " + dir + " cannot be read: " + e.getMessage());
        }
        PolicyFiles.Result r = PolicyFiles.parse(contents, PolicyCatalog.byId(), defaultExempt);
        if (!r.errors().isEmpty()) {
            throw new UsageException(r.errors().stream().map(e -> "invalid policy file: " + e).toList());
        }
        if (r.configs().isEmpty()) {
            throw new UsageException("policy directory " + dir + " holds no policies");
        }
        return PolicyCatalog.bind(r.configs());
    }
}
