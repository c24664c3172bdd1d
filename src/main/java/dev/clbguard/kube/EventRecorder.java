package dev.clbguard.kube;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Kubernetes Events (core v1) on the object an action or failure is about. Only {@code create} is used (RBAC:
 * events create, patch; fabric8's patch reads the Event first, which would need get). An identical event within
 * ten minutes is not recorded again, so retries with backoff cannot flood the namespace. Failing to record is
 * logged, never fatal.
 */
public final class EventRecorder {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final String COMPONENT = "clbguard";

    private record Seen(long createdNanos) {
    }

    /** An identical event (object, reason, message) is recorded again only after this long. */
    private static final long REPEAT_AFTER_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

    private final KubernetesClient client;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    public void normal(HasMetadata obj, String reason, String message) {
        record(obj, "Normal", reason, message);
    }

    public void warning(HasMetadata obj, String reason, String message) {
        record(obj, "Warning", reason, message);
    }

    private void record(HasMetadata obj, String type, String reason, String message) {
        var m = obj.getMetadata();
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String key = m.getUid() + "|" + reason + "|" + message;
        Seen previous = seen.get(key);
        long nowNanos = System.nanoTime();
        if (previous != null && nowNanos - previous.createdNanos() < REPEAT_AFTER_NANOS) {
            return; // the same event was recorded moments ago: retries must not flood the namespace
        }
        try {
            String name = m.getName() + "." + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT);
            client.v1().events().inNamespace(m.getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(m.getNamespace()).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(obj.getApiVersion())
                            .withKind(obj.getKind()).withNamespace(m.getNamespace()).withName(m.getName())
                            .withUid(m.getUid()).build())
                    .withType(type).withReason(reason).withMessage(message)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT).withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
            if (seen.size() > 10_000) {
                seen.clear(); // bounded memory; worst case a repeat becomes a new Event
            }
            seen.put(key, new Seen(nowNanos));
        } catch (KubernetesClientException e) {
            seen.remove(key);
            LOG.warnf("could not record event %s on %s %s/%s: %s", reason, obj.getKind(), m.getNamespace(),
                    m.getName(), e.getMessage());
        }
    }
}
