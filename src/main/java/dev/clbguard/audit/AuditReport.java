package dev.clbguard.audit;

import java.util.List;

/** The result of one audit pass, served at GET /audit/report. */
public record AuditReport(String completedAt, long durationMillis, int objectsScanned, int violations,
        List<Finding> findings) {

    /** One verdict of one policy about one object; {@code effect} is deny or warn (warn-mode policies). */
    public record Finding(String kind, String namespace, String name, String policy, String effect, String message) {
    }
}
