package dev.clbguard.policy.tke;

import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Null-safe reads of object metadata. */
public final class Meta {

    private Meta() {
    }

    public static Map<String, String> annotations(HasMetadata obj) {
        if (obj == null || obj.getMetadata() == null || obj.getMetadata().getAnnotations() == null) {
            return Map.of();
        }
        return obj.getMetadata().getAnnotations();
    }

    public static String annotation(HasMetadata obj, String key) {
        return annotations(obj).get(key);
    }

    public static String uid(HasMetadata obj) {
        return obj == null || obj.getMetadata() == null ? null : obj.getMetadata().getUid();
    }
}
