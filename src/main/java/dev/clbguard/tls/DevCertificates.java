package dev.clbguard.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Dev mode only: when the configured serving certificate is not there, makes a self-signed one for localhost in
 * {@code target/dev-certs/} at start and points {@code quarkus.http.ssl.certificate.*} at it, so that
 * {@code ./mvnw quarkus:dev} serves HTTPS on 8443 without any setup. Inert in every other profile.
 *
 * <p>The key pair and certificate come from the JDK's own {@code keytool} (no internal APIs, no extra
 * dependency); the PKCS#12 it writes is converted to PEM with {@link KeyStore} and then removed.
 */
public class DevCertificates implements ConfigSourceFactory {

    static final String CERT = "quarkus.http.ssl.certificate.files";
    static final String KEY = "quarkus.http.ssl.certificate.key-files";
    static final String DIR = "clbguard.dev.tls.dir";
    /** Above application.properties (250), below .env (295), environment (300) and system properties (400). */
    private static final int ORDINAL = 260;
    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final Logger LOG = Logger.getLogger(DevCertificates.class);

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev") || (readable(context.getValue(CERT)) && readable(context.getValue(KEY)))) {
            return List.of();
        }
        ConfigValue dirValue = context.getValue(DIR);
        Path dir = Path.of(dirValue == null || dirValue.getValue() == null ? "target/dev-certs" : dirValue.getValue())
                .toAbsolutePath();
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        try {
            ensure(dir, cert, key);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // Plain HTTP on 8080 still works in dev: say why HTTPS does not, and carry on.
            LOG.warnf("dev mode: could not make a self-signed certificate in %s (%s); HTTPS is off", dir, e.getMessage());
            return List.of();
        }
        return List.of(new PropertiesConfigSource(Map.of(CERT, cert.toString(), KEY, key.toString()),
                "clbguard dev certificate", ORDINAL));
    }

    private static boolean readable(ConfigValue v) {
        if (v == null || v.getValue() == null || v.getValue().isBlank()) {
            return false;
        }
        return List.of(v.getValue().split(",")).stream().allMatch(f -> Files.isReadable(Path.of(f.trim())));
    }

    /** Reuses a pair made earlier while it has a day left: the factory runs more than once per start. */
    static synchronized void ensure(Path dir, Path cert, Path key) throws IOException, GeneralSecurityException {
        if (Files.isReadable(key) && stillValid(cert)) {
            return;
        }
        Files.createDirectories(dir);
        Path store = Files.createTempFile(dir, "dev-", ".p12");
        Files.delete(store); // keytool refuses to write into an existing, empty file
        String password = HexFormat.of().formatHex(randomBytes());
        try {
            keytool(store, password);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password.toCharArray());
            }
            PrivateKey privateKey = (PrivateKey) ks.getKey("clbguard-dev", password.toCharArray());
            X509Certificate certificate = (X509Certificate) ks.getCertificate("clbguard-dev");
            // Each file is replaced atomically: a reader never sees half a PEM.
            write(key, pem("PRIVATE KEY", privateKey.getEncoded()));
            write(cert, pem("CERTIFICATE", certificate.getEncoded()));
            LOG.infof("dev mode: made a self-signed certificate for localhost in %s (valid until %s)", dir,
                    certificate.getNotAfter().toInstant());
        } finally {
            Files.deleteIfExists(store);
        }
    }

    private static void keytool(Path store, String password) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder pb = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "clbguard-dev",
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost, O=clbguard dev", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                "-validity", Long.toString(VALIDITY.toDays()), "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass:env", "CLBGUARD_DEV_STOREPASS", "-keypass:env", "CLBGUARD_DEV_STOREPASS", "-noprompt")
                .redirectErrorStream(true);
        pb.environment().put("CLBGUARD_DEV_STOREPASS", password); // not on the command line, not in ps
        Process p = pb.start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("keytool failed (" + p.exitValue() + "): " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running keytool");
        }
    }

    private static boolean stillValid(Path cert) {
        if (!Files.isReadable(cert)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(cert)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return c.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(1)));
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void write(Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
