package dev.clbguard.admission;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.clbguard.kube.ClaimLease;
import dev.clbguard.kube.ClaimLeases;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Decision;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.ClaimHolders;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbLookup;
import dev.clbguard.policy.clb.Holder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The claim etcd decides: an admission about to allow an object naming an existing CLB takes the CLB's Lease
 * ({@link ClaimLease}) with a compare-and-swap write, so that of two objects reaching two replicas at once
 * exactly one is allowed. Create it; when it exists, read it and judge the object again against the holders
 * that still stand ({@link ClaimHolders}): the same object renews its entry, one that may share the CLB joins
 * them, anything else is denied naming the holder; the write carries the resourceVersion read, and losing that
 * race (409) means reading again. A dry run only reads.
 * <p>
 * Within {@code budget}: past it, or when the API server refuses, the CLB counts as not looked up, and the
 * policy's {@code onLookupFailure} answers (deny, unless set to allow-with-warning: then this replica's own
 * record stands in for the Lease). Plain Java, so tests and benchmarks build it directly.
 */
public final class LeaseClaims {

    /** Rounds of read-and-write one claim may lose before giving up (each loss is another object's win). */
    static final int ATTEMPTS = 8;
    private static final Logger LOG = Logger.getLogger(LeaseClaims.class);
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** What the policies say of the object, given the holders that stand, or a failure to reach them. */
    public interface Judge {
        /** The decision against these holders, besides the claims the first decision saw. */
        Decision against(Claims holders);

        /** The decision when the claim could not be read or written: the CLB counts as not looked up. */
        Decision unknown(String reason);
    }

    /** The answer to send, and whether the Lease now records the object (false: denied, dry run or failed). */
    public record Outcome(Decision decision, boolean held, boolean failed) {
    }

    private final ClaimLeases leases;
    private final Duration window;
    private final Duration budget;
    private final Clock clock;
    private final ExecutorService executor;
    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - QUIET_NANOS);

    public LeaseClaims(ClaimLeases leases, Duration window, Duration budget, Clock clock, ExecutorService executor) {
        this.leases = leases;
        this.window = window;
        this.budget = budget;
        this.clock = clock;
        this.executor = executor;
    }

    /**
     * Takes (or, on a dry run, only checks) the CLB {@code mine} names, for an object {@code judged} allowed.
     * {@code live}: the claims of the live objects; none without an index, empty while the index is still listing.
     * {@code renewing}: an UPDATE, whose object most likely holds the Lease already: read it first, which saves the
     * create that would fail.
     */
    public Outcome claim(Claim mine, boolean dryRun, boolean renewing, Optional<Claims> live, Decision judged,
            Judge judge) {
        long deadline = System.nanoTime() + budget.toNanos();
        Future<Outcome> f = executor.submit(() -> run(mine, dryRun || renewing, dryRun, live, judged, judge, deadline));
        try {
            return f.get(budget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return failed(mine, judge, "the API server did not answer within " + budget.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof KubernetesClientException || e.getCause() instanceof IllegalStateException)) {
                LOG.error("internal error taking the claim on " + mine.clbId(), e.getCause()); // clbguard's own fault
            }
            return failed(mine, judge, reason(e.getCause()));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return failed(mine, judge, "interrupted");
        }
    }

    private Outcome run(Claim mine, boolean readFirst, boolean dryRun, Optional<Claims> live, Decision judged,
            Judge judge, long deadline) {
        if (!readFirst && leases.create(mine.clbId(), List.of(new Holder(mine, clock.instant()))).isPresent()) {
            return new Outcome(judged, true, false);
        }
        for (int i = 0; i < ATTEMPTS && System.nanoTime() < deadline; i++) {
            Optional<Lease> read = leases.read(mine.clbId());
            if (read.isEmpty()) {
                // None yet (read first), or released by the leader since: create it.
                if (dryRun) {
                    return new Outcome(judged, false, false);
                }
                if (leases.create(mine.clbId(), List.of(new Holder(mine, clock.instant()))).isPresent()) {
                    return new Outcome(judged, true, false);
                }
                continue;
            }
            Instant now = clock.instant();
            List<Holder> standing = ClaimHolders.standing(ClaimLease.holders(read.get()), mine.object(), now, window, live);
            Decision d = standing.isEmpty() ? judged : judge.against(ClaimHolders.asClaims(standing, RecentClaims.JUST_ADMITTED));
            if (!d.allowed() || dryRun) {
                return new Outcome(d, false, false);
            }
            if (System.nanoTime() < deadline
                    && leases.replace(read.get(), ClaimHolders.taking(standing, mine, now)).isPresent()) {
                return new Outcome(d, true, false);
            }
        }
        return failed(mine, judge, "the claim kept changing under it (" + ATTEMPTS + " tries)");
    }

    /** The policies of {@code plan} judged again on the facts fetched for it: with the holders, or the claim unknown. */
    public static Judge judge(PolicyEngine.Plan plan, ClusterProfile profile, ClbFacts facts, String clbId) {
        return new Judge() {
            @Override
            public Decision against(Claims holders) {
                return PolicyEngine.evaluate(plan, profile, ids -> facts.withClaims(facts.claims().and(holders)));
            }

            @Override
            public Decision unknown(String reason) {
                Map<String, ClbLookup> byId = new HashMap<>(facts.byId());
                byId.put(clbId, new ClbLookup.Unknown(clbId, reason));
                return PolicyEngine.evaluate(plan, profile, ids -> new ClbFacts(byId, facts.owners(), facts.claims()));
            }
        };
    }

    private Outcome failed(Claim mine, Judge judge, String reason) {
        long now = System.nanoTime();
        long last = lastWarned.get();
        if (now - last >= QUIET_NANOS && lastWarned.compareAndSet(last, now)) {
            // One line per quiet period: an API server that is down must not flood the log.
            LOG.warnf("claim on %s for %s could not be recorded: %s (more failures in the next %d s are not logged)",
                    mine.clbId(), mine.object(), reason, TimeUnit.NANOSECONDS.toSeconds(QUIET_NANOS));
        }
        return new Outcome(judge.unknown("its claim could not be recorded: " + reason), false, true);
    }

    /** Short and safe to show: the API server's status code and reason, never its message nor a stack trace. */
    private static String reason(Throwable t) {
        if (t instanceof KubernetesClientException k) {
            return k.getCode() > 0 ? "the API server answered " + k.getCode()
                    + (k.getStatus() != null && k.getStatus().getReason() != null ? " " + k.getStatus().getReason() : "")
                    : "the API server could not be reached";
        }
        return t instanceof IllegalStateException ? t.getMessage() : t.getClass().getSimpleName();
    }
}
