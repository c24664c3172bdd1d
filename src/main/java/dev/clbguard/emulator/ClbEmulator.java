package dev.clbguard.emulator;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.clbapi.ClbStateFile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A Tencent Cloud API v3 server for the CLB and Tag actions clbguard uses, on 127.0.0.1, so that the real SDK
 * classes are exercised over real HTTP: TC3-HMAC-SHA256 signatures checked against one key pair, clock skew,
 * the {"Response":…} envelope, per-action rate limits, and test hooks for latency, failures and call counts.
 * {@code GET /emulator/load-balancers} answers its {@link State}. Plain Java: tests, benchmarks and
 * {@link EmulatorCommand} construct it directly; {@code EmulatorProducer} wraps it for CDI in builds that are not prod.
 */
public final class ClbEmulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClbEmulator.class);
    private static final Pattern AUTH = Pattern.compile(
            "TC3-HMAC-SHA256 Credential=([^/]+)/(\\d{4}-\\d{2}-\\d{2})/([^/]+)/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");
    /** Where the emulator's own server, and the main HTTP server of a build that is not prod, show {@link #state()}. */
    public static final String STATE_PATH = "/emulator/load-balancers";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /** Settings of one emulator; {@code rateLimit} 0 means unlimited. */
    public record Options(int port, String secretId, String secretKey, int rateLimit, Duration latency,
            Duration taskDuration, Duration maxClockSkew) {

        /** The key pair an emulator checks signatures against unless told otherwise: fixed, and no secret. */
        public static final String SECRET_ID = "AKIDemulator0000000000000000000000";
        public static final String SECRET_KEY = "emulator-secret-key-not-a-real-one";

        public static Options forTests() {
            return new Options(0, "AKIDtest0000000000000000000000000", "test-secret-key", 0, Duration.ZERO,
                    Duration.ofMillis(50), Duration.ofMinutes(5));
        }

    }

    private final Options options;
    private final List<ClbStateFile.Lb> seed;
    private final Vertx vertx;
    private final boolean ownVertx;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final Deque<Injected> failures = new ArrayDeque<>();
    private volatile Duration latency;
    private volatile int rateLimit;
    private volatile EmulatorState state;
    private HttpServer server;

    private record Injected(String action, String code) {
    }

    /** @param vertx the Vert.x to run on, or null to create (and later close) an own instance */
    public ClbEmulator(Options options, Collection<ClbStateFile.Lb> seed, Vertx vertx) {
        this.options = options;
        this.seed = List.copyOf(seed);
        this.ownVertx = vertx == null;
        this.vertx = vertx == null ? Vertx.vertx() : vertx;
        reset();
    }

    /** Listens on 127.0.0.1 and returns once the port is bound. */
    public synchronized ClbEmulator start() {
        if (server != null) {
            return this;
        }
        try {
            server = vertx.createHttpServer().requestHandler(this::serve)
                    .listen(options.port(), "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("CLB emulator cannot listen on 127.0.0.1:" + options.port() + ": " + e.getMessage(), e);
        }
        LOG.infof("CLB API emulator listening on 127.0.0.1:%d with %d CLBs", server.actualPort(), seed.size());
        return this;
    }

    /** host:port to give the SDK as its endpoint. */
    public String endpoint() {
        if (server == null) {
            throw new IllegalStateException("the CLB emulator is not started");
        }
        return "127.0.0.1:" + server.actualPort();
    }

    public String secretId() {
        return options.secretId();
    }

    public String secretKey() {
        return options.secretKey();
    }

    /** Back to the seed: CLBs, tasks, tokens, counters, rate limit, latency and injected failures. */
    public void reset() {
        state = new EmulatorState(json, System::currentTimeMillis, options.taskDuration().toMillis(), seed);
        calls.clear();
        limiters.clear();
        synchronized (failures) {
            failures.clear();
        }
        latency = options.latency();
        rateLimit = options.rateLimit();
    }

    /** Requests received for {@code action} since start or reset, answered or not. */
    public long calls(String action) {
        AtomicLong n = calls.get(action);
        return n == null ? 0 : n.get();
    }

    public Map<String, Long> calls() {
        Map<String, Long> m = new TreeMap<>();
        calls.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    /** Requests per second per action; 0 = unlimited. */
    public void setRateLimit(int perSecond) {
        this.rateLimit = perSecond;
        limiters.clear();
    }

    /** The next {@code times} calls of {@code action} (or of any action, if null) fail with {@code code}. */
    public void failNext(String action, String code, int times) {
        synchronized (failures) {
            for (int i = 0; i < times; i++) {
                failures.add(new Injected(action, code));
            }
        }
    }

    /** The CLBs as they are now (tasks that are due applied). */
    public List<ClbStateFile.Lb> loadBalancers() {
        return state.snapshot();
    }

    /** The CLBs with their status (0 creating, 1 normal) and the calls per action since start or reset. */
    public record State(List<StateLb> loadBalancers, Map<String, Long> calls) {
    }

    public record StateLb(String id, String name, String type, int forward, String vpcId, String subnetId,
            List<String> vips, Map<String, String> tags, List<ClbStateFile.Listener> listeners, int status) {
    }

    public State state() {
        Map<String, Integer> statuses = statuses();
        List<StateLb> lbs = loadBalancers().stream().map(c -> new StateLb(c.id(), c.name(), c.type(), c.forward(),
                c.vpcId(), c.subnetId(), c.vips(), c.tags(), c.listeners(), statuses.getOrDefault(c.id(), 1))).toList();
        return new State(lbs, calls());
    }

    /** Status per CLB id: 0 creating, 1 normal. */
    public Map<String, Integer> statuses() {
        return state.statuses();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            server = null;
        }
        if (ownVertx) {
            vertx.close();
        }
    }

    private void serve(HttpServerRequest req) {
        if (req.method() == HttpMethod.GET && STATE_PATH.equals(req.path())) {
            req.response().putHeader("Content-Type", "application/json").end(json.valueToTree(state()).toString());
            return;
        }
        req.body().onComplete(ar -> {
            String requestId = UUID.randomUUID().toString();
            if (ar.failed()) {
                reply(req, error(requestId, "InternalError", "could not read the request body"));
                return;
            }
            String action = req.getHeader("X-TC-Action");
            if (action != null) {
                calls.computeIfAbsent(action, k -> new AtomicLong()).incrementAndGet();
            }
            long delay = latency.toMillis();
            if (delay > 0) {
                vertx.setTimer(delay, t -> reply(req, answer(req, ar.result(), action, requestId)));
            } else {
                reply(req, answer(req, ar.result(), action, requestId));
            }
        });
    }

    private ObjectNode answer(HttpServerRequest req, Buffer body, String action, String requestId) {
        try {
            if (req.method() != HttpMethod.POST || !"/".equals(req.path())) {
                throw new ApiError("UnsupportedProtocol", "only POST / is served");
            }
            if (action == null || action.isEmpty()) {
                throw new ApiError("MissingParameter", "header X-TC-Action is required");
            }
            authenticate(req, body);
            limit(action);
            injected(action);
            String region = req.getHeader("X-TC-Region");
            if (region == null || region.isEmpty()) {
                throw new ApiError("MissingParameter", "header X-TC-Region is required");
            }
            JsonNode params;
            try {
                params = body.length() == 0 ? json.createObjectNode() : json.readTree(body.getBytes());
            } catch (java.io.IOException e) {
                throw new ApiError("InvalidParameter", "the body is not JSON");
            }
            if (!params.isObject()) {
                throw new ApiError("InvalidParameter", "the body must be a JSON object");
            }
            ObjectNode out = state.handle(action, req.getHeader("X-TC-Version"), region, params);
            if (!out.has("RequestId")) {
                out.put("RequestId", requestId);
            }
            return json.createObjectNode().set("Response", out);
        } catch (ApiError e) {
            return error(requestId, e.code, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("CLB emulator failed on " + action, e);
            return error(requestId, "InternalError", "the emulator failed: " + e.getClass().getSimpleName());
        }
    }

    private void authenticate(HttpServerRequest req, Buffer body) {
        String auth = req.getHeader("Authorization");
        if (auth == null) {
            throw new ApiError("AuthFailure.InvalidAuthorization", "Authorization header is missing");
        }
        Matcher m = AUTH.matcher(auth);
        if (!m.matches()) {
            throw new ApiError("AuthFailure.InvalidAuthorization", "Authorization is not TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…");
        }
        long ts;
        try {
            ts = Long.parseLong(req.getHeader("X-TC-Timestamp"));
        } catch (NumberFormatException e) {
            throw new ApiError("AuthFailure.InvalidAuthorization", "X-TC-Timestamp is missing or not a number");
        }
        long skew = Math.abs(Instant.now().getEpochSecond() - ts);
        if (skew > options.maxClockSkew().toSeconds()) {
            throw new ApiError("AuthFailure.SignatureExpire", "the request timestamp is " + skew + " s away from the server's clock");
        }
        if (!m.group(1).equals(options.secretId())) {
            throw new ApiError("AuthFailure.SecretIdNotFound", "the SecretId is not known");
        }
        String date = m.group(2);
        // HTTP/2 carries the host as :authority, which Vert.x exposes through host() rather than a Host header
        String host = req.getHeader("Host") != null ? req.getHeader("Host") : req.host() == null ? "" : req.host();
        String service = host.split("[.:]", 2)[0];
        if (!date.equals(DATE.format(Instant.ofEpochSecond(ts))) || !m.group(3).equals(service)) {
            throw new ApiError("AuthFailure.SignatureFailure", "the credential scope does not match the date or the service " + service);
        }
        StringBuilder canonical = new StringBuilder();
        for (String name : m.group(4).split(";")) {
            String v = name.equals("host") ? host : req.getHeader(name);
            canonical.append(name).append(':').append(v == null ? "" : v.trim()).append('\n');
        }
        String contentHash = req.getHeader("X-TC-Content-SHA256");
        String payloadHash = "UNSIGNED-PAYLOAD".equals(contentHash) ? contentHash : Tc3Signature.sha256Hex(body.getBytes());
        String expected = Tc3Signature.sign(options.secretKey(), req.method().name(), canonical.toString(), m.group(4),
                payloadHash, ts, date, service);
        if (!Tc3Signature.same(expected, m.group(5))) {
            throw new ApiError("AuthFailure.SignatureFailure", "the request signature does not match");
        }
    }

    private void limit(String action) {
        int rate = rateLimit;
        if (rate > 0 && !limiters.computeIfAbsent(action, a -> new RateLimiter(rate)).tryAcquire()) {
            throw new ApiError("RequestLimitExceeded", "more than " + rate + " requests per second for " + action);
        }
    }

    private void injected(String action) {
        Injected hit = null;
        synchronized (failures) {
            for (Injected f : failures) {
                if (f.action() == null || f.action().equals(action)) {
                    hit = f;
                    break;
                }
            }
            if (hit != null) {
                failures.remove(hit);
            }
        }
        if (hit != null) {
            throw new ApiError(hit.code(), "failure injected by a test");
        }
    }

    private ObjectNode error(String requestId, String code, String message) {
        ObjectNode r = json.createObjectNode();
        ObjectNode inner = r.putObject("Response");
        inner.putObject("Error").put("Code", code).put("Message", message);
        inner.put("RequestId", requestId);
        return r;
    }

    private void reply(HttpServerRequest req, ObjectNode body) {
        req.response().putHeader("Content-Type", "application/json").end(body.toString());
    }

    /** Token bucket: {@code rate} tokens per second, bursts up to {@code rate}. */
    private static final class RateLimiter {
        private final int rate;
        private double tokens;
        private long last = System.nanoTime();

        RateLimiter(int rate) {
            this.rate = rate;
            this.tokens = rate;
        }

        synchronized boolean tryAcquire() {
            long now = System.nanoTime();
            tokens = Math.min(rate, tokens + (now - last) * rate / 1e9);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
