package dev.clbguard.cli;

import static dev.clbguard.cli.ValidateCommandTest.PROFILE;
import static dev.clbguard.cli.ValidateCommandTest.args;
import static dev.clbguard.cli.ValidateCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.clbguard.admission.Fixtures;
import dev.clbguard.kube.KubeJson;
import dev.clbguard.policy.ResourceKind;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * A manifest the cluster would refuse never passes: each file of src/test/resources/cli/api-server/ is validated and
 * its input errors must be exactly the lines of the .expected file beside it (file:line:column, object, field path,
 * what kube-apiserver would say). And no false alarm: what kube-apiserver itself stored and sent (the fixture
 * requests' objects) and every example manifest decode without one.
 */
class ApiServerRefusalsTest {

    static final Path CASES = Path.of("src/test/resources/cli/api-server");

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> files = Files.list(CASES)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCaseGivesTheApiServersAnswers(Path manifest) throws IOException {
        Path expectedFile = Path.of(manifest.toString().replace(".yaml", ".expected"));
        List<String> expected = Files.readAllLines(expectedFile).stream().filter(l -> !l.isBlank())
                .map(l -> "error: " + CASES + "/" + l).toList();
        ValidateCommandTest.Run r = run(Map.of(), "", args(PROFILE, "--offline", "--policies", "policies", manifest.toString()));
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(expected, errors);
        if (expected.isEmpty()) {
            assertTrue(r.code() < 2, r.err());
            assertTrue(r.err().contains(" 0 input error(s)"), r.err());
        } else {
            assertEquals(2, r.code(), "the API server's refusal is an input error");
            assertTrue(r.err().contains(" 0 Service/Ingress checked"), "a refused object is not judged: " + r.err());
        }
    }

    @Test
    void whatTheApiServerStoredDecodesWithoutARefusal() {
        List<String> refusals = new ArrayList<>();
        int objects = 0;
        for (Path request : Fixtures.all()) {
            JsonNode req = Fixtures.tree(request.getFileName().toString().substring(0, 3)).get("request");
            for (String field : List.of("object", "oldObject")) {
                JsonNode o = req.get(field);
                if (o == null || o.isNull()) {
                    continue;
                }
                objects++;
                boolean service = "Service".equals(o.path("kind").asText());
                StrictDecoding.check(o, service ? Service.class : Ingress.class).forEach(x -> refusals.add(request + ": " + x));
                SupportedValues.check(service ? ResourceKind.SERVICE : ResourceKind.INGRESS, o)
                        .forEach(x -> refusals.add(request + ": " + x));
            }
        }
        assertTrue(objects > 50, "the fixtures hold objects: " + objects);
        assertEquals(List.of(), refusals);
    }

    @Test
    void theExampleManifestsHaveNoInputError() {
        for (String dir : List.of("examples/manifests", "src/test/resources/fixtures/apiserver-1.28/manifests")) {
            ValidateCommandTest.Run r = run(Map.of(), "", args(PROFILE, "--offline", "--policies", "policies", dir));
            assertTrue(r.err().endsWith(" 0 input error(s)\n"), dir + ":\n" + r.err());
        }
    }

    @Test
    void aTreeTheModelsWroteDecodesToo() {
        Service svc = new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName("a")
                .addToAnnotations("x", "y").endMetadata().withNewSpec().withType("LoadBalancer").addNewPort().withPort(80)
                .withNewTargetPort(8080).endPort().endSpec().build();
        assertEquals(List.of(), StrictDecoding.check(KubeJson.mapper().valueToTree(svc), Service.class));
    }
}
