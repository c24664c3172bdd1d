package dev.clbguard.policy.rules;

import static dev.clbguard.policy.rules.ClbTestData.PROFILE;
import static dev.clbguard.policy.rules.ClbTestData.clb;
import static dev.clbguard.policy.rules.ClbTestData.ingress;
import static dev.clbguard.policy.rules.ClbTestData.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.Decision;
import dev.clbguard.policy.FactsSource;
import dev.clbguard.policy.LookupFailure;
import dev.clbguard.policy.Mode;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyCatalog;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.PolicyFiles;
import dev.clbguard.policy.PolicySet;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbLookup;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** The two existing-CLB policies inside the engine: one batch of ids, lookup failures, default policy files. */
class ExistingClbEngineTest {

    /** Records every batch asked for and answers Unknown (the cloud is down) or from a fixed map. */
    static final class Recorder implements FactsSource {
        final List<Set<String>> calls = new ArrayList<>();
        final Map<String, ClbLookup> answers;

        Recorder(Map<String, ClbLookup> answers) {
            this.answers = answers;
        }

        @Override
        public ClbFacts fetch(Set<String> ids) {
            calls.add(Set.copyOf(ids));
            Map<String, ClbLookup> out = new LinkedHashMap<>();
            ids.forEach(id -> out.put(id, answers.getOrDefault(id, new ClbLookup.Unknown(id, "CLB API timed out"))));
            return new ClbFacts(out);
        }
    }

    private static PolicySet set(PolicyConfig... configs) {
        return PolicyCatalog.bind(List.of(configs));
    }

    private static PolicyConfig enforce(String id) {
        return PolicyConfig.defaults(id, Mode.ENFORCE);
    }

    private static ObjectReview validate(HasMetadata obj, boolean dryRun) {
        ResourceKind kind = obj.getKind().equals("Service") ? ResourceKind.SERVICE : ResourceKind.INGRESS;
        return new ObjectReview(kind, Operation.CREATE, obj, null, dryRun, Origin.VALIDATING_CALL);
    }

    @Test
    void cloudDownDeniesAnEnforcedCreate() {
        Recorder cloud = new Recorder(Map.of());
        Decision d = PolicyEngine.evaluate(validate(service("lb-6swtxp1x", Map.of()), false),
                set(enforce(ServiceExistingClb.ID)), PROFILE, cloud);
        assertFalse(d.allowed());
        String m = d.denials().get(0).message();
        assertTrue(m.startsWith("service-existing-clb: Service shop/api: CLB lb-6swtxp1x could not be checked (CLB API timed out)"), m);
        assertEquals(List.of(Set.of("lb-6swtxp1x")), cloud.calls);
    }

    @Test
    void cloudDownOnDryRunWarnsThatTheClbWasNotChecked() {
        Decision d = PolicyEngine.evaluate(validate(ingress("lb-0g3v8r2m", Map.of()), true),
                set(enforce(IngressExistingClb.ID)), PROFILE, new Recorder(Map.of()));
        assertTrue(d.allowed());
        assertEquals(1, d.warnings().size());
        assertTrue(d.warnings().get(0).message().contains("CLB lb-0g3v8r2m could not be checked"), d.warnings().get(0).message());
    }

    @Test
    void onLookupFailureAllowWithWarningIsHonoured() {
        PolicyConfig lenient = enforce(IngressExistingClb.ID).withLookupFailure(LookupFailure.ALLOW_WITH_WARNING);
        Decision d = PolicyEngine.evaluate(validate(ingress("lb-0g3v8r2m", Map.of()), false), set(lenient), PROFILE,
                new Recorder(Map.of()));
        assertTrue(d.allowed());
        assertEquals(Decision.Outcome.WARNED, d.outcomes().get(IngressExistingClb.ID));
    }

    @Test
    void warnModeTurnsADenialIntoAWarning() {
        Recorder cloud = new Recorder(Map.of("lb-0g3v8r2m", new ClbLookup.Missing("lb-0g3v8r2m")));
        Decision d = PolicyEngine.evaluate(validate(ingress("lb-0g3v8r2m", Map.of()), false),
                set(PolicyConfig.defaults(IngressExistingClb.ID, Mode.WARN)), PROFILE, cloud);
        assertTrue(d.allowed());
        assertTrue(d.warnings().get(0).message().contains("[E4018]"));
    }

    @Test
    void bothPoliciesShareOneBatchAndForeignClassesAreNotLookedUp() {
        Recorder cloud = new Recorder(Map.of("lb-0g3v8r2m", new ClbLookup.Found(clb("lb-0g3v8r2m", Map.of()))));
        PolicySet both = set(enforce(ServiceExistingClb.ID), enforce(IngressExistingClb.ID));
        assertTrue(PolicyEngine.evaluate(validate(ingress("lb-0g3v8r2m", Map.of()), false), both, PROFILE, cloud).allowed());
        assertEquals(List.of(Set.of("lb-0g3v8r2m")), cloud.calls);
        Decision nginx = PolicyEngine.evaluate(
                validate(ingress("lb-0g3v8r2m", Map.of("kubernetes.io/ingress.class", "nginx")), false), both, PROFILE, cloud);
        assertTrue(nginx.allowed() && nginx.warnings().isEmpty());
        assertEquals(1, cloud.calls.size(), "an nginx Ingress must not be looked up");
    }

    @Test
    void theMutatingCallNeverLooksUp() {
        Recorder cloud = new Recorder(Map.of());
        ObjectReview mutate = new ObjectReview(ResourceKind.SERVICE, Operation.CREATE, service("lb-6swtxp1x", Map.of()), null,
                false, Origin.MUTATING_CALL);
        assertTrue(PolicyEngine.evaluate(mutate, set(enforce(ServiceExistingClb.ID)), PROFILE, cloud).allowed());
        assertEquals(List.of(), cloud.calls);
    }

    @Test
    void defaultPolicyFilesLoadWithoutErrors() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : List.of("service-existing-clb.yaml", "ingress-existing-clb.yaml")) {
            files.put(name, Files.readString(Path.of("policies", name)));
        }
        PolicyFiles.Result r = PolicyFiles.parse(files, PolicyCatalog.byId(), Set.of("kube-system"));
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(ServiceExistingClb.ID, IngressExistingClb.ID), r.configs().stream().map(PolicyConfig::id).toList());
        assertTrue(r.configs().stream().allMatch(c -> c.mode() == Mode.ENFORCE && c.onLookupFailure() == null));
        assertEquals("none", r.configs().get(1).parameters().get("listeners"));
    }
}
