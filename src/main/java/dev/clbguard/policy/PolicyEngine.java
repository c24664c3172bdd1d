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
 * A caller that must know the CLB ids before evaluating (to leave the event loop, or to fetch the ids of many
 * reviews at once) makes the {@link Plan} itself and evaluates that: selection and ids are computed once.
 */
public final class PolicyEngine {

    private PolicyEngine() {
    }

    /** The policies that apply to one review, each with the CLB ids it declared for it. */
    public record Plan(ObjectReview review, List<Step> steps, Set<String> clbIds) {

        static final Plan NONE = new Plan(null, List.of(), Set.of());
    }

    public record Step(PolicySet.Bound bound, Set<String> clbIds) {
    }

    /** The one skip rule, and each policy's {@code clbIds} asked once. */
    public static Plan plan(ObjectReview review, PolicySet set) {
        if (review.object() == null || review.beingDeleted()
                || review.operation() == Operation.DELETE || review.operation() == Operation.CONNECT) {
            // Blocking an object on its way out leaves it stuck Terminating (docs/tke-rules.md §4).
            return Plan.NONE;
        }
        boolean mutating = review.origin().mutating();
        List<Step> steps = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (PolicySet.Bound b : set.policies()) {
            if (b.config().mode() == Mode.OFF || b.policy().mutating() != mutating
                    || !b.policy().kinds().contains(review.kind()) || b.config().exempts(review.namespace())) {
                continue;
            }
            Set<String> declared = b.policy().clbIds(review, b.config());
            steps.add(new Step(b, declared));
            ids.addAll(declared);
        }
        return steps.isEmpty() ? Plan.NONE : new Plan(review, steps, ids);
    }

    public static Decision evaluate(ObjectReview review, PolicySet set, ClusterProfile profile, FactsSource source) {
        return evaluate(plan(review, set), profile, source);
    }

    public static Decision evaluate(Plan plan, ClusterProfile profile, FactsSource source) {
        if (plan.steps().isEmpty()) {
            return Decision.ALLOW;
        }
        ObjectReview review = plan.review();
        ClbFacts facts = plan.clbIds().isEmpty() ? ClbFacts.NONE : source.fetch(plan.clbIds());
        List<Verdict> denials = new ArrayList<>();
        List<Verdict> warnings = new ArrayList<>();
        List<Verdict> mutations = new ArrayList<>();
        Map<String, Decision.Outcome> outcomes = new LinkedHashMap<>();
        for (Step step : plan.steps()) {
            PolicySet.Bound b = step.bound();
            List<Verdict> verdicts;
            Decision.Outcome failed = null;
            try {
                verdicts = unknownFacts(review, step, facts);
                if (verdicts == null) {
                    verdicts = b.policy().evaluate(review, new PolicyContext(profile, b.config(), facts));
                }
            } catch (RuntimeException e) {
                // A policy bug must not block the cluster nor crash the webhook: say so and let the object pass.
                verdicts = List.of(Verdict.warn(b.policy().id(), review, "was not checked: internal error in the policy ("
                        + e.getClass().getSimpleName() + ")"));
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
                        if (effective.cause() != null) {
                            warnings.add(effective.asWarning());
                        }
                        outcome = worse(outcome, Decision.Outcome.PATCHED);
                    }
                }
            }
            outcomes.put(b.policy().id(), failed != null ? failed : outcome);
        }
        return new Decision(denials, warnings, mutations, outcomes);
    }

    /** When a declared CLB could not be looked up, the policy's onLookupFailure answers instead of the policy. */
    private static List<Verdict> unknownFacts(ObjectReview review, Step step, ClbFacts facts) {
        for (String id : step.clbIds()) {
            if (facts.get(id) instanceof ClbLookup.Unknown u) {
                String policy = step.bound().policy().id();
                String text = ": CLB " + id + " could not be checked (" + u.reason() + ")";
                if (step.bound().config().lookupFailure(review.dryRun()) == LookupFailure.DENY) {
                    return List.of(Verdict.deny(policy, review, text + "; " + (u.fix() == null ? "retry shortly" : u.fix())
                            + ", or set onLookupFailure: allow-with-warning"));
                }
                return List.of(Verdict.warn(policy, review, text + "; admitted unchecked"));
            }
        }
        return null;
    }

    private static Decision.Outcome worse(Decision.Outcome a, Decision.Outcome b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
