package dev.clbguard.kube;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** One ObjectMapper configured as the fabric8 client configures its own, for reading and writing models. */
public final class KubeJson {

    private static final ObjectMapper MAPPER = configured();

    private KubeJson() {
    }

    /** Shared and thread-safe; callers that change its settings must {@code copy()} it first. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper configured() {
        ObjectMapper m = new ObjectMapper();
        new KubernetesSerialization(m, false);
        return m;
    }
}
