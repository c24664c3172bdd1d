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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's mock API server in CRUD mode (stores, lists and watches what is written; refuses a create of an
 * existing name and an update with a stale resourceVersion with 409) as a process of its own, so that tests and
 * benchmarks can run several clbguard processes against one API server, or kill one and keep the cluster's state.
 * Two additions to fabric8's dispatcher: a delete whose precondition names a stale resourceVersion is refused with
 * 409, as the real API server refuses it, and {@code --slow-writes TEXT=MILLIS} applies every write whose path or
 * body contains TEXT at once but answers it only MILLIS later (a client that dies meanwhile has written and never
 * heard back).
 *
 * <p>{@code java -cp <test class path> dev.clbguard.testing.ApiServerProcess [--port N] [--slow-writes TEXT=MILLIS]}
 * prints {@code mock API server on http://127.0.0.1:N/} once it listens, and runs until killed or until its
 * standard input closes (so it never outlives the test that started it).
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
        String slow = null;
        long slowMillis = 0;
        for (int i = 0; i < args.length; i++) {
            if ("--port".equals(args[i]) && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if ("--slow-writes".equals(args[i]) && i + 1 < args.length && args[i + 1].contains("=")) {
                String[] kv = args[++i].split("=", 2);
                slow = kv[0];
                slowMillis = Long.parseLong(kv[1]);
            } else {
                System.err.println("usage: ApiServerProcess [--port N] [--slow-writes TEXT=MILLIS]");
                System.exit(2);
            }
        }
        KubernetesMockServer server = server(slow, slowMillis);
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

    /** The same server in this JVM, not yet started ({@code init()}), for tests that need no process of its own. */
    public static KubernetesMockServer inProcess() {
        return server(null, 0);
    }

    /** The same, answering the writes that contain {@code slow} only {@code slowMillis} later. */
    public static KubernetesMockServer server(String slow, long slowMillis) {
        return new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new Dispatcher(slow, slowMillis), false);
    }

    /** fabric8's CRUD dispatcher with delete preconditions and, optionally, slow answers to some writes. */
    static final class Dispatcher extends KubernetesCrudDispatcher {

        private static final ObjectMapper JSON = new ObjectMapper();
        private final String slow;
        private final long slowMillis;

        Dispatcher(String slow, long slowMillis) {
            this.slow = slow;
            this.slowMillis = slowMillis;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String method = request.getMethod();
            if ("GET".equals(method)) {
                return super.dispatch(request);
            }
            String body = body(request);
            MockResponse answer;
            synchronized (this) { // a precondition is checked and the delete done as one step
                answer = stale(request, body) ? conflict(request.getPath()) : super.dispatch(request);
            }
            if (slow != null && (request.getPath().contains(slow) || body.contains(slow))) {
                answer.setBodyDelay(slowMillis, TimeUnit.MILLISECONDS);
            }
            return answer;
        }

        /** The body, left in place for fabric8's dispatcher (reading a Buffer's text empties it). */
        private static String body(RecordedRequest request) {
            return request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
        }

        private boolean stale(RecordedRequest request, String body) {
            if (!"DELETE".equals(request.getMethod()) || body.isEmpty()) {
                return false;
            }
            try {
                String expected = JSON.readTree(body).path("preconditions").path("resourceVersion").asText("");
                MockResponse current = handleGet(request.getPath());
                if (expected.isEmpty() || current.code() != 200) {
                    return false;
                }
                JsonNode stored = JSON.readTree(current.getBody().readUtf8());
                return !expected.equals(stored.path("metadata").path("resourceVersion").asText());
            } catch (IOException e) {
                return false;
            }
        }

        private static MockResponse conflict(String path) {
            return new MockResponse().setResponseCode(409).setBody("{\"apiVersion\":\"v1\",\"kind\":\"Status\","
                    + "\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409,\"message\":\"the object at "
                    + path + " has been modified; its precondition on resourceVersion failed\"}");
        }
    }

    /** Starts the server in a new JVM on this test's class path and waits until it listens. */
    public static ApiServerProcess start(String... jvmOptions) throws IOException {
        return start(List.of(), jvmOptions);
    }

    /** The same, with the server's own {@code arguments} ({@code --slow-writes TEXT=MILLIS}). */
    public static ApiServerProcess start(List<String> arguments, String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ApiServerProcess.class.getName()));
        cmd.addAll(arguments);
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
