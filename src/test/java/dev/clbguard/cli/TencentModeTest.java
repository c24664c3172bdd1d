package dev.clbguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.clbguard.emulator.ClbEmulator;
import dev.clbguard.clbapi.ClbStateFile;

/**
 * Without --clb-state or --offline the command asks the Tencent Cloud API through the SDK adapter: pointed at the
 * CLB API emulator seeded with the same state, it must reach the same verdicts as --clb-state, in one lookup.
 */
class TencentModeTest {

    private static final String SEED = "src/main/resources/emulator/dev-seed.yaml";
    private static final String MANIFESTS = ValidateCommandTest.CLI + "clb/reuse.yaml";

    @Test
    void sdkAgainstTheEmulatorAgreesWithTheStateFile() throws Exception {
        try (ClbEmulator emulator = new ClbEmulator(ClbEmulator.Options.forTests(),
                ClbStateFile.parse(Files.readString(Path.of(SEED)), SEED), null).start()) {
            Map<String, String> env = new HashMap<>(ValidateCommandTest.ENV_PROFILE);
            env.put("CLBGUARD_CLUSTER_OWNER_UIN", "100012345678");
            env.put("TENCENTCLOUD_SECRET_ID", emulator.secretId());
            env.put("TENCENTCLOUD_SECRET_KEY", emulator.secretKey());
            env.put("CLBGUARD_CLOUD_ENDPOINT", "http://" + emulator.endpoint());

            ValidateCommandTest.Run cloud = ValidateCommandTest.run(env, "", List.of("--policies", "policies", MANIFESTS));
            ValidateCommandTest.Run seeded = ValidateCommandTest.run(ValidateCommandTest.ENV_PROFILE, "",
                    List.of("--clb-state", SEED, "--policies", "policies", MANIFESTS));

            assertEquals(seeded.out(), cloud.out());
            assertEquals(seeded.code(), cloud.code(), cloud.err());
            assertEquals(1, emulator.calls("DescribeLoadBalancers"), "one batch for all ids of the run");
            assertTrue(cloud.out().contains("DENY ingress-existing-clb Ingress shop/classic"), cloud.out());
            assertTrue(cloud.out().contains("[E4030]"), cloud.out());
            // Offline manifests carry no uid: a CLB tagged for an Ingress cannot be told apart from this one's own.
            assertTrue(cloud.out().contains("WARN ingress-existing-clb Ingress shop/taken"), cloud.out());
            assertTrue(cloud.out().contains("DENY service-existing-clb Service shop/busy"), cloud.out());
            assertTrue(!cloud.out().contains("Service shop/free"), cloud.out());
            assertEquals(1, cloud.code());
        }
    }

    @Test
    void anUnreachableApiIsNamedInTheDenialWithItsFix() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Map<String, String> env = new HashMap<>(ValidateCommandTest.ENV_PROFILE);
        env.put("TENCENTCLOUD_SECRET_ID", "AKIDexample");
        env.put("TENCENTCLOUD_SECRET_KEY", "example-key");
        env.put("CLBGUARD_CLOUD_ENDPOINT", "http://127.0.0.1:" + port);
        ValidateCommandTest.Run r = ValidateCommandTest.run(env, "", List.of("--policies", "policies", MANIFESTS));
        assertEquals(1, r.code(), r.err());
        String expected = "CLB lb-classic1 could not be checked (CLB API unreachable: 127.0.0.1:" + port + " refused the"
                + " connection); check DNS and egress from clbguard to 127.0.0.1:" + port + " (or clbguard.cloud.endpoint),"
                + " or set onLookupFailure: allow-with-warning";
        assertTrue(r.out().contains(expected), r.out());
        assertTrue(!r.out().contains("ClientSideError") && !r.out().contains("example-key"), r.out());
    }

    @Test
    void plainHttpIsOnlyForALocalEmulator() {
        Map<String, String> env = new HashMap<>(ValidateCommandTest.ENV_PROFILE);
        env.put("TENCENTCLOUD_SECRET_ID", "AKIDexample");
        env.put("TENCENTCLOUD_SECRET_KEY", "example-key");
        env.put("CLBGUARD_CLOUD_ENDPOINT", "http://clb.tencentcloudapi.com");
        ValidateCommandTest.Run r = ValidateCommandTest.run(env, "", List.of("--policies", "policies", MANIFESTS));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("plain http is only for a local emulator"), r.err());
        assertTrue(!r.err().contains("example-key"), "the secret never reaches the output");
    }
}
