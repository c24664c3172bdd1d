package dev.clbguard.audit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.audit")
public interface AuditSettings {

    /** Off in dev and test (no API server there); on in prod. Runs on the leader replica only. */
    @WithDefault("true")
    boolean enabled();

    /** Time between two audits of every Service and Ingress. */
    @WithDefault("5m")
    Duration interval();

    /** Time allowed for the CLB lookups of one object (the audit is not in a hurry, admission is). */
    @WithDefault("10s")
    Duration lookupBudget();
}
