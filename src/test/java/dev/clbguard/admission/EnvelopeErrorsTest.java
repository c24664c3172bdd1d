package dev.clbguard.admission;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Bodies that are not an AdmissionReview we can answer: 400 with one plain line naming the defect, never a stack
 * trace; bodies over 7 MiB: 413. A large but allowed body is still answered.
 */
@QuarkusTest
class EnvelopeErrorsTest {

    private static final int MIB = 1024 * 1024;

    @TestHTTPResource("/validate")
    URI validate;

    static Stream<Arguments> badBodies() {
        ObjectNode v1beta1 = Fixtures.tree("010");
        v1beta1.put("apiVersion", "admission.k8s.io/v1beta1");
        ObjectNode wrongKind = Fixtures.tree("010");
        wrongKind.put("kind", "AdmissionRequest");
        ObjectNode noRequest = Fixtures.tree("010");
        noRequest.remove("request");
        ObjectNode noUid = Fixtures.tree("010");
        ((ObjectNode) noUid.get("request")).remove("uid");
        ObjectNode emptyUid = Fixtures.tree("009");
        ((ObjectNode) emptyUid.get("request")).put("uid", "");
        ObjectNode requestNotObject = Fixtures.tree("009");
        requestNotObject.put("request", "CREATE");
        return Stream.of(
                Arguments.of("bad JSON", Fixtures.body("010").substring(0, 300), "not valid JSON"),
                Arguments.of("JSON array", "[]", "JSON object"),
                Arguments.of("JSON string", "\"AdmissionReview\"", "JSON object"),
                Arguments.of("wrong apiVersion", v1beta1.toString(), "apiVersion must be admission.k8s.io/v1"),
                Arguments.of("wrong kind", wrongKind.toString(), "kind must be AdmissionReview"),
                Arguments.of("missing request", noRequest.toString(), "request is missing"),
                Arguments.of("request not an object", requestNotObject.toString(), "request is missing"),
                Arguments.of("missing uid", noUid.toString(), "request.uid is missing"),
                Arguments.of("empty uid", emptyUid.toString(), "request.uid is missing"),
                Arguments.of("deep nesting", "[".repeat(5000) + "]".repeat(5000), "not valid JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badEnvelopeIsA400WithAPlainMessage(String name, String body, String expected) {
        for (String path : new String[] { "/validate", "/mutate" }) {
            Response r = given().contentType("application/json").body(body).post(path);
            r.then().statusCode(400).contentType(containsString("text/plain")).body(containsString(expected));
            assertPlainLine(r.asString());
        }
    }

    @Test
    void emptyBodyIsA400() {
        for (String path : new String[] { "/validate", "/mutate" }) {
            Response r = given().contentType("application/json").post(path);
            r.then().statusCode(400).contentType(containsString("text/plain")).body(containsString("empty body"));
            assertPlainLine(r.asString());
        }
    }

    @Test
    void bodyOverSevenMebibytesIsA413() throws Exception {
        // The API server announces the length; the answer must come before the body is read. Only the headers
        // are sent: a client still writing when the server closes may lose the answer to a TCP reset.
        try (Socket socket = new Socket(validate.getHost(), validate.getPort())) {
            socket.setSoTimeout(10_000);
            String head = "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (7 * MIB + 1024) + "\r\n\r\n{\"kind\":\"AdmissionReview\"";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertEquals("HTTP/1.1 413 Request Entity Too Large", statusLine(socket));
        }
    }

    @Test
    void chunkedBodyOverSevenMebibytesIsA413AndCounted() throws Exception {
        // Without a Content-Length the limit can only be found while reading: the route's body handler refuses it.
        try (Socket socket = new Socket(validate.getHost(), validate.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int sent = 0; sent <= 7 * MIB; sent += chunk.length) {
                out.write(size);
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 413 Request Entity Too Large", statusLine(socket));
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("clbguard_admission_requests_total{")
                && l.contains("webhook=\"validate\"") && l.contains("result=\"too-large\"")), "413 not counted");
    }

    @Test
    void largeObjectJustUnderTheLimitIsAnswered() {
        ObjectNode review = Fixtures.tree("010");
        ObjectNode annotations = ((ObjectNode) review.path("request").path("object").path("metadata"))
                .putObject("annotations");
        int room = 7 * MIB - review.toString().length() - 4096;
        annotations.put("example.com/blob", "x".repeat(room));
        String body = review.toString();
        assertTrue(body.length() > 7 * MIB - 8192 && body.length() < 7 * MIB, "body size " + body.length());
        // 010 is a ClusterIP Service on an elastic cluster: its size must not change the verdict.
        given().contentType("application/json").body(body).post("/validate")
                .then().statusCode(200).body("response.uid", org.hamcrest.Matchers.equalTo(
                        review.path("request").path("uid").asText()))
                .body("response.allowed", org.hamcrest.Matchers.equalTo(false));
    }

    private static String statusLine(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    /** One line, no Java internals. */
    static void assertPlainLine(String body) {
        String text = body.strip();
        assertFalse(text.isEmpty(), "message expected");
        assertFalse(text.contains("\n"), "one line expected: " + body);
        for (String leak : new String[] { "Exception", "\tat ", "at dev.clbguard", "at com.fasterxml", "java." }) {
            assertFalse(text.contains(leak), "internals leak into the response: " + body);
        }
        assertTrue(text.length() <= 400, "message too long: " + text.length());
    }
}
