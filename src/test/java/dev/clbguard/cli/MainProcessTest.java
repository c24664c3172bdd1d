package dev.clbguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The real entry point in its own JVM: exit codes reach the shell and stdout is flushed before exiting. */
class MainProcessTest {

    record Done(int code, String out, String err) {
    }

    static Done main(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("CLBGUARD_") || k.startsWith("TENCENTCLOUD_"));
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "validate did not finish");
        return new Done(p.exitValue(), out, err);
    }

    @Test
    void validateExitsWithItsCodeWithoutStartingTheServer() throws Exception {
        Done denied = main("", "validate", "--offline", "--elastic", "--policies", ValidateCommandTest.POLICIES,
                ValidateCommandTest.FIXTURES + "/svc-nodeport.yaml");
        assertEquals(ValidateCommandTest.FIXTURES + "/svc-nodeport.yaml:1: DENY elastic-service-types Service shop/backend-np"
                + ValidateCommandTest.NODE_PORT + "\n", denied.out());
        assertEquals(1, denied.code(), denied.err());
        assertTrue(!denied.err().contains("Quarkus") && !denied.err().contains("Listening"), denied.err());

        Done allowed = main("apiVersion: v1\nkind: Service\nmetadata: {name: h}\nspec: {clusterIP: None}\n", "validate",
                "--offline", "--elastic", "--policies", ValidateCommandTest.POLICIES, "-");
        assertEquals("", allowed.out());
        assertEquals(0, allowed.code(), allowed.err());

        Done usage = main("", "validate", "--no-such-option", "x");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Unknown option: '--no-such-option'"), usage.err());
    }
}
