package dev.clbguard.admission;

import java.time.Duration;

import dev.clbguard.policy.Decision;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Admission requests and policy results, labelled like Kyverno's: webhook, policy, kind, operation, result. */
@ApplicationScoped
public class AdmissionMetrics {

    @Inject
    MeterRegistry registry;

    /** A request refused before any policy ran (HTTP 400 for a malformed body, 500 for a clbguard bug). */
    void refused(Phase phase, String result, long startNanos) {
        record(phase, null, Decision.ALLOW, result, startNanos);
    }

    void record(Phase phase, ObjectReview review, Decision decision, String result, long startNanos) {
        String webhook = phase.name().toLowerCase();
        String kind = review == null ? "other" : review.kind().kind();
        String operation = review == null ? "unknown" : review.operation().name();
        Counter.builder("clbguard.admission.requests")
                .description("Admission requests by result: allowed, denied, warned, patched; skipped (not ours), invalid (object unreadable), malformed (HTTP 400), error (HTTP 500)")
                .tags("webhook", webhook, "kind", kind, "operation", operation, "result", result)
                .register(registry).increment();
        Timer.builder("clbguard.admission.latency")
                .description("Time to answer one admission request")
                .tags("webhook", webhook, "kind", kind, "operation", operation, "result", result)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry)
                .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        decision.outcomes().forEach((policy, outcome) -> Counter.builder("clbguard.policy.results")
                .description("Policy evaluations by outcome")
                .tags("webhook", webhook, "policy", policy, "kind", kind, "operation", operation,
                        "result", outcome.name().toLowerCase())
                .register(registry).increment());
    }
}
