package dev.clbguard.admission;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The webhook's HTTP edge as a new user meets it with curl: only POST /validate and /mutate exist, other methods
 * are 405 with Allow, bodies that are not JSON 415, broken JSON a 400 in plain words; and no client mistake ever
 * makes an ERROR line in the log.
 */
@QuarkusTest
class WebhookHttpEdgeTest {

    @TestHTTPResource("/")
    URI base;

    private final List<LogRecord> errors = new ArrayList<>();
    private final Handler collect = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                synchronized (errors) {
                    errors.add(r);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(collect);
    }

    /** Every test here is a client's mistake: none may log at ERROR (the level operators alert on). */
    @AfterEach
    void noErrorLine() {
        Logger.getLogger("").removeHandler(collect);
        synchronized (errors) {
            assertTrue(errors.isEmpty(), () -> "ERROR log lines for a client mistake: "
                    + errors.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "/offline", "/audit", "/OFFLINE", "/validate/x", "/mutatex", "/admission" })
    void onlyTheTwoWebhookPathsExist(String path) {
        given().contentType("application/json").body(Fixtures.body("010")).post(path).then().statusCode(404);
    }

    @Test
    void otherMethodsAre405WithAllow() {
        for (String path : new String[] { "/validate", "/mutate" }) {
            for (String method : new String[] { "GET", "PUT", "DELETE", "PATCH" }) {
                Response r = given().contentType("application/json").body("{}").request(method, path);
                r.then().statusCode(405).header("Allow", "POST").contentType(containsString("text/plain"))
                        .body(equalTo(method + " is not allowed on " + path + ": the admission webhook answers POST only\n"));
            }
        }
    }

    @Test
    void curlsDefaultFormTypeIsA415NamingJson() {
        // What `curl --data @examples/service-clusterip-validate.json` sends: a real review, as a form.
        String review = Fixtures.body("010");
        assertTrue(review.length() > 2048, "larger than a form attribute may be (quarkus.http.limits.max-form-attribute-size)");
        for (String path : new String[] { "/validate", "/mutate" }) {
            Response r = given().contentType("application/x-www-form-urlencoded").body(review).post(path);
            r.then().statusCode(415).contentType(containsString("text/plain"));
            assertEquals("Content-Type must be application/json, not 'application/x-www-form-urlencoded; charset=ISO-8859-1'"
                    + " (curl: -H 'Content-Type: application/json')\n", r.asString());
        }
    }

    @Test
    void theConnectionServesTheNextRequestAfterA415() throws Exception {
        // The refused body is never read by a handler: the connection must still be in step for the next request.
        byte[] form = Fixtures.body("010").getBytes(StandardCharsets.UTF_8);
        byte[] json = Fixtures.body("014").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head("application/x-www-form-urlencoded", form.length));
            out.write(form);
            out.write(head("application/json", json.length));
            out.write(json);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 415 Unsupported Media Type", in.readLine());
            skipBody(in);
            assertEquals("HTTP/1.1 200 OK", in.readLine());
        }
    }

    private static byte[] head(String type, int length) {
        return ("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type + "\r\nContent-Length: " + length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void skipBody(BufferedReader in) throws IOException {
        int length = 0;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        assertEquals(length, in.skip(length)); // the 415 text is ASCII: one char per byte
    }

    @Test
    void otherTypesAndNoTypeAre415() throws Exception {
        given().contentType("text/plain").body(Fixtures.body("010")).post("/validate").then().statusCode(415)
                .body(equalTo("Content-Type must be application/json, not 'text/plain; charset=ISO-8859-1'"
                        + " (curl: -H 'Content-Type: application/json')\n"));
        // RestAssured always sends a type; the JDK client sends none unless told.
        HttpResponse<String> none = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("mutate"))
                .POST(HttpRequest.BodyPublishers.ofString(Fixtures.body("009"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, none.statusCode());
        assertEquals("Content-Type must be application/json, not missing (curl: -H 'Content-Type: application/json')\n",
                none.body());
        HttpResponse<String> multipart = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("validate"))
                .header("Content-Type", "multipart/form-data; boundary=x").POST(HttpRequest.BodyPublishers.ofString("--x--\r\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, multipart.statusCode(), multipart.body());
    }

    @Test
    void jsonWithCharsetIsServed() {
        given().contentType("application/json; charset=utf-8").body(Fixtures.body("010")).post("/validate").then()
                .statusCode(200).body("response.allowed", equalTo(false));
    }

    @Test
    void brokenJsonIsA400InPlainWords() {
        String cut = Fixtures.body("010").substring(0, 300);
        for (String path : new String[] { "/validate", "/mutate" }) {
            Response r = given().contentType("application/json").body(cut).post(path);
            r.then().statusCode(400).contentType(containsString("text/plain"));
            String text = r.asString();
            assertTrue(text.startsWith("body is not valid JSON: the body ends before an object, array or string is closed"
                    + " (is it cut short?) at line "), text);
            for (String internal : new String[] { "Source", "REDACTED", "StreamReadFeature", "marker", "JsonToken", "`" }) {
                assertTrue(!text.contains(internal), "parser internals in the answer: " + text);
            }
            EnvelopeErrorsTest.assertPlainLine(text);
        }
        given().contentType("application/json").body("{\"kind\":\"AdmissionReview\",}").post("/validate").then()
                .statusCode(400).body(equalTo("body is not valid JSON: unexpected character '}': field names must be in"
                        + " double quotes at line 1, column 27\n"));
    }

    @Test
    void malformedEnvelopeAndEmptyBodyLogNoError() {
        given().contentType("application/json").body("[]").post("/validate").then().statusCode(400);
        given().contentType("application/json").post("/mutate").then().statusCode(400);
        given().contentType("application/json").body("[".repeat(5000)).post("/validate").then().statusCode(400);
    }
}
