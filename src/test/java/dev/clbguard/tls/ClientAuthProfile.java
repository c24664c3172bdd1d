package dev.clbguard.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** HTTPS that requires a client certificate signed by a given CA (here: the client's self-signed one), JSON logs. */
public class ClientAuthProfile implements QuarkusTestProfile {

    static final Path SERVER;
    static final Path CLIENT;
    static final int PORT;

    static {
        // Quarkus loads this class in its own class loader as well: share one directory and port via the JVM.
        try {
            if (System.getProperty("clbguard.test.mtls.dir") == null) {
                Path dir = Files.createTempDirectory("clbguard-mtls");
                TestCertificates.write(dir.resolve("server"), "clbguard.clbguard.svc", 30);
                TestCertificates.write(dir.resolve("client"), "kube-apiserver", 30);
                try (ServerSocket s = new ServerSocket(0); ServerSocket h = new ServerSocket(0)) {
                    System.setProperty("clbguard.test.mtls.port", String.valueOf(s.getLocalPort()));
                    System.setProperty("clbguard.test.mtls.http", String.valueOf(h.getLocalPort()));
                }
                System.setProperty("clbguard.test.mtls.dir", dir.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path dir = Path.of(System.getProperty("clbguard.test.mtls.dir"));
        SERVER = dir.resolve("server");
        CLIENT = dir.resolve("client");
        PORT = Integer.parseInt(System.getProperty("clbguard.test.mtls.port"));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.tls.key-store.pem.0.cert", SERVER.resolve("tls.crt").toString(),
                "quarkus.tls.key-store.pem.0.key", SERVER.resolve("tls.key").toString(),
                "quarkus.tls.trust-store.pem.certs", CLIENT.resolve("tls.crt").toString(),
                "clbguard.tls.client-auth", "required",
                "clbguard.log.json", "true",
                "quarkus.http.test-ssl-port", String.valueOf(PORT),
                "quarkus.http.test-port", System.getProperty("clbguard.test.mtls.http"));
    }
}
