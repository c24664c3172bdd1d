package dev.clbguard.admission;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.clbguard.policy.Decision;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.tke.MessageCodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * Admission requests and policy results, labelled like Kyverno's: webhook, policy, kind, operation, result.
 * The label sets are few and fixed, so each meter is built once and kept: no builder or registry lookup per call.
 */
@Singleton // on every admission call: no client proxy in the way
public class AdmissionMetrics {

    @Inject
    MeterRegistry registry;

    /** Keyed by enums and constant strings: their hashes are cached, so a lookup allocates no label text. */
    private record TimerKey(Webhook phase, ResourceKind kind, Operation operation, String result) {

        String webhook() {
            return label(phase);
        }

        String kindLabel() {
            return kind == null ? "other" : kind.kind();
        }

        String operationLabel() {
            return operation == null ? "unknown" : operation.name();
        }
    }

    private record CounterKey(TimerKey request, String policy, Decision.Outcome outcome) {
    }

    private record DenialKey(Webhook phase, String policy, String code) {
    }

    /** Metrics that no one reads, for the warm-up: the same meters, in a registry of their own. */
    static AdmissionMetrics scratch(MeterRegistry registry) {
        AdmissionMetrics m = new AdmissionMetrics();
        m.registry = registry;
        return m;
    }

    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final Map<TimerKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    private final Map<DenialKey, Counter> denials = new ConcurrentHashMap<>();

    /** A request refused before any policy ran (HTTP 400 for a malformed body, 500 for a clbguard bug). */
    void refused(Webhook phase, String result, long startNanos) {
        record(phase, null, null, Decision.ALLOW, result, startNanos);
    }

    /**
     * A request the route's failure handler answered (a chunked body over the limit, a failure outside the
     * handler): counted, with no start time to measure a latency from.
     */
    void unread(Webhook phase, String result) {
        requests.computeIfAbsent(new TimerKey(phase, null, null, result), this::requestCounter).increment();
    }

    /** A request answered: counted by the kind and operation it names, even when its object could not be read. */
    void record(Webhook phase, IncomingReview in, Decision decision, String result, long startNanos) {
        record(phase, in.kind(), in.operation(), decision, result, startNanos);
    }

    private void record(Webhook phase, ResourceKind kind, Operation operation, Decision decision, String result,
            long startNanos) {
        TimerKey key = new TimerKey(phase, kind, operation, result);
        requests.computeIfAbsent(key, this::requestCounter).increment();
        timers.computeIfAbsent(key, this::timer)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        decision.outcomes().forEach((policy, outcome) -> counters.computeIfAbsent(
                new CounterKey(key, policy, outcome), this::counter).increment());
        // Denials are rare next to allowed calls: reading their TKE code costs nothing on the usual path.
        decision.denials().forEach(v -> denials.computeIfAbsent(new DenialKey(phase, v.policyId(),
                MessageCodes.of(v.message()).orElse("none")), this::denialCounter).increment());
    }

    private Counter denialCounter(DenialKey k) {
        return Counter.builder("clbguard.admission.denials")
                .description("Denials by policy and TKE error code (none when the message names no code)")
                .tags("webhook", label(k.phase()), "policy", k.policy(), "code", k.code())
                .register(registry);
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private Timer timer(TimerKey k) {
        return Timer.builder("clbguard.admission.latency")
                .description("Time to answer one admission request")
                .tags("webhook", k.webhook(), "kind", k.kindLabel(), "operation", k.operationLabel(), "result", k.result())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    private Counter requestCounter(TimerKey k) {
        return Counter.builder("clbguard.admission.requests")
                .description("Admission requests by result: allowed, denied, warned, patched; skipped (not ours), "
                        + "invalid (object unreadable), malformed (HTTP 400, or 415: not JSON), too-large (HTTP 413), error (HTTP 500)")
                .tags("webhook", k.webhook(), "kind", k.kindLabel(), "operation", k.operationLabel(), "result", k.result())
                .register(registry);
    }

    private Counter counter(CounterKey k) {
        return Counter.builder("clbguard.policy.results")
                .description("Policy evaluations by outcome")
                .tags("webhook", k.request().webhook(), "policy", k.policy(), "kind", k.request().kindLabel(),
                        "operation", k.request().operationLabel(), "result", k.outcome().label())
                .register(registry);
    }
}
