package dev.clbguard.admission;

import java.util.Set;

import dev.clbguard.facts.ClbDirectory;
import dev.clbguard.facts.FactsSettings;
import dev.clbguard.policy.FactsSource;
import dev.clbguard.policy.clb.ClbFacts;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** CLB facts for one validating call, within the admission time budget. */
@Singleton // on every admission call: no client proxy in the way
public class ClbFactsForAdmission implements FactsSource {

    @Inject
    ClbDirectory directory;

    @Inject
    FactsSettings facts;

    @Override
    public ClbFacts fetch(Set<String> ids) {
        return directory.lookup(ids, facts.budget());
    }
}
