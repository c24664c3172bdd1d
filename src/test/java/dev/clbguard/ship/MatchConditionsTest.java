package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.clbguard.admission.Fixtures;
import dev.clbguard.policy.tke.Ownership;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;

/**
 * The shipped matchConditions evaluated with CEL, as the API server evaluates them (all must be true for the
 * call to be made), on the API server's own captured request objects: only a Service of clbguard's class is sent
 * to /mutate as a Service, and objects being deleted never are.
 */
class MatchConditionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("object", SimpleType.DYN)
            .addVar("oldObject", SimpleType.DYN).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static MutatingWebhook serviceHook;

    @BeforeAll
    static void read() {
        List<HasMetadata> base = Manifests.parse(Manifests.ROOT.resolve("base/webhooks.yaml"));
        serviceHook = Manifests.one(base, MutatingWebhookConfiguration.class, "clbguard").getWebhooks().stream()
                .filter(w -> w.getRules().stream().anyMatch(r -> r.getResources().contains("services")))
                .findFirst().orElseThrow();
    }

    /** Whether the API server would call the webhook for this object: every condition true. */
    static boolean called(MutatingWebhook hook, JsonNode object) throws Exception {
        Map<String, Object> vars = Map.of("object", plain(object), "oldObject", plain(null));
        for (MatchCondition c : hook.getMatchConditions()) {
            var ast = COMPILER.compile(c.getExpression()).getAst();
            Object result = RUNTIME.createProgram(ast).eval(vars);
            if (!(result instanceof Boolean b)) {
                throw new AssertionError(c.getName() + " is not a boolean expression: " + result);
            }
            if (!b) {
                return false;
            }
        }
        return true;
    }

    /** JSON as CEL's dynamic values: maps, lists, strings, longs, doubles, booleans. */
    static Object plain(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return dev.cel.common.values.NullValue.NULL_VALUE;
        }
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(plain(e)));
            return l;
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        return n.asText();
    }

    @Test
    void onlyServicesOfClbguardsClassAreSentToMutate() throws Exception {
        assertEquals(List.of("CREATE"), serviceHook.getRules().get(0).getOperations());
        int services = 0;
        for (var path : Fixtures.all()) {
            JsonNode request = JSON.readTree(Fixtures.read(path)).path("request");
            JsonNode object = request.path("object");
            if (!"Service".equals(object.path("kind").asText())) {
                continue;
            }
            services++;
            assertFalse(called(serviceHook, object), path + ": a Service without the class must not pay for the call");
            ObjectNode mine = object.deepCopy();
            ((ObjectNode) mine.path("spec")).put("loadBalancerClass", Ownership.LOAD_BALANCER_CLASS);
            boolean deleting = object.path("metadata").has("deletionTimestamp");
            assertEquals(!deleting, called(serviceHook, mine), path + " with class " + Ownership.LOAD_BALANCER_CLASS);
            ((ObjectNode) mine.path("spec")).put("loadBalancerClass", "example.com/other");
            assertFalse(called(serviceHook, mine), path + " with another class");
        }
        assertTrue(services > 5, "the fixtures hold Service requests: " + services);
    }

    @Test
    void anObjectBeingDeletedIsNeverSent() throws Exception {
        ObjectNode svc = (ObjectNode) JSON.readTree("{\"kind\":\"Service\",\"metadata\":{\"name\":\"api\","
                + "\"deletionTimestamp\":\"2026-11-23T08:35:07Z\"},\"spec\":{\"type\":\"LoadBalancer\","
                + "\"loadBalancerClass\":\"clbguard.dev/clb\"}}");
        assertFalse(called(serviceHook, svc));
        ((ObjectNode) svc.path("metadata")).remove("deletionTimestamp");
        assertTrue(called(serviceHook, svc));
    }
}
