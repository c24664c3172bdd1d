package dev.clbguard.guardian;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;

/**
 * Whether a CLB object has gone too long without its CLB id: TKE's controllers (or clbguard's lifecycle) write
 * the id once the CLB exists, so an object without it past the timeout is stuck. Pure: the time comes in.
 */
public final class Convergence {

    private Convergence() {
    }

    /** The annotation the CLB id is written to, for this object's kind. */
    public static String idAnnotation(HasMetadata obj) {
        return obj instanceof Service ? TkeAnnotations.SERVICE_LOADBALANCE_ID : TkeAnnotations.INGRESS_LOADBALANCE_ID;
    }

    /** The existing CLB the object names, or null. */
    public static String existingId(HasMetadata obj) {
        String v = Meta.annotation(obj, obj instanceof Service ? TkeAnnotations.SERVICE_EXISTED_LBID
                : TkeAnnotations.INGRESS_EXIST_LBID);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public static boolean stuck(HasMetadata obj, long nowMillis, Duration timeout) {
        if (Ownership.of(obj) == Ownership.Owner.NONE || obj.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        String id = Meta.annotation(obj, idAnnotation(obj));
        if (id != null && !id.isBlank()) {
            return false;
        }
        String created = obj.getMetadata().getCreationTimestamp();
        if (created == null) {
            return false;
        }
        try {
            return nowMillis - Instant.parse(created).toEpochMilli() >= timeout.toMillis();
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
