package dev.clbguard.admission;

import java.util.Optional;
import java.util.Set;

import dev.clbguard.facts.ClbDirectory;
import dev.clbguard.facts.FactsSettings;
import dev.clbguard.live.LiveIndex;
import dev.clbguard.live.LiveIndexRuntime;
import dev.clbguard.policy.FactsSource;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.Owners;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * CLB facts for one validating call, within the admission time budget, with the owners their tags name where
 * the live-object index has synced (before that, an absent uid would read as a stale tag), and the claims on them
 * that the tags do not show yet: the live objects naming them, and what this replica has just admitted.
 */
@Singleton // on every admission call: no client proxy in the way
public class ClbFactsForAdmission implements FactsSource {

    @Inject
    ClbDirectory directory;

    @Inject
    FactsSettings facts;

    @Inject
    LiveIndexRuntime live;

    @Inject
    RecentClaims recent;

    @Override
    public ClbFacts fetch(Set<String> ids) {
        ClbFacts found = directory.lookup(ids, facts.budget());
        Optional<LiveIndex> index = live.index();
        if (index.isPresent() && index.get().synced()) {
            LiveIndex i = index.get();
            return found.withOwners(owners(i)).withClaims(((Claims) i::claims).and(recent));
        }
        return found.withClaims(recent);
    }

    private static Owners owners(LiveIndex index) {
        return Owners.indexed(uid -> index.owner(uid).map(e -> new Owners.Name(e.kind().kind(), e.namespace(), e.name())));
    }
}
