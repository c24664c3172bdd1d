package dev.clbguard.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbLookup;

/**
 * Selects the policies that apply to a review, fetches the CLB facts they declared in one batch, evaluates
 * them and combines the verdicts (deny beats warn beats patch). Pure: the facts come through {@link FactsSource}.
 */
public final class PolicyEngine {

    private PolicyEngine() {
    }

    public static Decision evaluate(ObjectReview review, PolicySet set, ClusterProfile profile, FactsSource source) {
        if (review.object() == null || review.beingDeleted()
                || review.operation() == Operation.DELETE || review.operation() == Operation.CONNECT) {
            // Blocking an object on its way out leaves it stuck Terminating (admission-protocol.md, lesson 4).
            return Decision.ALLOW;
        }
        List<PolicySet.Bound> selected = select(review, set);
        if (selected.isEmpty()) {
            return Decision.ALLOW;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (PolicySet.Bound b : selected) {
            ids.addAll(b.policy().clbIds(review, b.config()));
        }
        ClbFacts facts = ids.isEmpty() ? ClbFacts.NONE : source.fetch(ids);

        List<Verdict> denials = new ArrayList<>();
        List<Verdict> warnings = new ArrayList<>();
        List<Verdict> mutations = new ArrayList<>();
        Map<String, Decision.Outcome> outcomes = new LinkedHashMap<>();
        for (PolicySet.Bound b : selected) {
            List<Verdict> verdicts;
            Decision.Outcome failed = null;
            try {
                verdicts = unknownFacts(review, b, facts);
                if (verdicts == null) {
                    verdicts = b.policy().evaluate(review, new PolicyContext(profile, b.config(), facts));
                }
            } catch (RuntimeException e) {
                // A policy bug must not block the cluster nor crash the webhook: say so and let the object pass.
                verdicts = List.of(Verdict.warn(b.policy().id(), b.policy().id() + ": internal error while checking "
                        + review.describe() + " (" + e.getClass().getSimpleName() + "); the object was not checked"));
                failed = Decision.Outcome.ERROR;
            }
            Decision.Outcome outcome = Decision.Outcome.ALLOWED;
            for (Verdict v : verdicts) {
                Verdict effective = b.config().mode() == Mode.WARN && v.effect() != Verdict.Effect.WARN
                        ? v.asWarning() : v;
                switch (effective.effect()) {
                    case DENY -> {
                        denials.add(effective);
                        outcome = worse(outcome, Decision.Outcome.DENIED);
                    }
                    case WARN -> {
                        warnings.add(effective);
                        outcome = worse(outcome, Decision.Outcome.WARNED);
                    }
                    case MUTATE -> {
                        mutations.add(effective);
                        if (effective.message() != null) {
                            warnings.add(Verdict.warn(effective.policyId(), effective.message()));
                        }
                        outcome = worse(outcome, Decision.Outcome.PATCHED);
                    }
                }
            }
            outcomes.put(b.policy().id(), failed != null ? failed : outcome);
        }
        return new Decision(denials, warnings, mutations, outcomes);
    }

    /**
     * The CLB ids that {@link #evaluate} would ask its {@link FactsSource} for, without evaluating: lets a caller
     * answer on a non-blocking thread when no lookup is needed. Mirrors evaluate's own skipping and selection.
     */
    public static Set<String> clbIds(ObjectReview review, PolicySet set) {
        if (review.object() == null || review.beingDeleted()
                || review.operation() == Operation.DELETE || review.operation() == Operation.CONNECT) {
            return Set.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        for (PolicySet.Bound b : select(review, set)) {
            ids.addAll(b.policy().clbIds(review, b.config()));
        }
        return ids;
    }

    static List<PolicySet.Bound> select(ObjectReview review, PolicySet set) {
        boolean mutating = review.origin().mutating();
        List<PolicySet.Bound> out = new ArrayList<>();
        for (PolicySet.Bound b : set.policies()) {
            if (b.config().mode() == Mode.OFF || b.policy().mutating() != mutating
                    || !b.policy().kinds().contains(review.kind()) || b.config().exempts(review.namespace())) {
                continue;
            }
            out.add(b);
        }
        return out;
    }

    /** When a declared CLB could not be looked up, the policy's onLookupFailure answers instead of the policy. */
    private static List<Verdict> unknownFacts(ObjectReview review, PolicySet.Bound b, ClbFacts facts) {
        for (String id : b.policy().clbIds(review, b.config())) {
            if (facts.get(id) instanceof ClbLookup.Unknown u) {
                String id0 = b.policy().id();
                String text = id0 + ": " + review.describe() + ": CLB " + id + " could not be checked (" + u.reason() + ")";
                if (b.config().lookupFailure(review.dryRun()) == LookupFailure.DENY) {
                    return List.of(Verdict.deny(id0, text + "; retry shortly, or set onLookupFailure: allow-with-warning"));
                }
                return List.of(Verdict.warn(id0, text + "; admitted unchecked"));
            }
        }
        return null;
    }

    private static Decision.Outcome worse(Decision.Outcome a, Decision.Outcome b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
