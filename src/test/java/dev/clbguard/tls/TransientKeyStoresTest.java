package dev.clbguard.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;

class TransientKeyStoresTest {

    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        for (String p : TransientKeyStores.ITERATIONS) {
            saved.put(p, System.getProperty(p));
            System.clearProperty(p);
        }
    }

    @AfterEach
    void restore() {
        saved.forEach((p, v) -> {
            if (v == null) {
                System.clearProperty(p);
            } else {
                System.setProperty(p, v);
            }
        });
    }

    @Test
    void unsetIterationCountsBecomeOne() {
        TransientKeyStores.useOneIteration();
        for (String p : TransientKeyStores.ITERATIONS) {
            assertEquals("1", System.getProperty(p), p);
        }
    }

    @Test
    void anOperatorsOwnSettingIsKept() {
        System.setProperty("keystore.pkcs12.keyPbeIterationCount", "20000");
        TransientKeyStores.useOneIteration();
        assertEquals("20000", System.getProperty("keystore.pkcs12.keyPbeIterationCount"));
        assertEquals("1", System.getProperty("keystore.pkcs12.macIterationCount"));
    }

    @Test
    void theServingKeyStillReachesTheKeyManagerThroughVertx(@TempDir Path dir) throws Exception {
        TransientKeyStores.useOneIteration();
        X509Certificate cert = TestCertificates.write(dir, "localhost", 1);
        KeyStore expected = TestCertificates.keyStore(dir);
        Vertx vertx = Vertx.vertx();
        try {
            // The path the HTTPS server takes: PEM -> in-memory PKCS#12 (now at one iteration) -> key manager.
            KeyManagerFactory kmf = new PemKeyCertOptions().setCertPath(dir.resolve("tls.crt").toString())
                    .setKeyPath(dir.resolve("tls.key").toString()).getKeyManagerFactory(vertx);
            X509KeyManager km = (X509KeyManager) kmf.getKeyManagers()[0];
            String alias = km.chooseServerAlias("EC", null, null);
            assertEquals(cert, km.getCertificateChain(alias)[0]);
            assertArrayEquals(expected.getKey("serving", "changeit".toCharArray()).getEncoded(),
                    km.getPrivateKey(alias).getEncoded());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
