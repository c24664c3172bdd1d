package dev.clbguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The validate command end to end, as CI calls it: arguments, stdin and environment in; stdout, stderr, exit code out. */
class ValidateCommandTest {

    static final String CLI = "src/test/resources/cli/";
    static final String MANIFESTS = CLI + "manifests";
    static final String FIXTURES = "src/test/resources/fixtures/apiserver-1.28/manifests";
    static final String POLICIES = CLI + "policies";
    static final List<String> PROFILE = List.of("--cluster-id", "cls-7k2m9q4p", "--region", "ap-guangzhou",
            "--vpc-id", "vpc-4f8q2w1e");
    static final Map<String, String> ENV_PROFILE = Map.of("CLBGUARD_CLUSTER_ID", "cls-7k2m9q4p",
            "CLBGUARD_CLUSTER_REGION", "ap-guangzhou", "CLBGUARD_CLUSTER_VPC_ID", "vpc-4f8q2w1e");

    static final String NOT_HEADLESS = ": is a ClusterIP Service that is not headless (spec.clusterIP=<unset>): elastic"
            + " clusters only support headless ClusterIP; set spec.clusterIP: None or use type LoadBalancer";
    static final String NODE_PORT = ": has spec.type NodePort: an elastic cluster has no nodes to expose ports on;"
            + " use type LoadBalancer or a headless ClusterIP Service";
    static final String NO_CLASS = ": had no class, so clbguard set kubernetes.io/ingress.class=qcloud";

    record Run(int code, String out, String err) {
    }

    static Run run(Map<String, String> env, String stdin, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ValidateCommand.execute(args.toArray(String[]::new),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out),
                new PrintWriter(err), env, new Properties());
        return new Run(code, out.toString(), err.toString());
    }

    static List<String> args(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all;
    }

    static String lines(String... lines) {
        return lines.length == 0 ? "" : String.join("\n", lines) + "\n";
    }

    @Test
    void directoryWithBrokenUnknownAndMultiDocumentFiles() {
        Run r = run(Map.of(), "", args(PROFILE, "--elastic", "--offline", "--policies", POLICIES, MANIFESTS));
        assertEquals(lines(
                MANIFESTS + "/01-shop.yaml:11: DENY elastic-service-types Service shop/backend" + NOT_HEADLESS,
                MANIFESTS + "/01-shop.yaml:27: WARN ingress-class-default Ingress default/web" + NO_CLASS,
                // An item of a List is placed at its own line, not the List's.
                MANIFESTS + "/03-list.json:6: DENY elastic-service-types Service shop/admin-np" + NODE_PORT), r.out());
        assertEquals(lines(
                "error: " + MANIFESTS + "/02-broken.yaml:11:13: not valid YAML: mapping values are not allowed here;"
                        + " none of its objects were checked",
                "error: " + MANIFESTS + "/05-invalid-objects.yaml:1:1: Ingress extensions/v1beta1 is no longer served"
                        + " (Kubernetes 1.22+); use apiVersion networking.k8s.io/v1",
                "error: " + MANIFESTS + "/05-invalid-objects.yaml:5:1: object has no kind",
                "error: " + MANIFESTS + "/05-invalid-objects.yaml:11:3: Service shop/wrong-shape spec.ports: the API server"
                        + " would refuse this: json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of"
                        + " type []v1.ServicePort",
                "error: " + MANIFESTS + "/05-invalid-objects.yaml:13:1: Service has no metadata.name",
                "error: " + MANIFESTS + "/05-invalid-objects.yaml:17:1: not a Kubernetes object (expected a mapping"
                        + " with apiVersion and kind)",
                "clbguard validate: 6 file(s), 6 Service/Ingress checked, 5 other object(s) skipped; 2 denied,"
                        + " 1 warning(s), 6 input error(s)"), r.err());
        assertEquals(2, r.code(), "input errors win over denials: the check was incomplete");
    }

    @Test
    void fixtureManifestsOnAnElasticClusterAreDenied() {
        Run r = run(Map.of(), "", args(PROFILE, "--elastic", "--offline", "--policies", POLICIES, FIXTURES));
        assertEquals(lines(
                FIXTURES + "/ing-noclass.yaml:1: WARN ingress-class-default Ingress shop/storefront" + NO_CLASS,
                FIXTURES + "/svc-clusterip.yaml:1: DENY elastic-service-types Service shop/backend" + NOT_HEADLESS,
                FIXTURES + "/svc-nodeport.yaml:1: DENY elastic-service-types Service shop/backend-np" + NODE_PORT), r.out());
        assertEquals(lines("clbguard validate: 10 file(s), 10 Service/Ingress checked, 0 other object(s) skipped;"
                + " 2 denied, 1 warning(s), 0 input error(s)"), r.err());
        assertEquals(1, r.code());
    }

    @Test
    void profileFromTheEnvironmentAndFlagsWin() {
        Run plain = run(ENV_PROFILE, "", List.of("--offline", "--policies", POLICIES, FIXTURES));
        assertEquals(lines(FIXTURES + "/ing-noclass.yaml:1: WARN ingress-class-default Ingress shop/storefront" + NO_CLASS),
                plain.out());
        assertEquals(0, plain.code(), "a standard cluster allows every fixture");

        Map<String, String> elasticEnv = new java.util.HashMap<>(ENV_PROFILE);
        elasticEnv.put("CLBGUARD_CLUSTER_ELASTIC", "true");
        elasticEnv.put("CLBGUARD_INGRESS_DEFAULT_CLASS", "internal");
        Run elastic = run(elasticEnv, "", List.of("--offline", "--policies", POLICIES, FIXTURES));
        assertEquals(1, elastic.code());
        assertTrue(elastic.out().contains("Ingress shop/storefront: had no class, so clbguard set kubernetes.io/ingress.class=internal"),
                elastic.out());

        Run overridden = run(elasticEnv, "", List.of("--offline", "--elastic=false", "--default-class", "qcloud",
                "--policies", POLICIES, FIXTURES));
        assertEquals(plain.out(), overridden.out());
        assertEquals(0, overridden.code());
    }

    @Test
    void clbStateFileGivesTheSameVerdictsWhereNoPolicyNeedsACLB() {
        Run seeded = run(ENV_PROFILE, "", List.of("--elastic", "--clb-state", CLI + "clb-state.yaml", "--policies", POLICIES,
                FIXTURES));
        Run offline = run(ENV_PROFILE, "", List.of("--elastic", "--offline", "--policies", POLICIES, FIXTURES));
        assertEquals(offline.out(), seeded.out());
        assertEquals(1, seeded.code());
    }

    @Test
    void stdinTakesKustomizeOutput() throws IOException {
        StringBuilder stream = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of(FIXTURES))) {
            for (Path p : files.sorted().toList()) {
                stream.append("---\n").append(Files.readString(p));
            }
        }
        Run fromDir = run(Map.of(), "", args(PROFILE, "--elastic", "--offline", "--policies", POLICIES, FIXTURES));
        Run fromStdin = run(Map.of(), stream.toString(), args(PROFILE, "--elastic", "--offline", "--policies", POLICIES, "-"));
        assertEquals(fromDir.out().replaceAll("(?m)^[^ ]+:\\d+: ", ""), fromStdin.out().replaceAll("(?m)^<stdin>:\\d+: ", ""));
        // Where in the stream: the line of each object's document (after its "---").
        assertEquals(List.of("<stdin>:38:", "<stdin>:48:", "<stdin>:92:"),
                fromStdin.out().lines().map(l -> l.substring(0, l.indexOf(' '))).toList());
        assertEquals(1, fromStdin.code());
        assertEquals(lines("clbguard validate: 1 file(s), 10 Service/Ingress checked, 0 other object(s) skipped;"
                + " 2 denied, 1 warning(s), 0 input error(s)"), fromStdin.err());
    }

    @Test
    void stdinTakesJsonAndManifestsWithoutNamespaceGoToTheNamespaceFlag() {
        String json = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"np\"},"
                + "\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}}";
        Run r = run(Map.of(), json, args(PROFILE, "--elastic", "--offline", "-n", "team-a", "--policies", POLICIES, "-"));
        assertEquals(lines("<stdin>:1: DENY elastic-service-types Service team-a/np" + NODE_PORT), r.out());
        assertEquals(1, r.code());

        Run exempt = run(Map.of(), json, args(PROFILE, "--elastic", "--offline", "-n", "kube-system", "--policies", POLICIES, "-"));
        assertEquals("", exempt.out(), "kube-system is exempt by default, as in the server");
        assertEquals(0, exempt.code());
    }

    @Test
    void jsonOutput() throws IOException {
        Run r = run(Map.of(), "", args(PROFILE, "--elastic", "--offline", "--policies", POLICIES, "--output", "json",
                MANIFESTS + "/01-shop.yaml", MANIFESTS + "/02-broken.yaml"));
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(2, root.get("findings").size());
        JsonNode deny = root.get("findings").get(0);
        assertEquals("DENY", deny.get("effect").asText());
        assertEquals("elastic-service-types", deny.get("policy").asText());
        assertEquals("Service", deny.get("kind").asText());
        assertEquals("shop", deny.get("namespace").asText());
        assertEquals("backend", deny.get("name").asText());
        assertEquals(MANIFESTS + "/01-shop.yaml", deny.get("file").asText());
        assertEquals(11, deny.get("line").asInt());
        assertEquals("elastic-service-types: Service shop/backend" + NOT_HEADLESS.substring(1), deny.get("message").asText());
        assertEquals("WARN", root.get("findings").get(1).get("effect").asText());
        assertEquals(1, root.get("errors").size());
        assertEquals(11, root.get("errors").get(0).get("line").asInt());
        assertEquals(13, root.get("errors").get(0).get("column").asInt());
        assertEquals(2, root.get("summary").get("files").asInt());
        assertEquals(3, root.get("summary").get("checked").asInt());
        assertEquals(1, root.get("summary").get("skipped").asInt());
        assertEquals(2, root.get("exitCode").asInt());
        assertEquals(2, r.code());
    }

    @Test
    void aMissingPathIsAnInputErrorAndTheRestIsStillChecked() {
        Run r = run(Map.of(), "", args(PROFILE, "--elastic", "--offline", "--policies", POLICIES,
                CLI + "no-such-dir", FIXTURES + "/svc-nodeport.yaml"));
        assertEquals(lines(FIXTURES + "/svc-nodeport.yaml:1: DENY elastic-service-types Service shop/backend-np" + NODE_PORT),
                r.out());
        assertTrue(r.err().startsWith("error: " + CLI + "no-such-dir: no such file or directory\n"), r.err());
        assertEquals(2, r.code());
    }

    @Test
    void usageErrors() {
        assertUsage(run(Map.of(), "", List.of("--offline", "--policies", POLICIES)), "Missing required parameter");
        assertUsage(run(Map.of(), "", List.of("--policies", POLICIES, FIXTURES)),
                "error: the cluster profile needs --cluster-id (or CLBGUARD_CLUSTER_ID); only --offline runs without it");
        assertUsage(run(ENV_PROFILE, "", List.of("--policies", POLICIES, FIXTURES)),
                "error: no Tencent Cloud credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or TKE"
                        + " workload identity (TKE_ROLE_ARN, TKE_WEB_IDENTITY_TOKEN_FILE, TKE_PROVIDER_ID, TKE_REGION);"
                        + " or pass --clb-state FILE or --offline");
        assertUsage(run(ENV_PROFILE, "", List.of("--offline", "--clb-state", CLI + "clb-state.yaml", "--policies", POLICIES,
                FIXTURES)), "error: --offline and --clb-state exclude each other");
        assertUsage(run(ENV_PROFILE, "", List.of("--offline", "-o", "xml", "--policies", POLICIES, FIXTURES)),
                "error: --output must be text, json or junit, not 'xml'");
        assertUsage(run(ENV_PROFILE, "", List.of("--offline", "--policies", CLI + "nothing-here", FIXTURES)),
                "error: policy directory " + CLI + "nothing-here does not exist; pass --policies DIR");
        assertUsage(run(ENV_PROFILE, "", List.of("--offline", "--vpc-id", "my-vpc", "--policies", POLICIES, FIXTURES)),
                "error: --vpc-id (clbguard.cluster.vpc-id) 'my-vpc' does not look right: expected vpc-[a-z0-9]{8}");
        assertUsage(run(ENV_PROFILE, "", List.of("--offline", "--elastic=maybe", "--policies", POLICIES, FIXTURES)),
                "Invalid value for option '--elastic'");
        assertUsage(run(ENV_PROFILE, "", List.of("--clb-state", CLI + "manifests/02-broken.yaml", "--policies", POLICIES,
                FIXTURES)), "error: --clb-state " + CLI + "manifests/02-broken.yaml:1:1: not a valid CLB state file: unknown"
                + " field apiVersion (known here: loadBalancers)");
    }

    @Test
    void everyMalformedClusterSettingIsReportedAtOnce() {
        Map<String, String> env = Map.of("CLBGUARD_CLUSTER_ELASTIC", "sometimes");
        Run r = run(env, "", List.of("--cluster-id", "CLS-1", "--vpc-id", "my-vpc", "--owner-uin", "abc",
                "--policies", POLICIES, FIXTURES));
        assertEquals("", r.out());
        assertEquals(lines(
                "error: --cluster-id (clbguard.cluster.id) 'CLS-1' does not look right: expected cls-[a-z0-9]{8}",
                "error: the cluster profile needs --region (or CLBGUARD_CLUSTER_REGION); only --offline runs without it",
                "error: --vpc-id (clbguard.cluster.vpc-id) 'my-vpc' does not look right: expected vpc-[a-z0-9]{8}",
                "error: --owner-uin (clbguard.cluster.owner-uin) 'abc' does not look right: expected [0-9]{5,20}",
                "error: clbguard.cluster.elastic (CLBGUARD_CLUSTER_ELASTIC) must be true or false, not 'sometimes'"),
                r.err());
        assertEquals(2, r.code());
    }

    @Test
    void anInvalidPolicyFileStopsTheRunNamingEveryErrorOfEveryDocument(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "id: elastic-service-types\nmode: enforce\nparameters: {nodePort: maybe}\n");
        Files.writeString(dir.resolve("b.yaml"), "id: clb-annotations\nmode: enforce\n---\nid: clb-transitions\nmode: audit\n"
                + "exempt: [tools]\nonLookupFailure: retry\n");
        Run r = run(ENV_PROFILE, "", List.of("--offline", "--policies", dir.toString(), FIXTURES));
        assertEquals("", r.out());
        assertEquals(lines("error: invalid policy file: " + dir.resolve("a.yaml") + " (document 1): policy elastic-service-types:"
                + " parameter nodePort must be one of [deny, allow], not 'maybe'",
                "error: invalid policy file: " + dir.resolve("b.yaml") + " (document 2): unknown key 'exempt' (known: description,"
                        + " exemptNamespaces, id, mode, onLookupFailure, parameters)",
                "error: invalid policy file: " + dir.resolve("b.yaml") + " (document 2): policy clb-transitions: mode must be"
                        + " enforce, warn or off, not 'audit'",
                "error: invalid policy file: " + dir.resolve("b.yaml") + " (document 2): policy clb-transitions:"
                        + " onLookupFailure must be deny or allow-with-warning, not 'retry'"), r.err());
        assertEquals(2, r.code());
    }

    @Test
    void policyDirectoryAndProfileFromSystemPropertiesLikeTheServer() {
        Properties sys = new Properties();
        sys.setProperty("clbguard.policies.dir", POLICIES);
        sys.setProperty("clbguard.cluster.elastic", "true");
        StringWriter out = new StringWriter();
        int code = ValidateCommand.execute(new String[] { "--offline", FIXTURES + "/svc-nodeport.yaml" },
                new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(new StringWriter()),
                Map.of("CLBGUARD_CLUSTER_ELASTIC", "false"), sys);
        assertEquals(lines(FIXTURES + "/svc-nodeport.yaml:1: DENY elastic-service-types Service shop/backend-np" + NODE_PORT),
                out.toString());
        assertEquals(1, code);
    }

    private static void assertUsage(Run r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains(expected), "expected <" + expected + "> in:\n" + r.err());
    }
}
