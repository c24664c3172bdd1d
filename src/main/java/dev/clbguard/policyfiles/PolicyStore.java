package dev.clbguard.policyfiles;

import dev.clbguard.config.WebhookSettings;

import dev.clbguard.config.PolicySettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.clbguard.launch.StartupRefusal;
import dev.clbguard.policy.PolicyCatalog;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyFiles;
import dev.clbguard.policy.PolicySet;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * Holds the active {@link PolicySet}, loaded from {@code clbguard.policies.dir} and reloaded when the files
 * change. A file that turns invalid keeps its last good version in force; one that never was valid contributes
 * its valid documents only. Errors are logged once per change and counted in a gauge.
 */
@Startup
@Singleton // on every admission call: no client proxy in the way
public class PolicyStore {

    private static final Logger LOG = Logger.getLogger(PolicyStore.class);

    @Inject
    PolicySettings settings;
    @Inject
    WebhookSettings webhook;
    @Inject
    MeterRegistry registry;

    private volatile PolicySet current = PolicySet.EMPTY;
    private volatile List<String> errors = List.of();
    private volatile boolean loaded;
    private Map<String, String> lastContents = Map.of();
    private final Map<String, List<PolicyConfig>> lastGood = new HashMap<>();

    @PostConstruct
    void init() {
        registry.gauge("clbguard.policy.load.errors", this, s -> s.errors.size());
        registry.gauge("clbguard.policy.active", this, s -> s.current.policies().size());
        reload();
        if (!loaded) {
            // Nothing was ever in force: serving would allow everything. Say so once, and do not start.
            throw new StartupRefusal(errors.get(0) + ": mount the policy ConfigMap (clbguard-policies) there, or set"
                    + " clbguard.policies.dir (CLBGUARD_POLICIES_DIR) to the directory of the policy files");
        }
    }

    public PolicySet current() {
        return current;
    }

    public List<String> errors() {
        return errors;
    }

    /** True once the directory has been read; a missing directory keeps clbguard not ready. */
    public boolean loaded() {
        return loaded;
    }

    @Scheduled(every = "${clbguard.policies.reload-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void reload() {
        Path dir = Path.of(settings.dir());
        Map<String, String> contents;
        try {
            contents = PolicySources.read(dir);
        } catch (IOException e) {
            String message = "policy directory " + dir.toAbsolutePath() + " (clbguard.policies.dir) cannot be read: "
                    + e.getMessage();
            if (loaded && !List.of(message).equals(errors)) {
                LOG.error(message + "; the policies in force stay until it can be read again");
            }
            errors = List.of(message);
            return;
        }
        if (loaded && contents.equals(lastContents)) {
            return;
        }
        apply(dir, contents);
        lastContents = contents;
        loaded = true;
    }

    private void apply(Path dir, Map<String, String> contents) {
        Set<String> exempt = new LinkedHashSet<>(List.of("kube-system", webhook.namespace()));
        List<String> problems = new ArrayList<>();
        Map<String, PolicyConfig> merged = new LinkedHashMap<>();
        lastGood.keySet().retainAll(contents.keySet());
        for (Map.Entry<String, String> file : contents.entrySet()) {
            PolicyFiles.Result r = PolicyFiles.parse(Map.of(file.getKey(), file.getValue()), PolicyCatalog.byId(), exempt);
            List<PolicyConfig> configs = r.configs();
            if (r.errors().isEmpty()) {
                lastGood.put(file.getKey(), configs);
            } else {
                problems.addAll(r.errors());
                boolean kept = lastGood.containsKey(file.getKey());
                if (kept) {
                    configs = lastGood.get(file.getKey());
                }
                // One line per file, every error of every document in it, and what is in force meanwhile.
                LOG.error("invalid policy file " + dir.resolve(file.getKey()) + ": " + String.join("; ", r.errors())
                        + (kept ? "; the last good version of this file stays in force until it is fixed"
                                : "; this file never loaded: only its valid documents are in force until it is fixed"));
            }
            for (PolicyConfig c : configs) {
                PolicyConfig previous = merged.putIfAbsent(c.id(), c);
                if (previous != null) {
                    String twice = c.source() + ": policy " + c.id() + " is already defined in " + previous.source()
                            + "; this definition is ignored";
                    problems.add(twice);
                    LOG.error("invalid policy file " + dir.resolve(file.getKey()) + ": " + twice);
                }
            }
        }
        PolicySet set = PolicyCatalog.bind(List.copyOf(merged.values()));
        LOG.infof("policies from %s: %s", settings.dir(), set.policies().isEmpty() ? "none active"
                : String.join(", ", set.policies().stream().map(b -> b.policy().id() + "=" + b.config().mode().name().toLowerCase()).toList()));
        current = set;
        errors = List.copyOf(problems);
    }
}
