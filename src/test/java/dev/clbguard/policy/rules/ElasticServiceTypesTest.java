package dev.clbguard.policy.rules;

import static dev.clbguard.policy.PolicyTestKit.CLASSIC;
import static dev.clbguard.policy.PolicyTestKit.ELASTIC;
import static dev.clbguard.policy.PolicyTestKit.create;
import static dev.clbguard.policy.PolicyTestKit.run;
import static dev.clbguard.policy.PolicyTestKit.service;
import static dev.clbguard.policy.PolicyTestKit.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.clbguard.policy.Mode;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.Verdict;

class ElasticServiceTypesTest {

    private final ElasticServiceTypes policy = new ElasticServiceTypes();

    @Test
    void mutatingCallSeesNoClusterIpYetAndThatIsNotHeadless() {
        List<Verdict> vs = run(policy, create(service("backend", "ClusterIP", null), Origin.MUTATING_CALL));
        assertEquals(1, vs.size());
        assertEquals(Verdict.Effect.DENY, vs.get(0).effect());
        assertTrue(vs.get(0).message().startsWith("elastic-service-types: Service shop/backend "), vs.get(0).message());
        assertTrue(vs.get(0).message().contains("spec.clusterIP=<unset>"), vs.get(0).message());
        assertTrue(vs.get(0).message().contains("set spec.clusterIP: None"), vs.get(0).message());
    }

    @Test
    void validatingCallSeesTheAllocatedAddressAndThatIsNotHeadless() {
        List<Verdict> vs = run(policy, create(service("backend", "ClusterIP", "10.0.0.230"), Origin.VALIDATING_CALL));
        assertEquals(Verdict.Effect.DENY, vs.get(0).effect());
        assertTrue(vs.get(0).message().contains("spec.clusterIP=10.0.0.230"), vs.get(0).message());
    }

    @Test
    void offlineManifestWithoutTypeOrClusterIpIsNotHeadless() {
        List<Verdict> vs = run(policy, create(service("backend", null, null), Origin.MANIFEST));
        assertEquals(Verdict.Effect.DENY, vs.get(0).effect());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "NONE", "", " None"})
    void onlyTheLiteralNoneIsHeadless(String clusterIP) {
        assertEquals(Verdict.Effect.DENY,
                run(policy, create(service("db", "ClusterIP", clusterIP), Origin.VALIDATING_CALL)).get(0).effect());
    }

    @Test
    void headlessClusterIpIsAllowedInEveryPhase() {
        for (Origin phase : Origin.values()) {
            assertEquals(List.of(), run(policy, create(service("db", "ClusterIP", "None"), phase)), phase.name());
            assertEquals(List.of(), run(policy, create(service("db", null, "None"), phase)), phase.name());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LoadBalancer", "ExternalName"})
    void loadBalancerAndExternalNameAreAllowed(String type) {
        assertEquals(List.of(), run(policy, create(service("x", type, null), Origin.VALIDATING_CALL)));
    }

    @Test
    void nodePortIsDeniedByDefaultAndAllowedByParameter() {
        var review = create(service("backend-np", "NodePort", "10.0.0.9"), Origin.VALIDATING_CALL);
        List<Verdict> vs = run(policy, review);
        assertEquals(Verdict.Effect.DENY, vs.get(0).effect());
        assertTrue(vs.get(0).message().contains("NodePort"), vs.get(0).message());
        assertEquals(List.of(), run(policy, review, ELASTIC, Map.of("nodePort", "allow")));
    }

    @Test
    void nothingIsCheckedOnANonElasticCluster() {
        assertEquals(List.of(), run(policy, create(service("backend", "ClusterIP", "10.0.0.230"), Origin.VALIDATING_CALL),
                CLASSIC, Map.of()));
        assertEquals(List.of(), run(policy, create(service("np", "NodePort", "10.0.0.9"), Origin.VALIDATING_CALL),
                CLASSIC, Map.of()));
    }

    @Test
    void anUpdateThatKeepsAnExistingProblemOnlyWarns() {
        var old = service("backend", "ClusterIP", "10.0.0.230");
        var edited = service("backend", "ClusterIP", "10.0.0.230", "team", "payments");
        List<Verdict> vs = run(policy, update(old, edited));
        assertEquals(Verdict.Effect.WARN, vs.get(0).effect());
    }

    @Test
    void anUpdateThatIntroducesTheProblemIsDenied() {
        var old = service("api", "LoadBalancer", "10.0.0.140");
        var edited = service("api", "ClusterIP", "10.0.0.140");
        assertEquals(Verdict.Effect.DENY, run(policy, update(old, edited)).get(0).effect());
        var toNodePort = service("api", "NodePort", "10.0.0.140");
        assertEquals(Verdict.Effect.DENY, run(policy, update(old, toNodePort)).get(0).effect());
    }

    @Test
    void badParameterIsRefusedWithItsName() {
        var config = PolicyConfig.defaults(ElasticServiceTypes.ID, Mode.ENFORCE).withParameters(Map.of("nodePort", "maybe"));
        var e = assertThrows(IllegalArgumentException.class, () -> policy.checkParameters(config));
        assertTrue(e.getMessage().contains("nodePort") && e.getMessage().contains("maybe"), e.getMessage());
    }
}
