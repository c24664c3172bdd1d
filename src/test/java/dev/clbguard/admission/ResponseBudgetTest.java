package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.clbguard.kube.KubeJson;
import io.quarkus.test.junit.QuarkusTest;

/**
 * For every real request: warnings within the API server's budget (each ≤ 256 runes, all ≤ 4,096) and
 * auditAnnotations keys that are valid qualified-name parts (the API server prefixes them with the webhook name).
 */
@QuarkusTest
class ResponseBudgetTest {

    /** Kubernetes' qualified name part: ≤ 63 characters, alphanumeric at both ends, '-', '_' and '.' inside. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    static Stream<Path> fixtures() {
        return Fixtures.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void warningsAndAuditAnnotationsAreValid(Path fixture) throws Exception {
        JsonNode request = KubeJson.mapper().readTree(Fixtures.read(fixture));
        check(IngressClassPatchTest.post(Fixtures.path(fixture), request));
    }

    @Test
    void theAnswersCheckedAboveDoCarryWarningsAndAudit() {
        // Guards the parameterized test against passing on empty answers: 007 is patched with a warning.
        JsonNode response = IngressClassPatchTest.post("/mutate", Fixtures.tree("007"));
        assertTrue(response.path("warnings").size() > 0, response.toString());
        assertTrue(response.path("auditAnnotations").size() > 0, response.toString());
        check(response);
    }

    private static void check(JsonNode response) {
        int total = 0;
        for (JsonNode w : response.path("warnings")) {
            String text = w.asText();
            int runes = text.codePointCount(0, text.length());
            assertTrue(w.isTextual() && !text.isBlank() && runes <= Warnings.EACH && !text.contains("\n"), "warning: " + text);
            total += runes;
        }
        assertTrue(total <= Warnings.TOTAL, "warnings total " + total);
        JsonNode audit = response.path("auditAnnotations");
        for (Iterator<String> keys = audit.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            assertTrue(NAME.matcher(key).matches(), "audit annotation key is not a qualified name: " + key);
            assertTrue(audit.get(key).isTextual(), "audit annotation values are strings: " + audit);
        }
    }
}
