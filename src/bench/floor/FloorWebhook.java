import java.util.Arrays;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * The floor of any admission webhook, for src/bench/cold-path.sh: HTTPS on the same Vert.x and Netty clbguard
 * runs on, reads only request.uid and answers allowed. Whatever a webhook costs above this is its own work.
 *
 * It times its own work per call as clbguard's latency metric does (from the body read to the answer built, the
 * write excluded); GET /stats answers "calls=N p50_ms=.. p99_ms=.." for the calls since the last GET, so the
 * benchmark can show what a webhook doing nothing costs at the same rate on the same machine.
 *
 *   java -cp 'target/quarkus-app/lib/main/*' src/bench/floor/FloorWebhook.java PORT CERT KEY
 */
public class FloorWebhook {
    private static final JsonFactory JSON = new JsonFactory();
    private static long[] times = new long[1 << 16];
    private static int count;

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        HttpServerOptions options = new HttpServerOptions().setPort(port).setHost("127.0.0.1").setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(args[1]).setKeyPath(args[2]));
        // One server per event loop, as Quarkus does: the default 2 x cores loops share the port.
        int loops = 2 * Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < loops; i++) {
            vertx.createHttpServer(options).requestHandler(req -> {
                if (req.method().name().equals("GET") && req.path().equals("/stats")) {
                    req.response().end(stats() + "\n");
                    return;
                }
                req.body().onSuccess(body -> answer(req, body));
            }).listen().toCompletionStage().toCompletableFuture().join();
        }
        System.out.println("floor listening on " + port);
    }

    private static void answer(HttpServerRequest req, Buffer body) {
        long start = System.nanoTime();
        String uid = uid(body);
        if (uid == null) {
            req.response().setStatusCode(400).end("no request.uid");
            return;
        }
        Buffer answer = Buffer.buffer("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\""
                + uid + "\",\"allowed\":true}}");
        record(System.nanoTime() - start);
        req.response().putHeader("content-type", "application/json").end(answer);
    }

    private static synchronized void record(long nanos) {
        if (count < times.length) {
            times[count++] = nanos;
        }
    }

    /** The calls timed since the last call of this, and forgets them. */
    private static synchronized String stats() {
        long[] t = Arrays.copyOf(times, count);
        count = 0;
        Arrays.sort(t);
        return t.length == 0 ? "calls=0" : String.format("calls=%d p50_ms=%.3f p99_ms=%.3f", t.length,
                t[t.length / 2] / 1e6, t[Math.min(t.length - 1, (int) (t.length * 0.99))] / 1e6);
    }

    /** request.uid, reading no further than it and skipping every other subtree. */
    static String uid(Buffer body) {
        try (JsonParser p = JSON.createParser(body.getBytes())) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String top = p.currentName();
                p.nextToken();
                if (!"request".equals(top) || p.currentToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if ("uid".equals(name) && p.currentToken() == JsonToken.VALUE_STRING) return p.getText();
                    p.skipChildren();
                }
                return null;
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
