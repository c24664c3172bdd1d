package dev.clbguard.policy;

import java.util.Optional;

/** The two kinds of object clbguard understands; everything else is allowed untouched. */
public enum ResourceKind {
    SERVICE("Service"),
    INGRESS("Ingress");

    private final String kind;

    ResourceKind(String kind) {
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    public static Optional<ResourceKind> of(String kind) {
        for (ResourceKind k : values()) {
            if (k.kind.equals(kind)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
