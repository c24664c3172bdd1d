package dev.clbguard.policy.rules;

import static dev.clbguard.policy.PolicyTestKit.ELASTIC;
import static dev.clbguard.policy.PolicyTestKit.create;
import static dev.clbguard.policy.PolicyTestKit.denials;
import static dev.clbguard.policy.PolicyTestKit.ingress;
import static dev.clbguard.policy.PolicyTestKit.ingressBuilder;
import static dev.clbguard.policy.PolicyTestKit.lbService;
import static dev.clbguard.policy.PolicyTestKit.run;
import static dev.clbguard.policy.PolicyTestKit.service;
import static dev.clbguard.policy.PolicyTestKit.update;
import static dev.clbguard.policy.PolicyTestKit.warnings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.clbguard.policy.Mode;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.tke.BoundedJson;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;

class ClbAnnotationsTest {

    private static final String HTTP_RULES = "[{\"host\":\"shop.example.com\",\"path\":\"/api\","
            + "\"backend\":{\"serviceName\":\"backend\",\"servicePort\":\"80\"}},"
            + "{\"path\":\"/\",\"backend\":{\"serviceName\":\"web\",\"servicePort\":8080}}]";

    private final ClbAnnotations policy = new ClbAnnotations();

    private List<Verdict> check(HasMetadata obj) {
        return run(policy, create(obj, Origin.VALIDATING_CALL));
    }

    /** The one denial for a Service/Ingress carrying one annotation. */
    private Verdict denied(HasMetadata obj) {
        List<Verdict> vs = check(obj);
        assertEquals(1, vs.size(), vs.toString());
        assertEquals(Verdict.Effect.DENY, vs.get(0).effect(), vs.toString());
        String m = vs.get(0).message();
        assertTrue(m.startsWith("clb-annotations: "), m);
        assertFalse(m.contains("\n"), m);
        assertTrue(m.length() <= 230, m.length() + ": " + m);
        return vs.get(0);
    }

    private static void contains(Verdict v, String... parts) {
        for (String p : parts) {
            assertTrue(v.message().contains(p), "'" + p + "' missing in: " + v.message());
        }
    }

    @Test
    void wellFormedServiceAnnotationsPass() {
        assertEquals(List.of(), check(lbService("api",
                TkeAnnotations.SERVICE_EXISTED_LBID, "lb-6swtxp1x",
                TkeAnnotations.SERVICE_SHARE_EXISTED_LB, "true",
                TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS, "{\"AddressIPVersion\":\"IPV4\",\"Tags\":[{\"TagKey\":\"a\"}]}",
                TkeAnnotations.SERVICE_DIRECT_ACCESS, "false",
                TkeAnnotations.SERVICE_SPECIFY_PROTOCOL, "{\"443\":{\"protocol\":[\"TCP_SSL\"],\"tls\":\"cert\"}}",
                TkeAnnotations.SERVICE_MAX_BANDWIDTH_OUT, "2048")));
        assertEquals(List.of(), check(lbService("internal", TkeAnnotations.SERVICE_INTERNAL_SUBNET, "subnet-3k2d9x1a",
                TkeAnnotations.SERVICE_MAX_BANDWIDTH_OUT, "1")));
    }

    @Test
    void aServiceThatIsNotALoadBalancerIsNotChecked() {
        assertEquals(List.of(), check(service("backend", "ClusterIP", "None",
                TkeAnnotations.SERVICE_EXISTED_LBID, "not-an-id", TkeAnnotations.SERVICE_DIRECT_ACCESS, "maybe")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lb-6SWTXP1X", "lb-6swtxp1", "lb-6swtxp1xx", "6swtxp1x", "lb_6swtxp1x", "", " lb-6swtxp1x"})
    void serviceExistingClbIdMustBeWellFormed(String id) {
        Verdict v = denied(lbService("api", TkeAnnotations.SERVICE_EXISTED_LBID, id));
        contains(v, "Service shop/api", TkeAnnotations.SERVICE_EXISTED_LBID + "='" + id + "'", "is not a CLB id",
                "lb- followed by 8 lowercase");
        assertFalse(v.message().contains("[E"), "Service ids have no TKE code: " + v.message());
    }

    @Test
    void ingressExistingClbIdBadFormatIsE4098() {
        contains(denied(ingress("web", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0G3V8R2M")),
                "Ingress shop/web", "kubernetes.io/ingress.existLbId='lb-0G3V8R2M' is not a CLB id [E4098]; ");
    }

    @Test
    void subnetIdsMustBeWellFormed() {
        contains(denied(lbService("api", TkeAnnotations.SERVICE_INTERNAL_SUBNET, "subnet-3K2D9X1A")), "is not a subnet id");
        contains(denied(ingress("web", TkeAnnotations.INGRESS_SUBNET_ID, "sn-12345678")), "is not a subnet id");
        assertEquals(List.of(), check(ingress("web", TkeAnnotations.INGRESS_SUBNET_ID, "subnet-3k2d9x1a")));
    }

    @ParameterizedTest
    @CsvSource({
        "service.kubernetes.io/qcloud-share-existed-lb, yes, ''",
        "service.cloud.tencent.com/direct-access, True, ''",
        "kubernetes.io/ingress.rule-mix, 1, [E4044]",
        "ingress.cloud.tencent.com/enable-group, on, ''",
        "ingress.cloud.tencent.com/loadbalance-retain, TRUE, ''"})
    void booleansMustBeTrueOrFalse(String key, String value, String code) {
        HasMetadata obj = key.startsWith("service") ? lbService("api", key, value) : ingress("web", key, value);
        Verdict v = denied(obj);
        contains(v, key + "='" + value + "' is not a boolean" + (code.isEmpty() ? "" : " " + code), "\"true\" or \"false\"");
        HasMetadata fine = key.startsWith("service") ? lbService("api", key, "true") : ingress("web", key, "false");
        assertEquals(List.of(), check(fine));
    }

    @ParameterizedTest
    @CsvSource({"0, out of range 1-2048", "2049, out of range 1-2048", "-5, not a whole number",
        "10.5, not a whole number", "99999999999, not a whole number", "abc, not a whole number"})
    void maxBandwidthOutIsAWholeNumberFrom1To2048(String value, String cause) {
        contains(denied(lbService("api", TkeAnnotations.SERVICE_MAX_BANDWIDTH_OUT, value)), cause, "Mbps from 1 to 2048");
    }

    @Test
    void serviceExtensiveParametersMustBeAJsonObjectE4005() {
        contains(denied(lbService("api", TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS, "{\"VipIsp\":")),
                "is not valid JSON (line 1, column", "[E4005]", "write a JSON object");
        contains(denied(lbService("api", TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS, "[1,2]")),
                "is a JSON array, not an object [E4005]");
        contains(denied(lbService("api", TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS, "{} trailing")),
                "not valid JSON", "[E4005]");
        contains(denied(lbService("api", TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS, "{\"a\":1,\"a\":2}")),
                "a key appears twice");
        contains(denied(lbService("api", TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS, "  ")), "is empty");
    }

    @Test
    void jsonValuesAreParsedWithBounds() {
        String deep = "{\"a\":".repeat(BoundedJson.MAX_DEPTH + 5) + "1" + "}".repeat(BoundedJson.MAX_DEPTH + 5);
        contains(denied(lbService("api", TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS, deep)), "over 10 levels deep");
        String huge = "{\"a\":\"" + "x".repeat(BoundedJson.MAX_CHARS) + "\"}";
        Verdict v = denied(ingress("web", TkeAnnotations.INGRESS_EXTENSIVE_PARAMETERS, huge));
        contains(v, "longer than " + BoundedJson.MAX_CHARS, "[E4026]");
        String longNumber = "{\"a\":" + "9".repeat(1000) + "}";
        contains(denied(lbService("api", TkeAnnotations.SERVICE_EXTENSIVE_PARAMETERS, longNumber)), "number over 32 digits");
    }

    @Test
    void ingressExtensiveParametersMustBeAJsonObjectE4026() {
        contains(denied(ingress("web", TkeAnnotations.INGRESS_EXTENSIVE_PARAMETERS, "\"IPV4\"")),
                "is a JSON string, not an object [E4026]");
        assertEquals(List.of(), check(ingress("web", TkeAnnotations.INGRESS_EXTENSIVE_PARAMETERS, "{}")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"http\":{\"protocol\":[\"TCP\"]}}|key 'http' that is not a port",
        "{\"70000\":{\"protocol\":[\"TCP\"]}}|key '70000' that is not a port",
        "{\"80\":\"TCP\"}|maps port '80' to a string",
        "{\"80\":{\"tls\":\"cert\"}}|no protocol list for port '80'",
        "{\"80\":{\"protocol\":[]}}|no protocol list for port '80'",
        "{\"80\":{\"protocol\":[7]}}|not a name",
        "{}|is an empty object",
        "[80]|is a JSON array, not an object",
        "{80:1}|not valid JSON"})
    void specifyProtocolIsJsonKeyedByPort(String value, String cause) {
        contains(denied(lbService("api", TkeAnnotations.SERVICE_SPECIFY_PROTOCOL, value)), cause, "keyed by the Service's ports");
    }

    @Test
    void wellFormedIngressRulesPass() {
        assertEquals(List.of(), check(ingress("web", TkeAnnotations.INGRESS_HTTP_RULES, HTTP_RULES,
                TkeAnnotations.INGRESS_HTTPS_RULES, "[]", TkeAnnotations.INGRESS_RULE_MIX, "true",
                TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m", TkeAnnotations.INGRESS_ENABLE_GROUP, "true",
                TkeAnnotations.INGRESS_LOADBALANCE_RETAIN, "true")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"path\":\"/\"}|is a JSON object, not an array",
        "[{\"path\":\"/\",\"backend\":{\"serviceName\":\"s\",\"servicePort\":80}},3]|has [1] that is not an object",
        "[{\"path\":\"/\"}]|has [0].backend missing",
        "[{\"path\":\"api\",\"backend\":{\"serviceName\":\"s\",\"servicePort\":80}}]|[0].path that does not start with /",
        "[{\"backend\":{\"servicePort\":80}}]|[0].backend.serviceName missing",
        "[{\"backend\":{\"serviceName\":\"s\"}}]|[0].backend.servicePort missing",
        "[{\"backend\":{\"serviceName\":\"s\",\"servicePort\":70000}}]|[0].backend.servicePort missing or not a port",
        "[{\"backend\":{\"serviceName\":\"s\",\"servicePort\":true}}]|[0].backend.servicePort missing or not a port",
        "[{|not valid JSON"})
    void ingressRulesHaveTheirShapeAndCodes(String value, String cause) {
        contains(denied(ingress("web", TkeAnnotations.INGRESS_HTTP_RULES, value)), cause, "[E4022]");
        contains(denied(ingress("web", TkeAnnotations.INGRESS_HTTPS_RULES, value)), cause, "[E4023]");
    }

    @Test
    void hostsInsideRulesAreCheckedWithE4052() {
        String rules = "[{\"host\":\"Shop.Example.com\",\"backend\":{\"serviceName\":\"s\",\"servicePort\":\"80\"}}]";
        contains(denied(ingress("web", TkeAnnotations.INGRESS_HTTPS_RULES, rules)),
                "[0].host 'Shop.Example.com' that is not a valid host name [E4052]", "shop.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "Shop.example.com", "shop_1.example.com", "-shop.example.com", "shop.example.com.",
        "a.*.example.com", "shop..example.com", "shop.example.com:80"})
    void badRuleHostsAreDeniedWithE4052(String host) {
        Verdict v = denied(ingressBuilder("web", host).build());
        contains(v, "spec.rules[0].host '" + host + "' is not a valid host name [E4052]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop.example.com", "*.example.com", "a-b.c-d.example", "1.2.3.4", "xn--bcher-kva.example"})
    void goodHostsPass(String host) {
        assertEquals(List.of(), check(ingressBuilder("web", host).build()));
    }

    @Test
    void tlsHostsAreCheckedAndFurtherBadHostsCounted() {
        var ing = ingressBuilder("web", "shop.example.com").editSpec().addNewTl().withHosts("shop.example.com", "bad_host.example.com", "localhost")
                .withSecretName("cert").endTl().endSpec().build();
        contains(denied(ing), "spec.tls[0].hosts[1] 'bad_host.example.com' is not a valid host name (and 1 more) [E4052]");
    }

    @Test
    void ingressesOfAnotherClassAreLeftAlone() {
        assertEquals(List.of(), check(ingressBuilder("admin", "localhost", TkeAnnotations.INGRESS_CLASS, "nginx",
                TkeAnnotations.INGRESS_EXIST_LBID, "nope", TkeAnnotations.INGRESS_HTTP_RULES, "{").build()));
        assertEquals(List.of(), check(ingressBuilder("admin", "localhost", TkeAnnotations.INGRESS_EXIST_LBID, "nope")
                .editSpec().withIngressClassName("nginx").endSpec().build()));
        // Explicitly qcloud is TKE's, like no class at all.
        assertEquals(1, check(ingress("web", TkeAnnotations.INGRESS_CLASS, "qcloud",
                TkeAnnotations.INGRESS_EXIST_LBID, "nope")).size());
    }

    @Test
    void subnetWithExistingClbOnlyWarnsThatItIsIgnored() {
        List<Verdict> vs = check(lbService("api", TkeAnnotations.SERVICE_EXISTED_LBID, "lb-6swtxp1x",
                TkeAnnotations.SERVICE_INTERNAL_SUBNET, "subnet-3k2d9x1a"));
        assertEquals(1, vs.size());
        assertEquals(Verdict.Effect.WARN, vs.get(0).effect());
        contains(vs.get(0), TkeAnnotations.SERVICE_INTERNAL_SUBNET + " is ignored because " + TkeAnnotations.SERVICE_EXISTED_LBID);
        List<Verdict> ing = check(ingress("web", TkeAnnotations.INGRESS_EXIST_LBID, "lb-0g3v8r2m",
                TkeAnnotations.INGRESS_SUBNET_ID, "subnet-3k2d9x1a"));
        assertEquals(List.of(Verdict.Effect.WARN), ing.stream().map(Verdict::effect).toList());
    }

    @Test
    void controllerWrittenIdAtCreateWarnsByDefaultAndCanDeny() {
        var svc = lbService("api", TkeAnnotations.SERVICE_LOADBALANCE_ID, "lb-6swtxp1x");
        List<Verdict> vs = check(svc);
        assertEquals(Verdict.Effect.WARN, vs.get(0).effect());
        contains(vs.get(0), "sets " + TkeAnnotations.SERVICE_LOADBALANCE_ID + "='lb-6swtxp1x'", "only the controller writes",
                TkeAnnotations.SERVICE_EXISTED_LBID);
        assertEquals(Verdict.Effect.DENY, run(policy, create(svc, Origin.VALIDATING_CALL), ELASTIC,
                Map.of("controllerAnnotations", "deny")).get(0).effect());
        var ing = ingress("web", TkeAnnotations.INGRESS_LOADBALANCE_ID, "whatever");
        assertEquals(Verdict.Effect.WARN, check(ing).get(0).effect());
    }

    @Test
    void controllerWritingItsIdOnUpdateIsNeverJudged() {
        var before = lbService("api");
        var after = lbService("api", TkeAnnotations.SERVICE_LOADBALANCE_ID, "lb-6swtxp1x");
        assertEquals(List.of(), run(policy, update(before, after), ELASTIC, Map.of("controllerAnnotations", "deny")));
        var ingAfter = ingress("web", TkeAnnotations.INGRESS_LOADBALANCE_ID, "lb-0g3v8r2m");
        assertEquals(List.of(), run(policy, update(ingress("web"), ingAfter)));
        // The audit sees persisted objects, on which the controller rightly wrote it.
        var audit = new ObjectReview(ResourceKind.SERVICE, Operation.CREATE, after, null, false, Origin.AUDIT);
        assertEquals(List.of(), run(policy, audit));
    }

    @Test
    void aBadValueCarriedOverFromBeforeOnlyWarnsButANewOneIsDenied() {
        var old = lbService("api", TkeAnnotations.SERVICE_DIRECT_ACCESS, "yes");
        var relabelled = lbService("api", TkeAnnotations.SERVICE_DIRECT_ACCESS, "yes", "team", "payments");
        assertEquals(List.of(Verdict.Effect.WARN), run(policy, update(old, relabelled)).stream().map(Verdict::effect).toList());
        var changed = lbService("api", TkeAnnotations.SERVICE_DIRECT_ACCESS, "no");
        assertEquals(1, denials(run(policy, update(old, changed))).size());
        // Hosts too: an Ingress already carrying a bad host can still be edited.
        var oldIng = ingressBuilder("web", "localhost").build();
        var newIng = ingressBuilder("web", "localhost", "team", "payments").build();
        assertEquals(1, warnings(run(policy, update(oldIng, newIng))).size());
        var worse = ingressBuilder("web", "intranet").build();
        assertEquals(1, denials(run(policy, update(oldIng, worse))).size());
        // A Service that only now becomes a LoadBalancer is checked as new.
        var wasClusterIp = service("api", "ClusterIP", "10.0.0.1", TkeAnnotations.SERVICE_DIRECT_ACCESS, "yes");
        assertEquals(1, denials(run(policy, update(wasClusterIp, relabelled))).size());
    }

    @Test
    void valuesAreShortenedAndKeptOnOneLine() {
        String nasty = "lb-\nabc" + "x".repeat(500);
        Verdict v = denied(lbService("api", TkeAnnotations.SERVICE_EXISTED_LBID, nasty));
        contains(v, "'lb-\\nabc", "...'");
        assertFalse(v.message().contains("x".repeat(60)), v.message());
    }

    @Test
    void everyProblemIsReportedSeparately() {
        List<Verdict> vs = check(ingressBuilder("web", "localhost", TkeAnnotations.INGRESS_EXIST_LBID, "x",
                TkeAnnotations.INGRESS_RULE_MIX, "x").build());
        assertEquals(3, denials(vs).size(), vs.toString());
    }

    @Test
    void badParameterIsRefused() {
        var config = PolicyConfig.defaults(ClbAnnotations.ID, Mode.ENFORCE).withParameters(Map.of("controllerAnnotations", "ignore"));
        assertThrows(IllegalArgumentException.class, () -> policy.checkParameters(config));
    }
}
