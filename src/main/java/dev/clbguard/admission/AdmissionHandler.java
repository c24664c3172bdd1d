package dev.clbguard.admission;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import dev.clbguard.policyfiles.PolicyStore;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Decision;
import dev.clbguard.policy.FactsSource;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.kube.KubeJson;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * One admission call: decode, evaluate the active policies, answer. Only {@code /mutate} patches and only
 * {@code /validate} looks up CLBs (the mutating call has no uid yet, and must stay fast). Split in
 * {@link #decode} and {@link #answer} so {@link AdmissionRoutes} can stay on the event loop unless a lookup is needed.
 */
@Singleton // on every admission call: no client proxy in the way
public class AdmissionHandler {

    private static final Logger LOG = Logger.getLogger(AdmissionHandler.class);
    private static final int DENIED = 403;
    /**
     * Between two denials of one answer. Each denial already separates its cause from its fix with "; ", so the
     * denials need a mark of their own to be told apart on the one line kubectl prints.
     */
    public static final String BETWEEN_DENIALS = " | ";

    @Inject
    PolicyStore policies;
    @Inject
    ClusterProfile profile;
    @Inject
    AdmissionMetrics metrics;
    @Inject
    ClbFactsForAdmission facts;
    @Inject
    RecentClaims recent;
    @Inject
    LeaseClaimsRuntime leases;

    private final AdmissionCodec codec = new AdmissionCodec(KubeJson.mapper());

    /**
     * A decoded request, what the policies in force when it arrived will do with it (null when there is no review
     * to judge), and that time for the latency metric.
     */
    public record Call(Webhook webhook, IncomingReview in, PolicyEngine.Plan plan, long startNanos) {
    }

    /** Decodes the envelope; a defect in it throws {@link BadAdmissionRequest}. */
    public Call decode(byte[] body, Webhook webhook) {
        long start = System.nanoTime();
        IncomingReview in = codec.decode(body, webhook);
        return new Call(webhook, in, in.review() == null ? null : PolicyEngine.plan(in.review(), policies.current()), start);
    }

    /** True when answering needs a CLB lookup, which may block: only then must the call leave the event loop. */
    public boolean needsLookup(Call call) {
        return call.webhook() == Webhook.VALIDATE && call.plan() != null && !call.plan().clbIds().isEmpty();
    }

    /** The answer to a call, counted in the metrics, logged when denied, and remembered when it claims a CLB. */
    public byte[] answer(Call call) {
        Webhook webhook = call.webhook();
        ObjectReview review = call.in().review();
        Answer a = judge(call);
        if (a.denial() != null) {
            if (LOG.isInfoEnabled()) {
                // Concatenated, not infof: java.util.Formatter parses its pattern on every call.
                LOG.info("denied " + review.operation() + " " + review.describe() + " (" + webhook.label()
                        + (review.dryRun() ? ", dry-run" : "") + "): " + a.denial());
            }
        } else if (review != null) {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("%s %s %s (%s): %s", a.result(), review.operation(), review.describe(), webhook.label(),
                        a.decision().warnings().stream().map(Verdict::message).toList());
            }
            if (a.recordHere()) {
                remember(webhook, review);
            }
        }
        metrics.record(webhook, call.in(), a.decision(), a.result(), call.startNanos());
        return a.body();
    }

    /**
     * Decodes, judges and counts a body exactly as a call, with no side effect: the count goes to {@code scratch},
     * nothing is logged or remembered. False, and not judged, when judging it would need a CLB lookup.
     */
    boolean rehearse(byte[] body, Webhook webhook, AdmissionMetrics scratch) {
        Call call = decode(body, webhook);
        if (needsLookup(call)) {
            return false;
        }
        Answer a = judge(call);
        scratch.record(webhook, call.in(), a.decision(), a.result(), call.startNanos());
        return true;
    }

    /**
     * What is sent back, with the result label, the decision and, for a denial, its message; {@code recordHere}:
     * an allowed claim this replica must remember itself (no claim Leases, or its Lease could not be written).
     */
    private record Answer(byte[] body, String result, Decision decision, String denial, boolean recordHere) {

        Answer(byte[] body, String result, Decision decision, String denial) {
            this(body, result, decision, denial, true);
        }
    }

    private Answer judge(Call call) {
        Webhook webhook = call.webhook();
        IncomingReview in = call.in();
        if (in.undecodable() != null) {
            return new Answer(codec.deny(in.uid(), 400, "clbguard could not read the request: " + in.undecodable(),
                    List.of(), Map.of()), "invalid", Decision.ALLOW, null);
        }
        ObjectReview review = in.review();
        if (review == null) {
            return new Answer(codec.allow(in.uid(), List.of(), null, Map.of()), "skipped", Decision.ALLOW, null);
        }
        Fetched fetched = new Fetched(webhook == Webhook.VALIDATE ? facts : FactsSource.NONE);
        Decision decision = PolicyEngine.evaluate(call.plan(), profile, fetched);
        boolean recordHere = true;
        Optional<LeaseClaims> claims = leases.claims();
        Optional<Claim> mine = webhook == Webhook.VALIDATE ? claimed(call) : Optional.empty();
        if (decision.allowed() && claims.isPresent() && mine.isPresent()) {
            LeaseClaims.Outcome o = claims.get().claim(mine.get(), review.dryRun(),
                    review.operation() == Operation.UPDATE, leases.live(), decision,
                    LeaseClaims.judge(call.plan(), profile, fetched.facts, mine.get().clbId()));
            decision = o.decision();
            recordHere = o.failed();
        }
        List<String> warnings = Warnings.fit(decision.warnings().stream().map(Verdict::message).toList());
        Map<String, String> audit = audit(decision);
        if (!decision.allowed()) {
            String message = decision.denials().stream().map(Verdict::message).collect(Collectors.joining(BETWEEN_DENIALS));
            return new Answer(codec.deny(in.uid(), DENIED, message, warnings, audit), "denied", decision, message);
        }
        byte[] patch = webhook == Webhook.MUTATE && review.object() != null
                ? Patches.diff(codec.mapper(), review.object(), decision.mutations()) : null;
        String result = patch != null ? "patched" : warnings.isEmpty() ? "allowed" : "warned";
        return new Answer(codec.allow(in.uid(), warnings, patch, audit), result, decision, null, recordHere);
    }

    /** The CLB a CREATE or UPDATE takes: one its policies looked up (an active policy, a well-formed id). */
    private static Optional<Claim> claimed(Call call) {
        ObjectReview review = call.in().review();
        if (review.operation() != Operation.CREATE && review.operation() != Operation.UPDATE) {
            return Optional.empty();
        }
        return Claim.of(review.object(), "").filter(c -> call.plan().clbIds().contains(c.clbId()));
    }

    /** The facts of one call, fetched once, so that judging it again sees the same CLBs. */
    private static final class Fetched implements FactsSource {

        private final FactsSource source;
        private ClbFacts facts = ClbFacts.NONE;

        Fetched(FactsSource source) {
            this.source = source;
        }

        @Override
        public ClbFacts fetch(Set<String> ids) {
            facts = source.fetch(ids);
            return facts;
        }
    }

    /**
     * An allowed CREATE or UPDATE naming a CLB holds it until TKE tags it; a dry run holds nothing. Here: without
     * claim Leases, or when its Lease could not be written.
     */
    private void remember(Webhook webhook, ObjectReview review) {
        if (webhook == Webhook.VALIDATE && !review.dryRun()
                && (review.operation() == Operation.CREATE || review.operation() == Operation.UPDATE)) {
            Claim.of(review.object(), RecentClaims.JUST_ADMITTED).ifPresent(recent::record);
        }
    }

    private static Map<String, String> audit(Decision decision) {
        if (decision.outcomes().isEmpty()) {
            return Map.of();
        }
        StringBuilder policies = new StringBuilder();
        decision.outcomes().forEach((id, outcome) -> policies.append(policies.isEmpty() ? "" : ",").append(id).append('=')
                .append(outcome.label()));
        return Map.of("policies", policies.toString());
    }
}
