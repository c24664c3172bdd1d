package dev.clbguard.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates for tests, made with the JDK's own keytool (always present where tests run) and
 * written as PEM files the way a Kubernetes TLS secret mounts them.
 */
public final class TestCertificates {

    private TestCertificates() {
    }

    /** Writes {@code tls.crt} and {@code tls.key} for CN=cn into dir, replacing existing files atomically. */
    public static X509Certificate write(Path dir, String cn, int days) {
        try {
            Files.createDirectories(dir);
            Path p12 = Files.createTempFile(dir, "ks", ".p12");
            Files.delete(p12);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "serving", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=" + cn, "-validity", String.valueOf(days),
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", p12.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, "changeit".toCharArray());
            }
            Files.delete(p12);
            X509Certificate cert = (X509Certificate) ks.getCertificate("serving");
            PrivateKey key = (PrivateKey) ks.getKey("serving", "changeit".toCharArray());
            replace(dir.resolve("tls.key"), pem("PRIVATE KEY", key.getEncoded()));
            replace(dir.resolve("tls.crt"), pem("CERTIFICATE", cert.getEncoded()));
            return cert;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    /** The PEM pair in dir as a key store (alias "serving", password "changeit"), e.g. for a TLS client. */
    public static KeyStore keyStore(Path dir) throws Exception {
        String key = Files.readString(dir.resolve("tls.key")).replaceAll("-----[A-Z ]+-----|\\s", "");
        PrivateKey pk = java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
        java.security.cert.Certificate cert;
        try (InputStream in = Files.newInputStream(dir.resolve("tls.crt"))) {
            cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("serving", pk, "changeit".toCharArray(), new java.security.cert.Certificate[] { cert });
        return ks;
    }

    /** Trust managers that trust this certificate alone: a TLS client of a test server, with nothing disabled. */
    public static TrustManager[] trusting(X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void replace(Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".new", ".pem");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
