package dev.clbguard.admission;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.clbguard.policy.Decision;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Admission requests and policy results, labelled like Kyverno's: webhook, policy, kind, operation, result.
 * The label sets are few and fixed, so each meter is built once and kept: no builder or registry lookup per call.
 */
@ApplicationScoped
public class AdmissionMetrics {

    @Inject
    MeterRegistry registry;

    private record TimerKey(String webhook, String kind, String operation, String result) {
    }

    private record CounterKey(String webhook, String policy, String kind, String operation, String result) {
    }

    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final Map<TimerKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

    /** A request refused before any policy ran (HTTP 400 for a malformed body, 500 for a clbguard bug). */
    void refused(Phase phase, String result, long startNanos) {
        record(phase, null, Decision.ALLOW, result, startNanos);
    }

    void record(Phase phase, ObjectReview review, Decision decision, String result, long startNanos) {
        String webhook = phase.name().toLowerCase();
        String kind = review == null ? "other" : review.kind().kind();
        String operation = review == null ? "unknown" : review.operation().name();
        TimerKey key = new TimerKey(webhook, kind, operation, result);
        requests.computeIfAbsent(key, this::requestCounter).increment();
        timers.computeIfAbsent(key, this::timer)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        decision.outcomes().forEach((policy, outcome) -> counters.computeIfAbsent(
                new CounterKey(webhook, policy, kind, operation, outcome.name().toLowerCase()), this::counter).increment());
    }

    private Timer timer(TimerKey k) {
        return Timer.builder("clbguard.admission.latency")
                .description("Time to answer one admission request")
                .tags("webhook", k.webhook(), "kind", k.kind(), "operation", k.operation(), "result", k.result())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    private Counter requestCounter(TimerKey k) {
        return Counter.builder("clbguard.admission.requests")
                .description("Admission requests by result: allowed, denied, warned, patched; skipped (not ours), "
                        + "invalid (object unreadable), malformed (HTTP 400), error (HTTP 500)")
                .tags("webhook", k.webhook(), "kind", k.kind(), "operation", k.operation(), "result", k.result())
                .register(registry);
    }

    private Counter counter(CounterKey k) {
        return Counter.builder("clbguard.policy.results")
                .description("Policy evaluations by outcome")
                .tags("webhook", k.webhook(), "policy", k.policy(), "kind", k.kind(), "operation", k.operation(),
                        "result", k.result())
                .register(registry);
    }
}
