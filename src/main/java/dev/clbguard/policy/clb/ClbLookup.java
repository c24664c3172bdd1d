package dev.clbguard.policy.clb;

/** The answer about one CLB id: found, known not to exist in the region, or not known in time. */
public sealed interface ClbLookup {

    record Found(ClbInfo clb) implements ClbLookup {
    }

    record Missing(String id) implements ClbLookup {
    }

    /**
     * The lookup failed or ran out of budget; {@code reason} (what failed) and {@code fix} (what to do, or null for
     * "retry shortly") are safe to show to users.
     */
    record Unknown(String id, String reason, String fix) implements ClbLookup {

        public Unknown(String id, String reason) {
            this(id, reason, null);
        }
    }
}
