package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.kube.KubeJson;


/** A body that is not JSON: what is wrong and where (line, column of the culprit), in the sender's words. */
class MalformedJsonMessageTest {

    private static final String BARE_WORD = " is not a JSON value (strings need double quotes; the only bare words are"
            + " true, false and null)";
    private final AdmissionCodec codec = new AdmissionCodec(KubeJson.mapper());

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            cut short       | {"kind":"AdmissionReview","request":{"uid":"a"                | the body ends before an object, array or string is closed (is it cut short?) at line 1, column 47
            cut in a string | {"kind":"Admiss                                               | the body ends before an object, array or string is closed (is it cut short?) at line 1, column 16
            unquoted name   | {kind:"AdmissionReview"}                                      | unexpected character 'k': field names must be in double quotes at line 1, column 2
            missing colon   | {"kind" "AdmissionReview"}                                    | unexpected character '"': expected ':' after a field name at line 1, column 9
            missing comma   | {"kind":"AdmissionReview" "apiVersion":"admission.k8s.io/v1"} | unexpected character '"': expected ',' or '}' after a field's value at line 1, column 27
            array comma     | {"a":[1 2]}                                                   | unexpected character '2': expected ',' or ']' after an array element at line 1, column 9
            single quotes   | {'kind':'AdmissionReview'}                                    | unexpected character ''': field names must be in double quotes at line 1, column 2
            """)
    void saysWhatAndWhere(String name, String body, String expected) {
        assertEquals("body is not valid JSON: " + expected, message(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bareWord() {
        assertEquals("body is not valid JSON: 'AdmissionReview'" + BARE_WORD + " at line 1, column 9",
                message("{\"kind\":AdmissionReview}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void latin1InsteadOfUtf8() {
        byte[] body = { '{', '"', 'k', '"', ':', '"', 'c', 'a', 'f', (byte) 0xe9, '"', '}' };
        assertEquals("body is not valid JSON: the body is not UTF-8 text at line 1, column 12", message(body));
    }

    @ParameterizedTest(name = "line {0}")
    @CsvSource({ "3", "7" })
    void countsLinesOfAPrettyPrintedBody(int brokenLine) {
        StringBuilder body = new StringBuilder("{\n");
        for (int i = 2; i < brokenLine; i++) {
            body.append("  \"f").append(i).append("\": 1,\n");
        }
        body.append("  \"kind\": AdmissionReview\n}\n");
        assertEquals("body is not valid JSON: 'AdmissionReview'" + BARE_WORD + " at line " + brokenLine + ", column 11",
                message(body.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "depth {0}")
    @CsvSource({ "101", "5000" })
    void tooDeep(int depth) {
        assertEquals("body is not valid JSON: objects and arrays are nested deeper than 100 levels",
                message(("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ports an object  | /request/object/spec         | ports    | {}     | spec.ports must be a list
            ports a string   | /request/object/spec         | ports    | "abc"  | spec.ports must be a list
            port a word      | /request/object/spec/ports/0 | port     | "eighty" | spec.ports[0].port must be a number, not 'eighty'
            port an object   | /request/object/spec/ports/0 | port     | {"a":1} | spec.ports[0].port must be a number
            metadata a list  | /request/object              | metadata | []     | metadata must be a mapping
            selector a list  | /request/object/spec         | selector | ["a"]  | spec.selector must be a mapping
            """)
    void anObjectOfTheWrongShapeIsNamedByItsFieldPath(String name, String parent, String field, String value, String expected)
            throws Exception {
        ObjectNode review = Fixtures.tree("010");
        ((ObjectNode) review.at(parent)).set(field, KubeJson.mapper().readTree(value));
        IncomingReview in = codec.decode(review.toString().getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE);
        assertEquals("request.object is not a valid Service: " + expected, in.undecodable());
    }

    private String message(byte[] body) {
        return assertThrows(BadAdmissionRequest.class, () -> codec.decode(body, Webhook.VALIDATE)).getMessage();
    }
}
