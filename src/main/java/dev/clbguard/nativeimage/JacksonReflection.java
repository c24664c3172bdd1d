package dev.clbguard.nativeimage;

import dev.clbguard.audit.AuditReport;
import dev.clbguard.facts.ClbSeed;
import dev.clbguard.guardian.GuardianReport;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Classes Jackson binds by reflection that no Quarkus extension registers: the CLB state file's records
 * (nested in ClbSeed, registered with it), and the audit and guardian reports that GET /audit/report serves
 * inside a map (so Quarkus REST does not see their types). fabric8 models are registered by the kubernetes-client extension;
 * everything else clbguard parses goes through JsonNode trees.
 */
@RegisterForReflection(targets = { ClbSeed.class, AuditReport.class, AuditReport.Finding.class, GuardianReport.class,
        GuardianReport.Item.class })
public final class JacksonReflection {

    private JacksonReflection() {
    }
}
