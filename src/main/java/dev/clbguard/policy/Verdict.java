package dev.clbguard.policy;

import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * What one policy says about one object: the policy, the object ({@code subject}, "Kind ns/name") and the
 * {@code cause}, kept apart so that each place that shows a verdict lays it out once ({@link #message()} for
 * admission answers and logs). A DENY in a warn-mode policy is turned into a WARN by the engine; a MUTATE carries
 * the change to apply to a copy of the object (the admission layer diffs it into a patch).
 */
public record Verdict(String policyId, Effect effect, String subject, String cause, Consumer<HasMetadata> mutation) {

    public enum Effect {
        DENY, WARN, MUTATE
    }

    /**
     * {@code cause} continues a sentence about the object ("cannot use lb-…: …"), or, starting with ": ", remarks
     * on it ("…: CLB lb-… could not be checked").
     */
    public static Verdict deny(String policyId, ObjectReview review, String cause) {
        return new Verdict(policyId, Effect.DENY, review.describe(), cause, null);
    }

    public static Verdict warn(String policyId, ObjectReview review, String cause) {
        return new Verdict(policyId, Effect.WARN, review.describe(), cause, null);
    }

    public static Verdict mutate(String policyId, ObjectReview review, String cause, Consumer<HasMetadata> mutation) {
        return new Verdict(policyId, Effect.MUTATE, review.describe(), cause, mutation);
    }

    public Verdict asWarning() {
        return new Verdict(policyId, Effect.WARN, subject, cause, null);
    }

    /** "policy: Kind ns/name cause", one line, as admission answers and logs show it. */
    public String message() {
        return policyId + ": " + subject + (cause.startsWith(":") ? "" : " ") + cause;
    }

    /** The cause on its own, for layouts that show policy and object in columns of their own. */
    public String detail() {
        return cause.startsWith(": ") ? cause.substring(2) : cause;
    }
}
