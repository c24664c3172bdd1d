package dev.clbguard.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.clbguard.cli.Main;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The jar's {@code emulator} command in a JVM of its own, as a crash test runs it; as a test resource it points the
 * server at it through {@code clbguard.emulator.endpoint}.
 */
public class EmulatorProcess implements QuarkusTestResourceLifecycleManager, AutoCloseable {

    static final String SEED = "src/test/resources/clb-policies/seed.yaml";
    static volatile String endpoint;

    private Process process;

    /** Starts {@code emulator ARGS} and waits for the line that names its endpoint. */
    static EmulatorProcess start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "emulator"));
        cmd.addAll(List.of(args));
        EmulatorProcess p = new EmulatorProcess();
        p.process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String first = new BufferedReader(new InputStreamReader(p.process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (first == null || !first.startsWith("CLB API emulator on 127.0.0.1:")) {
            p.close();
            throw new IllegalStateException("the emulator process did not start: " + first);
        }
        p.endpointOf(first);
        return p;
    }

    private void endpointOf(String line) {
        endpoint = line.substring("CLB API emulator on ".length(), line.indexOf(' ', "CLB API emulator on ".length()));
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public Map<String, String> start() {
        try {
            process = start("--seed", SEED, "--rate-limit", "0").process;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("clbguard.emulator.endpoint", endpoint);
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }
}
