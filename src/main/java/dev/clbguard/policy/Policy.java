package dev.clbguard.policy;

import java.util.List;
import java.util.Set;

/**
 * One rule, pure: everything it needs comes in as arguments. The engine has already checked the kind, the
 * namespace exemptions and that the object is not being deleted.
 */
public interface Policy {

    Set<ResourceKind> BOTH_KINDS = Set.of(ResourceKind.values());

    /** The id used in {@code policies/*.yaml}, messages, metrics and tests. */
    String id();

    /** The kinds it judges; by default both, which is what the CLB annotation rules need. */
    default Set<ResourceKind> kinds() {
        return BOTH_KINDS;
    }

    /** Mutating policies run on {@code /mutate} only; the others on {@code /validate}, offline and in the audit. */
    default boolean mutating() {
        return false;
    }

    /** The CLB ids whose facts {@link #evaluate} will read; the engine fetches them all in one batch. */
    default Set<String> clbIds(ObjectReview review, PolicyConfig config) {
        return Set.of();
    }

    /** Throws IllegalArgumentException naming the bad parameter; called when the policy file is loaded. */
    default void checkParameters(PolicyConfig config) {
    }

    List<Verdict> evaluate(ObjectReview review, PolicyContext context);
}
