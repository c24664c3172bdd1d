package dev.clbguard.policy.rules;

import static dev.clbguard.policy.PolicyTestKit.CLASSIC;
import static dev.clbguard.policy.PolicyTestKit.ELASTIC;
import static dev.clbguard.policy.PolicyTestKit.create;
import static dev.clbguard.policy.PolicyTestKit.ingress;
import static dev.clbguard.policy.PolicyTestKit.ingressBuilder;
import static dev.clbguard.policy.PolicyTestKit.lbService;
import static dev.clbguard.policy.PolicyTestKit.run;
import static dev.clbguard.policy.PolicyTestKit.service;
import static dev.clbguard.policy.PolicyTestKit.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.Mode;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;

class ClbTransitionsTest {

    private static final String LBID = TkeAnnotations.SERVICE_EXISTED_LBID;
    private static final String SUBNET = TkeAnnotations.SERVICE_INTERNAL_SUBNET;

    private final ClbTransitions policy = new ClbTransitions();

    private Verdict only(List<Verdict> vs, Verdict.Effect effect, String... parts) {
        assertEquals(1, vs.size(), vs.toString());
        Verdict v = vs.get(0);
        assertEquals(effect, v.effect(), v.message());
        assertTrue(v.message().startsWith("clb-transitions: "), v.message());
        for (String p : parts) {
            assertTrue(v.message().contains(p), "'" + p + "' missing in: " + v.message());
        }
        return v;
    }

    private List<Verdict> change(HasMetadata old, HasMetadata now) {
        return run(policy, update(old, now), CLASSIC, Map.of());
    }

    @Test
    void serviceCannotAddRemoveOrChangeTheExistingClb() {
        only(change(lbService("api"), lbService("api", LBID, "lb-77aa88bb")), Verdict.Effect.DENY,
                "Service shop/api cannot add " + LBID + "='lb-77aa88bb'", "switch the Service to type ClusterIP");
        only(change(lbService("api", LBID, "lb-6swtxp1x"), lbService("api")), Verdict.Effect.DENY,
                "cannot remove " + LBID + "='lb-6swtxp1x'");
        only(change(lbService("api", LBID, "lb-6swtxp1x"), lbService("api", LBID, "lb-77aa88bb")), Verdict.Effect.DENY,
                "cannot change " + LBID + " from 'lb-6swtxp1x' to 'lb-77aa88bb'");
    }

    @Test
    void onAnElasticClusterTheWorkaroundIsToRecreate() {
        // The ClusterIP detour is itself refused there (elastic-service-types).
        only(run(policy, update(lbService("api"), lbService("api", LBID, "lb-77aa88bb")), ELASTIC, Map.of()),
                Verdict.Effect.DENY, "delete and recreate the Service");
    }

    @Test
    void unchangedBindingAndOtherEditsPass() {
        assertEquals(List.of(), change(lbService("api", LBID, "lb-6swtxp1x"),
                lbService("api", LBID, "lb-6swtxp1x", TkeAnnotations.SERVICE_DIRECT_ACCESS, "true")));
        assertEquals(List.of(), change(lbService("api", SUBNET, "subnet-3k2d9x1a"),
                lbService("api", SUBNET, "subnet-3k2d9x1a", "team", "payments")));
        // Blank counts as absent.
        assertEquals(List.of(), change(lbService("api"), lbService("api", LBID, " ")));
    }

    @Test
    void aServiceWithoutClbChangesFreelyThatIsTheWorkaround() {
        var lb = lbService("api", LBID, "lb-6swtxp1x");
        var clusterIp = service("api", "ClusterIP", "10.0.0.140");
        assertEquals(List.of(), change(lb, clusterIp));
        assertEquals(List.of(), change(clusterIp, lbService("api", LBID, "lb-77aa88bb")));
        assertEquals(List.of(), change(service("api", "ClusterIP", "10.0.0.140", LBID, "lb-6swtxp1x"),
                service("api", "ClusterIP", "10.0.0.140", LBID, "lb-77aa88bb")));
    }

    @Test
    void publicAndInternalCannotBeSwappedNorTheSubnetChanged() {
        only(change(lbService("api"), lbService("api", SUBNET, "subnet-3k2d9x1a")), Verdict.Effect.DENY,
                "cannot turn its public CLB internal");
        only(change(lbService("api", SUBNET, "subnet-3k2d9x1a"), lbService("api")), Verdict.Effect.DENY,
                "cannot turn its internal CLB public");
        only(change(lbService("api", SUBNET, "subnet-3k2d9x1a"), lbService("api", SUBNET, "subnet-9z8y7x6w")),
                Verdict.Effect.DENY, "move its internal CLB from 'subnet-3k2d9x1a' to subnet 'subnet-9z8y7x6w'");
    }

    @Test
    void subnetIsIgnoredBesideAnExistingClbSoChangingItPasses() {
        assertEquals(List.of(), change(lbService("api", LBID, "lb-6swtxp1x"),
                lbService("api", LBID, "lb-6swtxp1x", SUBNET, "subnet-3k2d9x1a")));
    }

    @Test
    void ingressCannotAddOrChangeTheExistingClbNorItsSubnet() {
        only(change(ingress("storefront"), ingress("storefront", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m")),
                Verdict.Effect.DENY, "Ingress shop/storefront cannot add kubernetes.io/ingress.existLbId='lb-0g3v8r2m'",
                "recreate the Ingress");
        only(change(ingress("web", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m"), ingress("web")),
                Verdict.Effect.DENY, "cannot remove");
        only(change(ingress("web", TkeAnnotations.INGRESS_SUBNET_ID, "subnet-3k2d9x1a"), ingress("web")),
                Verdict.Effect.DENY, "turn its internal CLB public");
        assertEquals(List.of(), change(ingress("web", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m"),
                ingressBuilder("web", "other.example.com", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m").build()));
    }

    @Test
    void classChangeToOrFromQcloudWarnsByDefault() {
        var qcloud = ingress("checkout", TkeAnnotations.INGRESS_CLASS, "qcloud", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m");
        var nginx = ingress("checkout", TkeAnnotations.INGRESS_CLASS, "nginx", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m");
        only(change(qcloud, nginx), Verdict.Effect.WARN, "Ingress shop/checkout changes class 'qcloud' -> 'nginx'",
                "release its CLB");
        only(change(nginx, qcloud), Verdict.Effect.WARN, "changes class 'nginx' -> 'qcloud'", "create or claim a CLB");
        var field = ingressBuilder("checkout", "shop.example.com").editSpec().withIngressClassName("nginx").endSpec().build();
        only(change(ingress("checkout"), field), Verdict.Effect.WARN, "changes class <none> -> 'nginx'");
    }

    @Test
    void handingAnIngressFromTkeToClbguardIsAClassChange() {
        var qcloud = ingress("checkout", TkeAnnotations.INGRESS_CLASS, "qcloud");
        var clbguard = ingress("checkout", TkeAnnotations.INGRESS_CLASS, "clbguard");
        only(change(qcloud, clbguard), Verdict.Effect.WARN, "changes class 'qcloud' -> 'clbguard'",
                "clbguard will create or claim a CLB");
        only(change(clbguard, qcloud), Verdict.Effect.WARN, "TKE will create or claim a CLB");
    }

    @Test
    void classChangeCanBeDenied() {
        var nginx = ingress("checkout", TkeAnnotations.INGRESS_CLASS, "nginx");
        only(run(policy, update(ingress("checkout"), nginx), CLASSIC, Map.of("classChange", "deny")), Verdict.Effect.DENY);
    }

    @Test
    void classChangesThatKeepTheOwnerAreQuiet() {
        assertEquals(List.of(), change(ingress("web"), ingress("web", TkeAnnotations.INGRESS_CLASS, "qcloud")));
        assertEquals(List.of(), change(ingress("web", TkeAnnotations.INGRESS_CLASS, "nginx"),
                ingress("web", TkeAnnotations.INGRESS_CLASS, "traefik")));
        // Another controller's Ingress may use any annotations it likes.
        assertEquals(List.of(), change(ingress("web", TkeAnnotations.INGRESS_CLASS, "nginx"),
                ingress("web", TkeAnnotations.INGRESS_CLASS, "nginx", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m")));
    }

    @Test
    void enableGroupChangeWarnsThatItOnlyCountsAtCreation() {
        only(change(ingress("web"), ingress("web", TkeAnnotations.INGRESS_ENABLE_GROUP, "true")), Verdict.Effect.WARN,
                "only honours at creation");
    }

    @Test
    void createIsNotATransition() {
        assertEquals(List.of(), run(policy, create(lbService("api", LBID, "lb-6swtxp1x"), Origin.VALIDATING_CALL)));
        assertEquals(List.of(), run(policy, create(ingress("web", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m"), Origin.MANIFEST)));
    }

    @Test
    void badParameterIsRefused() {
        var config = PolicyConfig.defaults(ClbTransitions.ID, Mode.ENFORCE).withParameters(Map.of("classChange", "allow"));
        assertThrows(IllegalArgumentException.class, () -> policy.checkParameters(config));
    }
}
