package dev.clbguard.tls;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.inject.Inject;
import io.quarkus.test.junit.TestProfile;

/**
 * A renewed certificate written over the mounted files is served without a restart, and the expiry metric
 * follows it; only TLS 1.2 and 1.3 are offered.
 */
@QuarkusTest
@TestProfile(ServingTlsProfile.class)
class CertificateReloadTest {

    @Test
    void renewedCertificateIsServedAndExported() throws Exception {
        X509Certificate first = served("TLSv1.3");
        assertEquals("CN=first.clbguard.test", first.getSubjectX500Principal().getName());
        assertEquals(first.getNotAfter().toInstant().getEpochSecond(), notAfterMetric(), "expiry metric of the first certificate");
        double remaining = metric("clbguard_tls_certificate_expiry_seconds");
        assertTrue(remaining > Duration.ofDays(29).toSeconds() && remaining <= Duration.ofDays(30).toSeconds(), "remaining " + remaining);

        X509Certificate renewed = TestCertificates.write(ServingTlsProfile.DIR, "renewed.clbguard.test", 90);
        Instant deadline = Instant.now().plusSeconds(20);
        // Vert.x 4 closes a connection accepted while it builds the renewed TLS context (its channel initializer
        // finds no context yet): a handshake that lands in that moment fails; the next one is served.
        int refused = 0;
        int attempts = 0;
        X509Certificate now = null;
        while ((now == null || !now.equals(renewed)) && Instant.now().isBefore(deadline)) {
            if (attempts++ > 0) {
                Thread.sleep(250);
            }
            try {
                now = served("TLSv1.3");
            } catch (SSLException | SocketException e) {
                refused++;
            }
        }
        assertTrue(refused <= 2, refused + " handshakes refused during one renewal");
        assertTrue(now != null, "no handshake succeeded after the renewal");
        assertEquals("CN=renewed.clbguard.test", now.getSubjectX500Principal().getName(), "renewed certificate not served in 20 s");
        assertEquals(renewed, now);
        while (notAfterMetric() != renewed.getNotAfter().toInstant().getEpochSecond() && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
        }
        assertEquals(renewed.getNotAfter().toInstant().getEpochSecond(), notAfterMetric(), "expiry metric follows the renewal");
    }

    @Inject
    TlsConfigurationRegistry registry;

    @Test
    void onlyTls12AndTls13AreOffered() throws Exception {
        assertEquals("TLSv1.2", session("TLSv1.2"));
        assertEquals("TLSv1.3", session("TLSv1.3"));
        // The JDK client will not even offer TLS 1.1, so check what the server is configured to accept.
        assertEquals(java.util.Set.of("TLSv1.2", "TLSv1.3"),
                registry.getDefault().orElseThrow().getSSLOptions().getEnabledSecureTransportProtocols());
    }

    private static X509Certificate served(String protocol) throws Exception {
        return (X509Certificate) handshake(protocol).getPeerCertificates()[0];
    }

    private static String session(String protocol) throws Exception {
        return handshake(protocol).getProtocol();
    }

    /** A TLS session with the server, trusting anything (only the identity and protocol matter here). */
    private static javax.net.ssl.SSLSession handshake(String protocol) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] { new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        } }, new SecureRandom());
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", ServingTlsProfile.PORT)) {
            s.setEnabledProtocols(new String[] { protocol });
            s.setSoTimeout(5000);
            s.startHandshake();
            return s.getSession();
        }
    }

    private static long notAfterMetric() {
        return (long) metric("clbguard_tls_certificate_not_after_seconds");
    }

    private static double metric(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$").matcher(body);
        assertTrue(m.find(), name + " missing from /q/metrics");
        return Double.parseDouble(m.group(2));
    }
}
