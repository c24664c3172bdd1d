package dev.clbguard.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Serves HTTPS from PEM files in a temp dir (as the mounted secret in a cluster), reloaded every second. */
public class ServingTlsProfile implements QuarkusTestProfile {

    static final Path DIR;
    static final int PORT;

    static {
        // Quarkus loads this class in its own class loader as well: share one directory and port via the JVM.
        try {
            if (System.getProperty("clbguard.test.tls.dir") == null) {
                Path dir = Files.createTempDirectory("clbguard-tls");
                TestCertificates.write(dir, "first.clbguard.test", 30);
                // Fixed free ports: port 0 trips a Micrometer tag clash when HTTP and HTTPS both listen.
                try (ServerSocket s = new ServerSocket(0); ServerSocket h = new ServerSocket(0)) {
                    System.setProperty("clbguard.test.tls.port", String.valueOf(s.getLocalPort()));
                    System.setProperty("clbguard.test.http.port", String.valueOf(h.getLocalPort()));
                }
                System.setProperty("clbguard.test.tls.dir", dir.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DIR = Path.of(System.getProperty("clbguard.test.tls.dir"));
        PORT = Integer.parseInt(System.getProperty("clbguard.test.tls.port"));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.tls.key-store.pem.0.cert", DIR.resolve("tls.crt").toString(),
                "quarkus.tls.key-store.pem.0.key", DIR.resolve("tls.key").toString(),
                "quarkus.tls.reload-period", "1s",
                "quarkus.http.test-ssl-port", String.valueOf(PORT),
                "quarkus.http.test-port", System.getProperty("clbguard.test.http.port"));
    }
}
