package dev.clbguard.policy;

import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * What one policy says about one object. A DENY in a warn-mode policy is turned into a WARN by the engine;
 * a MUTATE carries the change to apply to a copy of the object (the admission layer diffs it into a patch).
 */
public record Verdict(String policyId, Effect effect, String message, Consumer<HasMetadata> mutation) {

    public enum Effect {
        DENY, WARN, MUTATE
    }

    public static Verdict deny(String policyId, String message) {
        return new Verdict(policyId, Effect.DENY, message, null);
    }

    public static Verdict warn(String policyId, String message) {
        return new Verdict(policyId, Effect.WARN, message, null);
    }

    public static Verdict mutate(String policyId, String message, Consumer<HasMetadata> mutation) {
        return new Verdict(policyId, Effect.MUTATE, message, mutation);
    }

    public Verdict asWarning() {
        return new Verdict(policyId, Effect.WARN, message, null);
    }
}
