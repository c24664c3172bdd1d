package dev.clbguard.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One object to judge: from an admission call, a manifest or the audit. {@code object} is null on DELETE,
 * {@code oldObject} is null on CREATE and offline.
 */
public record ObjectReview(ResourceKind kind, Operation operation, HasMetadata object, HasMetadata oldObject,
        boolean dryRun, Origin origin) {

    /** The object the verdict is about: the new one, or the old one on DELETE. */
    public HasMetadata subject() {
        return object != null ? object : oldObject;
    }

    public String namespace() {
        HasMetadata s = subject();
        return s == null || s.getMetadata() == null ? null : s.getMetadata().getNamespace();
    }

    /** "Kind ns/name" as used in every message. */
    public String describe() {
        HasMetadata s = subject();
        String name = s == null || s.getMetadata() == null ? null : s.getMetadata().getName();
        if (name == null || name.isEmpty()) {
            name = s != null && s.getMetadata() != null && s.getMetadata().getGenerateName() != null
                    ? s.getMetadata().getGenerateName() + "*" : "<unnamed>";
        }
        String ns = namespace();
        return kind.kind() + " " + (ns == null || ns.isEmpty() ? "" : ns + "/") + name;
    }

    public boolean beingDeleted() {
        return object != null && object.getMetadata() != null
                && object.getMetadata().getDeletionTimestamp() != null;
    }
}
