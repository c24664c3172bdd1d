package dev.clbguard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;

/** The dev-mode certificate: made only in dev when none is there, a matching PEM pair for localhost. */
class DevCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void devWithoutCertificateGetsAFreshPairForLocalhost() throws Exception {
        Map<String, String> props = source(List.of("dev"), Map.of(DevCertificates.CERT, "/nonexistent/tls.crt",
                DevCertificates.KEY, "/nonexistent/tls.key", DevCertificates.DIR, dir.toString()));
        assertEquals(dir.resolve("tls.crt").toString(), props.get(DevCertificates.CERT));
        assertEquals(dir.resolve("tls.key").toString(), props.get(DevCertificates.KEY));

        X509Certificate cert;
        try (InputStream in = Files.newInputStream(dir.resolve("tls.crt"))) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        cert.checkValidity();
        assertTrue(cert.getSubjectAlternativeNames().stream().anyMatch(san -> "localhost".equals(san.get(1))));
        // The key signs what the certificate verifies: the two belong together.
        String pem = Files.readString(dir.resolve("tls.key"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(new byte[] { 1, 2, 3 });
        byte[] signature = s.sign();
        s.initVerify(cert);
        s.update(new byte[] { 1, 2, 3 });
        assertTrue(s.verify(signature));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("tls.crt", "tls.key"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no keystore or temporary file left behind");
        }
    }

    @Test
    void secondStartReusesThePair() throws Exception {
        Map<String, String> settings = Map.of(DevCertificates.DIR, dir.toString());
        source(List.of("dev"), settings);
        byte[] first = Files.readAllBytes(dir.resolve("tls.crt"));
        source(List.of("dev"), settings);
        assertEquals(new String(first), Files.readString(dir.resolve("tls.crt")));
    }

    @Test
    void configuredCertificateIsLeftAlone() throws Exception {
        Path cert = Files.writeString(dir.resolve("mine.crt"), "x");
        Path key = Files.writeString(dir.resolve("mine.key"), "y");
        assertTrue(source(List.of("dev"), Map.of(DevCertificates.CERT, cert.toString(), DevCertificates.KEY,
                key.toString(), DevCertificates.DIR, dir.resolve("gen").toString())).isEmpty());
        assertFalse(Files.exists(dir.resolve("gen")));
    }

    @Test
    void inertOutsideDev() {
        for (String profile : List.of("prod", "test")) {
            assertTrue(source(List.of(profile), Map.of(DevCertificates.DIR, dir.toString())).isEmpty(), profile);
        }
        assertFalse(Files.exists(dir.resolve("tls.crt")));
    }

    private static Map<String, String> source(List<String> profiles, Map<String, String> values) {
        Iterable<ConfigSource> sources = new DevCertificates().getConfigSources(new ConfigSourceContext() {
            @Override
            public ConfigValue getValue(String name) {
                String v = values.get(name);
                return v == null ? null : ConfigValue.builder().withName(name).withValue(v).build();
            }

            @Override
            public Iterator<String> iterateNames() {
                return values.keySet().iterator();
            }

            @Override
            public List<String> getProfiles() {
                return profiles;
            }
        });
        List<ConfigSource> list = new ArrayList<>();
        sources.forEach(list::add);
        return list.isEmpty() ? Map.of() : list.get(0).getProperties();
    }
}
