package dev.clbguard.policy;

import static dev.clbguard.policy.PolicyTestKit.ELASTIC;
import static dev.clbguard.policy.PolicyTestKit.create;
import static dev.clbguard.policy.PolicyTestKit.ingress;
import static dev.clbguard.policy.PolicyTestKit.lbService;
import static dev.clbguard.policy.PolicyTestKit.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbLookup;
import dev.clbguard.policy.rules.ElasticServiceTypes;
import dev.clbguard.policy.rules.IngressClassDefault;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

class PolicyEngineTest {

    /** A policy made of lambdas, declaring the CLB ids it reads. */
    private record Fake(String id, Set<ResourceKind> kinds, boolean mutating, Set<String> ids,
            BiFunction<ObjectReview, PolicyContext, List<Verdict>> body) implements Policy {
        @Override
        public Set<String> clbIds(ObjectReview review, PolicyConfig config) {
            return ids;
        }

        @Override
        public List<Verdict> evaluate(ObjectReview review, PolicyContext context) {
            return body.apply(review, context);
        }
    }

    private static Fake denying(String id, Set<String> ids) {
        return new Fake(id, Set.of(ResourceKind.SERVICE), false, ids,
                (r, c) -> List.of(Verdict.deny(id, r, "denied")));
    }

    private static PolicySet set(Policy p, Mode mode) {
        return new PolicySet(List.of(new PolicySet.Bound(p, PolicyConfig.defaults(p.id(), mode))));
    }

    private static PolicySet set(PolicySet.Bound... bound) {
        return new PolicySet(List.of(bound));
    }

    private static final Service CLUSTER_IP = service("backend", "ClusterIP", "10.0.0.230");

    @Test
    void aDenyingPolicyDenies() {
        Decision d = PolicyEngine.evaluate(create(CLUSTER_IP, Origin.VALIDATING_CALL), set(new ElasticServiceTypes(), Mode.ENFORCE),
                ELASTIC, FactsSource.NONE);
        assertFalse(d.allowed());
        assertEquals(Decision.Outcome.DENIED, d.outcomes().get(ElasticServiceTypes.ID));
    }

    @Test
    void outcomesKeepThePolicyOrderForStableReports() {
        List<String> ids = List.of("zeta", "alpha", "mid", "beta", "omega", "gamma", "delta");
        PolicySet.Bound[] bound = ids.stream()
                .map(id -> new PolicySet.Bound(denying(id, Set.of()), PolicyConfig.defaults(id, Mode.ENFORCE)))
                .toArray(PolicySet.Bound[]::new);
        Decision d = PolicyEngine.evaluate(create(CLUSTER_IP, Origin.VALIDATING_CALL), set(bound), ELASTIC, FactsSource.NONE);
        assertEquals(ids, List.copyOf(d.outcomes().keySet()));
    }

    @Test
    void policiesAreSelectedByKind() {
        Decision d = PolicyEngine.evaluate(create(ingress("web"), Origin.VALIDATING_CALL), set(new ElasticServiceTypes(), Mode.ENFORCE),
                ELASTIC, FactsSource.NONE);
        assertTrue(d.allowed());
        assertEquals(Map.of(), d.outcomes());
    }

    @Test
    void mutatingPoliciesRunOnlyAtMutateAndTheOthersNeverThere() {
        PolicySet both = set(new PolicySet.Bound(new ElasticServiceTypes(), PolicyConfig.defaults(ElasticServiceTypes.ID, Mode.ENFORCE)),
                new PolicySet.Bound(new IngressClassDefault(), PolicyConfig.defaults(IngressClassDefault.ID, Mode.ENFORCE)));
        Decision atMutate = PolicyEngine.evaluate(create(CLUSTER_IP, Origin.MUTATING_CALL), both, ELASTIC, FactsSource.NONE);
        assertTrue(atMutate.allowed());
        Decision ingressAtMutate = PolicyEngine.evaluate(create(ingress("web"), Origin.MUTATING_CALL), both, ELASTIC, FactsSource.NONE);
        assertEquals(1, ingressAtMutate.mutations().size());
        assertEquals(Decision.Outcome.PATCHED, ingressAtMutate.outcomes().get(IngressClassDefault.ID));
        // The mutation's message reaches the user as a warning (no silent mutation).
        assertEquals(1, ingressAtMutate.warnings().size());
        Decision ingressAtValidate = PolicyEngine.evaluate(create(ingress("web"), Origin.VALIDATING_CALL), both, ELASTIC, FactsSource.NONE);
        assertEquals(List.of(), ingressAtValidate.mutations());
        assertEquals(Map.of(), ingressAtValidate.outcomes());
    }

    @Test
    void exemptNamespacesAreSkipped() {
        Service sys = new ServiceBuilder(CLUSTER_IP).editMetadata().withNamespace("kube-system").endMetadata().build();
        assertTrue(PolicyEngine.evaluate(create(sys, Origin.VALIDATING_CALL), set(new ElasticServiceTypes(), Mode.ENFORCE),
                ELASTIC, FactsSource.NONE).allowed());
    }

    @Test
    void modeOffSkipsThePolicy() {
        Decision d = PolicyEngine.evaluate(create(CLUSTER_IP, Origin.VALIDATING_CALL), set(new ElasticServiceTypes(), Mode.OFF),
                ELASTIC, FactsSource.NONE);
        assertTrue(d.allowed());
        assertEquals(Map.of(), d.outcomes());
    }

    @Test
    void warnModeTurnsDenialsIntoWarnings() {
        Decision d = PolicyEngine.evaluate(create(CLUSTER_IP, Origin.VALIDATING_CALL), set(new ElasticServiceTypes(), Mode.WARN),
                ELASTIC, FactsSource.NONE);
        assertTrue(d.allowed());
        assertEquals(1, d.warnings().size());
        assertTrue(d.warnings().get(0).message().startsWith("elastic-service-types: Service shop/backend"));
        assertEquals(Decision.Outcome.WARNED, d.outcomes().get(ElasticServiceTypes.ID));
    }

    @Test
    void deletedObjectsAndDeletesAreAlwaysAllowed() {
        PolicySet s = set(denying("always", Set.of()), Mode.ENFORCE);
        Service terminating = new ServiceBuilder(CLUSTER_IP).editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z")
                .endMetadata().build();
        ObjectReview finalizerRemoval = new ObjectReview(ResourceKind.SERVICE, Operation.UPDATE, terminating, CLUSTER_IP,
                false, Origin.VALIDATING_CALL);
        assertEquals(Decision.ALLOW, PolicyEngine.evaluate(finalizerRemoval, s, ELASTIC, FactsSource.NONE));
        ObjectReview delete = new ObjectReview(ResourceKind.SERVICE, Operation.DELETE, null, CLUSTER_IP, false, Origin.VALIDATING_CALL);
        assertEquals(Decision.ALLOW, PolicyEngine.evaluate(delete, s, ELASTIC, FactsSource.NONE));
        // Sanity: the same policy does deny a live object.
        assertFalse(PolicyEngine.evaluate(create(CLUSTER_IP, Origin.VALIDATING_CALL), s, ELASTIC, FactsSource.NONE).allowed());
    }

    @Test
    void allDeclaredClbIdsAreFetchedInOneBatch() {
        List<Set<String>> calls = new ArrayList<>();
        FactsSource source = ids -> {
            calls.add(Set.copyOf(ids));
            return new ClbFacts(Map.of("lb-aaaaaaaa", new ClbLookup.Missing("lb-aaaaaaaa"),
                    "lb-bbbbbbbb", new ClbLookup.Missing("lb-bbbbbbbb"), "lb-cccccccc", found("lb-cccccccc")));
        };
        List<String> seen = new ArrayList<>();
        Fake first = new Fake("first", Set.of(ResourceKind.SERVICE), false, Set.of("lb-aaaaaaaa", "lb-bbbbbbbb"), (r, c) -> {
            seen.add(c.facts().get("lb-aaaaaaaa").getClass().getSimpleName());
            return List.of();
        });
        Fake second = new Fake("second", Set.of(ResourceKind.SERVICE), false, Set.of("lb-bbbbbbbb", "lb-cccccccc"), (r, c) -> {
            seen.add(c.facts().get("lb-cccccccc").getClass().getSimpleName());
            return List.of();
        });
        Decision d = PolicyEngine.evaluate(create(lbService("api"), Origin.VALIDATING_CALL),
                set(new PolicySet.Bound(first, PolicyConfig.defaults("first", Mode.ENFORCE)),
                        new PolicySet.Bound(second, PolicyConfig.defaults("second", Mode.ENFORCE))),
                ELASTIC, source);
        assertTrue(d.allowed());
        assertEquals(List.of(Set.of("lb-aaaaaaaa", "lb-bbbbbbbb", "lb-cccccccc")), calls);
        assertEquals(List.of("Missing", "Found"), seen);
    }

    @Test
    void noDeclaredIdsMeansNoLookup() {
        FactsSource failing = ids -> {
            throw new AssertionError("no lookup expected");
        };
        assertFalse(PolicyEngine.evaluate(create(CLUSTER_IP, Origin.VALIDATING_CALL), set(new ElasticServiceTypes(), Mode.ENFORCE),
                ELASTIC, failing).allowed());
    }

    private static ClbLookup found(String id) {
        return new ClbLookup.Found(new ClbInfo(id, "n", "OPEN", 1, "vpc-4f8q2w1e", null, List.of(), Map.of(), List.of()));
    }

    /** Unknown facts: the policy is not asked; its onLookupFailure answers, with the defaults of docs/tke-rules.md §4. */
    private static Decision unknown(Mode mode, LookupFailure explicit, boolean dryRun) {
        Fake p = new Fake("needs-clb", Set.of(ResourceKind.SERVICE), false, Set.of("lb-6swtxp1x"), (r, c) -> {
            throw new AssertionError("must not be evaluated on unknown facts");
        });
        PolicyConfig config = PolicyConfig.defaults(p.id(), mode).withLookupFailure(explicit);
        Service svc = lbService("api", TkeAnnotations.SERVICE_EXISTED_LBID, "lb-6swtxp1x");
        ObjectReview review = new ObjectReview(ResourceKind.SERVICE, Operation.CREATE, svc, null, dryRun, Origin.VALIDATING_CALL);
        FactsSource timedOut = ids -> new ClbFacts(Map.of("lb-6swtxp1x", new ClbLookup.Unknown("lb-6swtxp1x", "timed out")));
        return PolicyEngine.evaluate(review, set(new PolicySet.Bound(p, config)), ELASTIC, timedOut);
    }

    @Test
    void unknownFactsDenyForEnforceModeByDefault() {
        Decision d = unknown(Mode.ENFORCE, null, false);
        assertFalse(d.allowed());
        String m = d.denials().get(0).message();
        assertTrue(m.contains("CLB lb-6swtxp1x could not be checked (timed out)") && m.contains("onLookupFailure"), m);
    }

    @Test
    void unknownFactsWarnOnDryRunAndInWarnModeByDefault() {
        Decision dry = unknown(Mode.ENFORCE, null, true);
        assertTrue(dry.allowed());
        assertTrue(dry.warnings().get(0).message().contains("admitted unchecked"), dry.warnings().toString());
        Decision warnMode = unknown(Mode.WARN, null, false);
        assertTrue(warnMode.allowed());
        assertEquals(1, warnMode.warnings().size());
    }

    @Test
    void explicitOnLookupFailureWins() {
        assertTrue(unknown(Mode.ENFORCE, LookupFailure.ALLOW_WITH_WARNING, false).allowed());
        assertFalse(unknown(Mode.ENFORCE, LookupFailure.DENY, true).allowed());
        // Warn mode still never denies: the denial becomes a warning.
        assertTrue(unknown(Mode.WARN, LookupFailure.DENY, false).allowed());
    }

    @Test
    void aThrowingPolicyBecomesAWarningAndTheOthersStillRun() {
        Fake broken = new Fake("broken", Set.of(ResourceKind.SERVICE), false, Set.of(), (r, c) -> {
            throw new IllegalStateException("bug");
        });
        Decision d = PolicyEngine.evaluate(create(CLUSTER_IP, Origin.VALIDATING_CALL),
                set(new PolicySet.Bound(broken, PolicyConfig.defaults("broken", Mode.ENFORCE)),
                        new PolicySet.Bound(new ElasticServiceTypes(), PolicyConfig.defaults(ElasticServiceTypes.ID, Mode.ENFORCE))),
                ELASTIC, FactsSource.NONE);
        assertEquals(Decision.Outcome.ERROR, d.outcomes().get("broken"));
        assertEquals("broken: Service shop/backend was not checked: internal error in the policy (IllegalStateException)",
                d.warnings().get(0).message());
        assertEquals(Decision.Outcome.DENIED, d.outcomes().get(ElasticServiceTypes.ID));
        assertFalse(d.allowed());
    }

    @Test
    void denyBeatsWarnAndBothAreKept() {
        Fake warner = new Fake("warner", Set.of(ResourceKind.SERVICE), false, Set.of(),
                (r, c) -> List.of(Verdict.warn("warner", r, "is risky")));
        Decision d = PolicyEngine.evaluate(create(CLUSTER_IP, Origin.VALIDATING_CALL),
                set(new PolicySet.Bound(warner, PolicyConfig.defaults("warner", Mode.ENFORCE)),
                        new PolicySet.Bound(denying("denier", Set.of()), PolicyConfig.defaults("denier", Mode.ENFORCE))),
                ELASTIC, FactsSource.NONE);
        assertFalse(d.allowed());
        assertEquals(1, d.warnings().size());
        assertEquals(1, d.denials().size());
    }
}
