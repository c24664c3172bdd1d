package dev.clbguard.nativeimage;

import dev.clbguard.clbapi.ClbStateFile;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Classes Jackson binds by reflection that no Quarkus extension registers: the CLB state file's records
 * (nested in ClbStateFile, registered with it). fabric8 models are registered by the kubernetes-client extension;
 * everything else clbguard parses goes through JsonNode trees.
 */
@RegisterForReflection(targets = ClbStateFile.class)
public final class JacksonReflection {

    private JacksonReflection() {
    }
}
