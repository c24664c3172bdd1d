package dev.clbguard.tls;

import java.security.Security;
import java.util.List;

/**
 * The serving key arrives as PEM; Vert.x and Netty pass it to the JDK's key manager through an in-memory PKCS#12
 * store, which encrypts the key with PBKDF2 at 10,000 iterations and decrypts it again: on a cold JVM that was
 * ~20 % of the CPU spent to readiness (JFR of the start, src/bench/cold-path.sh), and it is paid again on every
 * certificate reload. The store is never written anywhere, so the iterations protect nothing; one does. An
 * operator's own setting (system or security property) is left alone. clbguard itself writes no key store.
 */
public final class TransientKeyStores {

    /** Read by the JDK's PKCS#12 implementation each time a key is set, so setting them before the start suffices. */
    static final List<String> ITERATIONS = List.of("keystore.pkcs12.keyPbeIterationCount",
            "keystore.pkcs12.certPbeIterationCount", "keystore.pkcs12.macIterationCount");

    private TransientKeyStores() {
    }

    /** Called by the entry point before the server starts. */
    public static void useOneIteration() {
        for (String p : ITERATIONS) {
            String own = System.getProperty(p);
            String security = Security.getProperty(p);
            if ((own == null || own.isEmpty()) && (security == null || security.isEmpty())) {
                System.setProperty(p, "1");
            }
        }
    }
}
