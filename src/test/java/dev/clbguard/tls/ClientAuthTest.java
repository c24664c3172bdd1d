package dev.clbguard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.logging.Handler;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

import dev.clbguard.admission.Fixtures;
import dev.clbguard.logging.JsonLogFormatter;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * With clbguard.tls.client-auth=required only a caller presenting a certificate from the configured CA (the API
 * server, configured with a client certificate for the webhook) gets an answer; and clbguard.log.json=true
 * puts the console in JSON.
 */
@QuarkusTest
@TestProfile(ClientAuthProfile.class)
class ClientAuthTest {

    @Test
    void onlyACallerWithTheTrustedClientCertificateIsAnswered() throws Exception {
        HttpRequest validate = HttpRequest.newBuilder(URI.create("https://localhost:" + ClientAuthProfile.PORT + "/validate"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Fixtures.body("036"))).build();
        HttpResponse<String> ok = client(true).send(validate, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("\"allowed\":true"), ok.body());
        assertThrows(IOException.class, () -> client(false).send(validate, HttpResponse.BodyHandlers.ofString()),
                "a caller without a client certificate must not get through the handshake");
    }

    @Test
    void consoleLogsInJson() {
        assertTrue(formatters(LogContext.getLogContext().getLogger("").getHandlers()) > 0, "no console handler formats JSON");
    }

    private static int formatters(Handler[] handlers) {
        int n = 0;
        for (Handler h : handlers) {
            if (h instanceof ConsoleHandler c && c.getFormatter() instanceof JsonLogFormatter) {
                n++;
            } else if (h instanceof ExtHandler e) {
                n += formatters(e.getHandlers());
            }
        }
        return n;
    }

    /** Trusts the server's self-signed certificate; presents the client certificate when asked to. */
    private static HttpClient client(boolean withCertificate) throws Exception {
        X509Certificate server = (X509Certificate) TestCertificates.keyStore(ClientAuthProfile.SERVER).getCertificate("serving");
        SSLContext ctx = SSLContext.getInstance("TLS");
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(TestCertificates.keyStore(ClientAuthProfile.CLIENT), "changeit".toCharArray());
        }
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), TestCertificates.trusting(server), null);
        return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
    }
}
