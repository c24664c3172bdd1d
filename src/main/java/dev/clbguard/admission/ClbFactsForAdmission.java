package dev.clbguard.admission;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.clbguard.facts.ClbDirectory;
import dev.clbguard.facts.FactsSettings;
import dev.clbguard.policy.FactsSource;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbLookup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** CLB facts for one validating call, within the admission time budget. */
@ApplicationScoped
public class ClbFactsForAdmission implements FactsSource {

    @Inject
    Instance<ClbDirectory> directory;

    @Inject
    FactsSettings facts;

    @Override
    public ClbFacts fetch(Set<String> ids) {
        if (directory.isResolvable()) {
            return directory.get().lookup(ids, facts.budget());
        }
        Map<String, ClbLookup> unknown = new LinkedHashMap<>();
        ids.forEach(id -> unknown.put(id, new ClbLookup.Unknown(id, "no CLB directory is configured")));
        return new ClbFacts(unknown);
    }
}
