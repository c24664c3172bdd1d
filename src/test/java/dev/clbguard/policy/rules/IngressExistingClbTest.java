package dev.clbguard.policy.rules;

import static dev.clbguard.policy.rules.ClbTestData.OTHER_UID;
import static dev.clbguard.policy.rules.ClbTestData.UID;
import static dev.clbguard.policy.rules.ClbTestData.clb;
import static dev.clbguard.policy.rules.ClbTestData.context;
import static dev.clbguard.policy.rules.ClbTestData.create;
import static dev.clbguard.policy.rules.ClbTestData.found;
import static dev.clbguard.policy.rules.ClbTestData.ingress;
import static dev.clbguard.policy.rules.ClbTestData.listener;
import static dev.clbguard.policy.rules.ClbTestData.missing;
import static dev.clbguard.policy.rules.ClbTestData.offline;
import static dev.clbguard.policy.rules.ClbTestData.oneLineEach;
import static dev.clbguard.policy.rules.ClbTestData.only;
import static dev.clbguard.policy.rules.ClbTestData.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.Mode;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.Owners;
import dev.clbguard.policy.clb.ClbInfo;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

class IngressExistingClbTest {

    private static final String LB = "lb-0g3v8r2m";
    private static final Map<String, String> GROUP = Map.of("ingress.cloud.tencent.com/enable-group", "true");
    private static final PolicyConfig DEFAULTS = PolicyConfig.defaults(IngressExistingClb.ID, Mode.ENFORCE);
    private static final PolicyConfig NO_PORT_CONFLICT = DEFAULTS.withParameters(Map.of("listeners", "no-port-conflict"));
    private final IngressExistingClb policy = new IngressExistingClb();

    private List<Verdict> eval(ObjectReview review, ClbFacts facts) {
        return eval(review, facts, DEFAULTS);
    }

    /** One line each; "about 200 characters" (docs/tke-rules.md §7) with the short names the tests use. */
    private List<Verdict> eval(ObjectReview review, ClbFacts facts, PolicyConfig config) {
        return oneLineEach("ingress-existing-clb: Ingress shop/checkout", policy.evaluate(review, context(config, facts)));
    }

    private static Verdict deniedWith(List<Verdict> verdicts, String code) {
        Verdict v = only(verdicts, Verdict.Effect.DENY);
        assertTrue(v.message().contains("[" + code + "]"), v.message());
        return v;
    }

    @Test
    void onlyQcloudIngressesDeclareTheirClb() {
        assertEquals(Set.of(LB), policy.clbIds(create(ingress(LB, Map.of())), DEFAULTS));
        assertEquals(Set.of(LB), policy.clbIds(create(ingress(LB, Map.of("kubernetes.io/ingress.class", "qcloud"))), DEFAULTS));
        assertEquals(Set.of(), policy.clbIds(create(ingress(LB, Map.of("kubernetes.io/ingress.class", "nginx"))), DEFAULTS));
        Ingress byField = ingress(LB, Map.of());
        byField.getSpec().setIngressClassName("nginx");
        assertEquals(Set.of(), policy.clbIds(create(byField), DEFAULTS));
        assertEquals(List.of(), eval(create(byField), missing(LB)));
        assertEquals(Set.of(), policy.clbIds(create(ingress("lb-0G3V8R2M", Map.of())), DEFAULTS));
        assertEquals(Set.of(), policy.clbIds(create(ingress(null, Map.of())), DEFAULTS));
    }

    @Test
    void freeApplicationClbIsAllowed() {
        assertEquals(List.of(), eval(create(ingress(LB, Map.of())), found(clb(LB, Map.of()))));
    }

    @Test
    void missingClbIsDeniedWithE4018() {
        Verdict v = deniedWith(eval(create(ingress(LB, Map.of())), missing(LB)), "E4018");
        assertTrue(v.message().contains("does not exist in region ap-guangzhou"), v.message());
    }

    @Test
    void clbCreatedByTkeIsDeniedWithE4019() {
        deniedWith(eval(create(ingress(LB, Map.of())), found(clb(LB, Map.of("tke-createdBy-flag", "yes")))), "E4019");
    }

    @Test
    void classicClbIsDeniedWithE4030() {
        ClbInfo classic = new ClbInfo(LB, "c", "OPEN", 0, "vpc-4f8q2w1e", null, List.of(), Map.of(), List.of());
        Verdict v = deniedWith(eval(create(ingress(LB, Map.of())), found(classic)), "E4030");
        assertTrue(v.message().contains("classic CLB (Forward=0)") && v.message().endsWith("choose an application CLB"), v.message());
    }

    @Test
    void clbOfAnotherClusterIsDenied() {
        Verdict v = only(eval(create(ingress(LB, Map.of())), found(clb(LB, Map.of("tke-clusterId", "cls-00000000")))),
                Verdict.Effect.DENY);
        assertTrue(v.message().contains("used by cluster cls-00000000"), v.message());
    }

    @Test
    void clbInAnotherVpcIsDenied() {
        ClbInfo elsewhere = new ClbInfo(LB, "x", "OPEN", 1, "vpc-99999999", null, List.of(), Map.of(), List.of());
        Verdict v = only(eval(create(ingress(LB, Map.of())), found(elsewhere)), Verdict.Effect.DENY);
        assertTrue(v.message().contains("not in the cluster's VPC vpc-4f8q2w1e"), v.message());
    }

    @Test
    void clbTaggedForAnotherIngressIsDeniedWithE4020UnlessGrouped() {
        ClbInfo taken = clb(LB, Map.of("tke-clusterId", "cls-7k2m9q4p", "tke-lb-ingress-uuid", OTHER_UID),
                listener("HTTP", 80));
        Verdict v = deniedWith(eval(create(ingress(LB, Map.of())), found(taken)), "E4020");
        assertEquals("ingress-existing-clb: Ingress shop/checkout cannot use lb-0g3v8r2m: it is tagged for another Ingress"
                + " (tke-lb-ingress-uuid=5b1c…) [E4020]; choose a CLB without that tag or enable"
                + " ingress.cloud.tencent.com/enable-group", v.message());
        // The group shares the CLB and its 80/443 listeners.
        assertEquals(List.of(), eval(create(ingress(LB, GROUP)), found(taken)));
    }

    @Test
    void withTheLiveObjectIndexADenialNamesTheOwnerOrSaysTheTagIsStale() {
        ClbInfo taken = clb(LB, Map.of("tke-clusterId", "cls-7k2m9q4p", "tke-lb-ingress-uuid", OTHER_UID));
        Owners index = Owners.indexed(uid -> uid.equals(OTHER_UID)
                ? java.util.Optional.of(new Owners.Name("Ingress", "shop", "web")) : java.util.Optional.empty());
        Verdict named = deniedWith(eval(create(ingress(LB, Map.of())), found(taken).withOwners(index)), "E4020");
        assertEquals("ingress-existing-clb: Ingress shop/checkout cannot use lb-0g3v8r2m: it is tagged for Ingress"
                + " shop/web (tke-lb-ingress-uuid=5b1c…) [E4020]; choose a CLB without that tag or enable"
                + " ingress.cloud.tencent.com/enable-group", named.message());
        ClbInfo stale = clb(LB, Map.of("tke-clusterId", "cls-7k2m9q4p", "tke-lb-ingress-uuid", "dead0000-0000"));
        Verdict gone = deniedWith(eval(create(ingress(LB, Map.of())), found(stale).withOwners(index)), "E4020");
        assertEquals("ingress-existing-clb: Ingress shop/checkout cannot use lb-0g3v8r2m: its owner no longer exists in"
                + " this cluster (tke-lb-ingress-uuid=dead…, stale tag) [E4020]; remove it (UnTagResources) or let the"
                + " guardian repair it", gone.message());
    }

    @Test
    void enableGroupAddedByAnUpdateIsNotHonoured() {
        ClbInfo taken = clb(LB, Map.of("tke-lb-ingress-uuid", OTHER_UID));
        Verdict v = deniedWith(eval(update(ingress(LB, GROUP), ingress(LB, Map.of())), found(taken)), "E4020");
        assertTrue(v.message().contains("only honoured at creation"), v.message());
        assertEquals(List.of(), eval(update(ingress(LB, GROUP), ingress(LB, GROUP)), found(taken)));
    }

    @Test
    void onCreateAnyUuidTagIsSomeoneElses() {
        deniedWith(eval(create(ingress(LB, Map.of())), found(clb(LB, Map.of("tke-lb-ingress-uuid", UID)))), "E4020");
    }

    @Test
    void adoptedClbPassesUpdateWithItsOwnListeners() {
        ClbInfo adopted = clb(LB, Map.of("tke-clusterId", "cls-7k2m9q4p", "tke-lb-ingress-uuid", UID),
                listener("HTTP", 80), listener("HTTPS", 443));
        assertEquals(List.of(), eval(update(ingress(LB, Map.of()), ingress(LB, Map.of())), found(adopted)));
    }

    @Test
    void listenersAreDeniedWithE4021ByDefault() {
        ClbInfo busy = clb(LB, Map.of(), listener("TCP", 9000));
        Verdict v = deniedWith(eval(create(ingress(LB, Map.of())), found(busy)), "E4021");
        assertTrue(v.message().contains("it still has listeners (lbl-9000tcp TCP:9000)"), v.message());
    }

    @Test
    void noPortConflictOnlyNeeds80AndWithTls443() {
        ClbInfo on9000 = clb(LB, Map.of(), listener("TCP", 9000));
        assertEquals(List.of(), eval(create(ingress(LB, Map.of(), true)), found(on9000), NO_PORT_CONFLICT));
        ClbInfo on443 = clb(LB, Map.of(), listener("HTTPS", 443));
        assertEquals(List.of(), eval(create(ingress(LB, Map.of(), false)), found(on443), NO_PORT_CONFLICT));
        Verdict v = deniedWith(eval(create(ingress(LB, Map.of(), true)), found(on443), NO_PORT_CONFLICT), "E4101");
        assertTrue(v.message().contains("port 80 and 443 must be free but lbl-443https HTTPS:443 uses it"), v.message());
        deniedWith(eval(create(ingress(LB, Map.of(), false)), found(clb(LB, Map.of(), listener("HTTP", 80))), NO_PORT_CONFLICT),
                "E4101");
    }

    @Test
    void offlineManifestCannotCheckOwnership() {
        ClbInfo tagged = clb(LB, Map.of("tke-lb-ingress-uuid", OTHER_UID), listener("HTTP", 80));
        Verdict v = only(eval(offline(ingress(LB, Map.of())), found(tagged)), Verdict.Effect.WARN);
        assertTrue(v.message().contains("owner and listeners not checked"), v.message());
    }

    @Test
    void listenersParameterIsChecked() {
        policy.checkParameters(NO_PORT_CONFLICT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> policy.checkParameters(DEFAULTS.withParameters(Map.of("listeners", "some"))));
        assertTrue(e.getMessage().contains("listeners"), e.getMessage());
    }

    @Test
    void clbOfAServiceIsDeniedEvenInAGroup() {
        ClbInfo serviceClb = clb("lb-0g3v8r2m", Map.of("tke-lb-serviceuuid", OTHER_UID), listener("TCP", 443));
        Map<String, String> group = Map.of("ingress.cloud.tencent.com/enable-group", "true");
        for (ObjectReview review : List.of(create(ingress("lb-0g3v8r2m", Map.of())), create(ingress("lb-0g3v8r2m", group)),
                offline(ingress("lb-0g3v8r2m", Map.of())))) {
            Verdict v = only(eval(review, found(serviceClb)), Verdict.Effect.DENY);
            assertEquals("ingress-existing-clb: Ingress shop/checkout cannot use lb-0g3v8r2m: it is used by a Service"
                    + " (tke-lb-serviceuuid=5b1c…) [E4020]; a CLB serves Services or Ingresses, not both: choose one"
                    + " without that tag", v.message());
        }
    }
}
