package dev.clbguard.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * fabric8's mock API server in CRUD mode (stores, lists and watches what is written; refuses a create of an
 * existing name and an update with a stale resourceVersion with 409) as a process of its own, so that tests and
 * benchmarks can run several clbguard processes against one API server, or kill one and keep the cluster's state.
 *
 * <p>{@code java -cp <test class path> dev.clbguard.testing.ApiServerProcess [--port N]} prints
 * {@code mock API server on http://127.0.0.1:N/} once it listens, and runs until killed or until its standard
 * input closes (so it never outlives the test that started it).
 */
public final class ApiServerProcess implements AutoCloseable {

    static final String READY = "mock API server on ";

    private final Process process;
    private final String url;

    private ApiServerProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            if ("--port".equals(args[i]) && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: ApiServerProcess [--port N]");
                System.exit(2);
            }
        }
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        System.out.println(READY + "http://127.0.0.1:" + server.getPort() + "/");
        System.out.flush();
        // Until the parent closes our input (or dies): then stop serving.
        while (System.in.read() >= 0) {
            // keep reading
        }
        server.destroy();
        System.exit(0);
    }

    /** Starts the server in a new JVM on this test's class path and waits until it listens. */
    public static ApiServerProcess start(String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ApiServerProcess.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (first == null || !first.startsWith(READY)) {
            p.destroyForcibly();
            throw new IllegalStateException("the mock API server process did not start: " + first);
        }
        return new ApiServerProcess(p, first.substring(READY.length()).trim());
    }

    /** {@code http://127.0.0.1:N/}: the API server URL for a client or for a clbguard process. */
    public String url() {
        return url;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // the server's cue to stop
        } catch (IOException e) {
            process.destroy();
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
