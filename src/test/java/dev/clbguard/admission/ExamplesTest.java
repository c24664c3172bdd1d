package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.clbguard.kube.KubeJson;
import io.quarkus.test.junit.QuarkusTest;

/** The bodies in examples/ that docs/admission.md uses: still the real fixtures, still answered as documented. */
@QuarkusTest
class ExamplesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "service-clusterip-validate.json, 010, /validate, false, false",
            "ingress-without-class-mutate.json, 007, /mutate, true, true",
            "service-loadbalancer-validate.json, 016, /validate, true, false" })
    void exampleIsAFixtureAnsweredAsDocumented(String file, String fixture, String path, boolean allowed, boolean patched)
            throws Exception {
        JsonNode example = KubeJson.mapper().readTree(Files.readString(Path.of("examples", file)));
        assertEquals(Fixtures.tree(fixture), example, file + " differs from fixture " + fixture);
        JsonNode response = IngressClassPatchTest.post(path, example);
        assertEquals(allowed, response.path("allowed").asBoolean(), response.toString());
        assertEquals(patched, response.has("patch"), response.toString());
        if (!allowed) {
            assertTrue(response.path("status").path("message").asText().startsWith("elastic-service-types: Service shop/backend"),
                    response.toString());
        }
    }
}
