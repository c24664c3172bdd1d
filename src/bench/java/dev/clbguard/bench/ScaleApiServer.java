package dev.clbguard.bench;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

/**
 * The scale bench's API server, a process of its own on loopback: fabric8's {@link KubernetesMockServer} whose
 * dispatcher serves the generated Services and Ingresses ({@link ScaleObjects}) itself — cluster-wide and
 * namespaced LISTs (honouring {@code limit}/{@code continue}), GETs of one, WATCHes kept open with no events
 * (websocket, as fabric8 7.x informers watch) — and hands everything else (Leases, Events, discovery, reports) to
 * a CRUD dispatcher whose store stays small. The objects' JSON is generated once at start, one byte array each, and
 * a list is the concatenation of a page of them.
 *
 * <p>Clients are told apart by a path prefix: a client whose master URL is {@code http://127.0.0.1:N/c/NAME/} is
 * counted as NAME (the prefix is stripped before dispatch). {@code GET /_bench/counts} answers the requests per
 * (client, verb and resource), each client's first LIST of Services and Ingresses (epoch ms), its open watches and
 * the time spent building lists. {@code --log FILE} writes one line per request (epoch ms, client, key, path).
 *
 * <p>Usage: {@code ScaleApiServer --services N --ingresses M [--seed S] [--port P] [--log FILE]}; prints
 * {@code scale API server on http://127.0.0.1:P/ ...} once it listens and runs until its standard input closes.
 */
public final class ScaleApiServer extends Dispatcher {

    static final String READY = "scale API server on ";
    static final String LIST_RV = "2000000";
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watch-timeouts");
        t.setDaemon(true);
        return t;
    });

    private final ScaleObjects objects;
    private final byte[][] services;
    private final byte[][] ingresses;
    private final Map<String, Integer> serviceByName = new HashMap<>();
    private final Map<String, Integer> ingressByName = new HashMap<>();
    private final Map<String, int[]> servicesByNs = new HashMap<>();
    private final Map<String, int[]> ingressesByNs = new HashMap<>();
    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> firstList = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> openWatches = new ConcurrentHashMap<>();
    private final AtomicLong listNanos = new AtomicLong();
    private final AtomicLong listBytes = new AtomicLong();
    private final BufferedWriter log;

    ScaleApiServer(ScaleObjects objects, BufferedWriter log) throws IOException {
        this.objects = objects;
        this.log = log;
        services = new byte[objects.services][];
        ingresses = new byte[objects.ingresses][];
        Map<String, List<Integer>> sns = new TreeMap<>();
        Map<String, List<Integer>> ins = new TreeMap<>();
        for (int i = 0; i < objects.services; i++) {
            ObjectNode o = objects.service(i);
            services[i] = ScaleObjects.JSON.writeValueAsBytes(o);
            serviceByName.put(ScaleObjects.namespace(i) + "/" + ScaleObjects.svcName(i), i);
            sns.computeIfAbsent(ScaleObjects.namespace(i), k -> new ArrayList<>()).add(i);
        }
        for (int j = 0; j < objects.ingresses; j++) {
            ObjectNode o = objects.ingress(j);
            ingresses[j] = ScaleObjects.JSON.writeValueAsBytes(o);
            ingressByName.put(ScaleObjects.namespace(j) + "/" + ScaleObjects.ingName(j), j);
            ins.computeIfAbsent(ScaleObjects.namespace(j), k -> new ArrayList<>()).add(j);
        }
        sns.forEach((k, v) -> servicesByNs.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        ins.forEach((k, v) -> ingressesByNs.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    }

    long jsonBytes() {
        long n = 0;
        for (byte[] b : services) {
            n += b.length;
        }
        for (byte[] b : ingresses) {
            n += b.length;
        }
        return n;
    }

    public static void main(String[] args) throws Exception {
        int nServices = 0;
        int nIngresses = 0;
        long seed = 42;
        int port = 0;
        Path logFile = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--services" -> nServices = Integer.parseInt(args[i + 1]);
                case "--ingresses" -> nIngresses = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--log" -> logFile = Path.of(args[i + 1]);
                default -> {
                    System.err.println("usage: ScaleApiServer --services N --ingresses M [--seed S] [--port P] [--log FILE]");
                    System.exit(2);
                }
            }
        }
        long t = System.nanoTime();
        BufferedWriter log = logFile == null ? null : Files.newBufferedWriter(logFile);
        ScaleApiServer d = new ScaleApiServer(new ScaleObjects(nServices, nIngresses, seed), log);
        long genMillis = (System.nanoTime() - t) / 1_000_000;
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), d, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        System.out.printf("%shttp://127.0.0.1:%d/ with %d Services and %d Ingresses (%d MB of JSON, generated in %d ms)%n",
                READY, server.getPort(), nServices, nIngresses, d.jsonBytes() >> 20, genMillis);
        System.out.flush();
        if (log != null) {
            Thread flusher = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(1000);
                        synchronized (log) {
                            log.flush();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "log-flush");
            flusher.setDaemon(true);
            flusher.start();
        }
        while (System.in.read() >= 0) {
            // until the parent closes our input
        }
        server.destroy();
        if (log != null) {
            synchronized (log) {
                log.flush();
            }
        }
        System.exit(0);
    }

    // --- dispatch ----------------------------------------------------------------------------------------------

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String full = request.getPath();
        String client = "other";
        String path = full;
        if (full.startsWith("/c/")) {
            int slash = full.indexOf('/', 3);
            client = slash < 0 ? full.substring(3) : full.substring(3, slash);
            path = slash < 0 ? "/" : full.substring(slash);
        }
        if (path.startsWith("/_bench/counts")) {
            return json(200, countsJson());
        }
        String method = request.getMethod();
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : query(path.substring(q + 1));
        boolean watch = "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
        Target target = target(bare);
        String key = key(method, bare, query, target, watch);
        count(client, key, full);
        if (target != null) {
            if ("GET".equals(method) && target.name == null) {
                if (watch) {
                    return watch(client, query.get("timeoutSeconds"));
                }
                if (target.ns == null) {
                    firstList.computeIfAbsent(client, k -> new ConcurrentHashMap<>()).putIfAbsent(target.resource,
                            System.currentTimeMillis());
                }
                return list(target, query);
            }
            if (target.name != null) {
                Integer i = (target.services ? serviceByName : ingressByName).get(target.ns + "/" + target.name);
                if (i != null) {
                    // GET (or an unexpected write, counted above): the stored object, unchanged.
                    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                            .setBody((target.services ? services : ingresses)[i]);
                }
            }
        }
        RecordedRequest inner = full.equals(path) ? request
                : new RecordedRequest(request.getHttpVersion(), HttpMethod.valueOf(method), path, request.getHeaders(),
                        request.getBody());
        return crud.dispatch(inner);
    }

    /** A Services or Ingresses path: collection (name null) or one object; null for anything else. */
    record Target(boolean services, String resource, String ns, String name) {
    }

    static Target target(String p) {
        String[] s = p.split("/");
        // /api/v1/services, /api/v1/namespaces/N/services[/NAME[/status]]
        if (p.startsWith("/api/v1/")) {
            if (s.length == 4 && s[3].equals("services")) {
                return new Target(true, "services", null, null);
            }
            if (s.length >= 6 && s[3].equals("namespaces") && s[5].equals("services")) {
                return new Target(true, "services", s[4], s.length > 6 ? s[6] : null);
            }
        }
        if (p.startsWith("/apis/networking.k8s.io/v1/")) {
            if (s.length == 5 && s[4].equals("ingresses")) {
                return new Target(false, "ingresses", null, null);
            }
            if (s.length >= 7 && s[4].equals("namespaces") && s[6].equals("ingresses")) {
                return new Target(false, "ingresses", s[5], s.length > 7 ? s[7] : null);
            }
        }
        return null;
    }

    /** "verb resource": what kind of request this is, for the counts. */
    static String key(String method, String bare, Map<String, String> query, Target t, boolean watch) {
        String verb = switch (method) {
            case "GET" -> watch ? "watch" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> method.toLowerCase();
        };
        String resource;
        if (t != null) {
            resource = t.resource + (t.ns == null ? "" : " (namespaced)");
            if ("get".equals(verb) && t.name == null) {
                verb = "list";
            }
            if (bare.endsWith("/status")) {
                resource += "/status";
            }
        } else if (bare.contains("/leases")) {
            String[] s = bare.split("/");
            boolean named = !bare.endsWith("/leases");
            String name = named ? s[s.length - 1] : null;
            resource = name == null ? "leases" : name.equals("clbguard-leader") ? "lease clbguard-leader" : "claim lease";
            if ("get".equals(verb) && !named) {
                verb = "list";
            }
        } else if (bare.contains("/events")) {
            resource = "events";
            if ("get".equals(verb) && bare.endsWith("/events")) {
                verb = "list";
            }
        } else if (bare.contains("wgpolicyk8s.io") || bare.contains("openreports.io")) {
            String[] s = bare.split("/");
            resource = s.length <= 4 ? "discovery " + bare : "policy reports";
        } else if (bare.equals("/api") || bare.equals("/apis") || bare.equals("/version") || bare.split("/").length <= 4) {
            resource = "discovery " + bare;
        } else {
            resource = bare;
        }
        if (query.containsKey("labelSelector") || query.containsKey("fieldSelector")) {
            resource += " (selector)";
        }
        return verb + " " + resource;
    }

    private void count(String client, String key, String full) {
        counts.computeIfAbsent(client, k -> new ConcurrentHashMap<>()).computeIfAbsent(key, k -> new LongAdder()).increment();
        if (log != null) {
            synchronized (log) {
                try {
                    log.write(System.currentTimeMillis() + "\t" + client + "\t" + key + "\t" + full + "\n");
                } catch (IOException ignored) {
                    // the log is for reading afterwards; the counts are the measurement
                }
            }
        }
    }

    private MockResponse watch(String client, String timeoutSeconds) {
        AtomicInteger open = openWatches.computeIfAbsent(client, k -> new AtomicInteger());
        long seconds = timeoutSeconds == null || timeoutSeconds.isEmpty() ? 0 : Long.parseLong(timeoutSeconds);
        // No events: the objects never change. As the real API server does, the watch ends after the
        // timeoutSeconds the client asked for (fabric8: 600 s) and the client opens a new one.
        return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws, Response response) {
                open.incrementAndGet();
                if (seconds > 0) {
                    TIMER.schedule(() -> ws.close(1000, "watch timeout"), seconds, TimeUnit.SECONDS);
                }
            }

            @Override
            public void onClosed(WebSocket ws, int code, String reason) {
                open.decrementAndGet();
            }

            @Override
            public void onFailure(WebSocket ws, Throwable t, Response response) {
                open.decrementAndGet();
            }
        });
    }

    private MockResponse list(Target t, Map<String, String> query) {
        long start = System.nanoTime();
        byte[][] all = t.services ? services : ingresses;
        int[] idx = t.ns == null ? null : (t.services ? servicesByNs : ingressesByNs).getOrDefault(t.ns, new int[0]);
        int n = idx == null ? all.length : idx.length;
        int from = 0;
        String cont = query.get("continue");
        if (cont != null && !cont.isEmpty()) {
            try {
                from = Integer.parseInt(cont);
            } catch (NumberFormatException e) {
                return json(410, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Expired\","
                        + "\"code\":410,\"message\":\"bad continue token\"}");
            }
        }
        int limit = n;
        String l = query.get("limit");
        if (l != null && !l.isEmpty() && Integer.parseInt(l) > 0) {
            limit = Integer.parseInt(l);
        }
        int to = (int) Math.min(n, (long) from + limit);
        long size = 256;
        for (int k = from; k < to; k++) {
            size += all[idx == null ? k : idx[k]].length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16, size));
        String kind = t.services ? "ServiceList" : "IngressList";
        String api = t.services ? "v1" : "networking.k8s.io/v1";
        out.writeBytes(("{\"kind\":\"" + kind + "\",\"apiVersion\":\"" + api + "\",\"metadata\":{\"resourceVersion\":\""
                + LIST_RV + "\"" + (to < n ? ",\"continue\":\"" + to + "\",\"remainingItemCount\":" + (n - to) : "")
                + "},\"items\":[").getBytes(StandardCharsets.UTF_8));
        for (int k = from; k < to; k++) {
            if (k > from) {
                out.write(',');
            }
            out.writeBytes(all[idx == null ? k : idx[k]]);
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        byte[] body = out.toByteArray();
        listNanos.addAndGet(System.nanoTime() - start);
        listBytes.addAndGet(body.length);
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body);
    }

    private String countsJson() {
        ObjectNode root = ScaleObjects.JSON.createObjectNode();
        ObjectNode c = root.putObject("clients");
        new TreeMap<>(counts).forEach((client, m) -> {
            ObjectNode o = c.putObject(client);
            new TreeMap<>(m).forEach((k, v) -> o.put(k, v.sum()));
        });
        ObjectNode f = root.putObject("firstList");
        firstList.forEach((client, m) -> {
            ObjectNode o = f.putObject(client);
            m.forEach(o::put);
        });
        ObjectNode w = root.putObject("openWatches");
        openWatches.forEach((client, n) -> w.put(client, n.get()));
        root.put("listBuildMillis", listNanos.get() / 1_000_000).put("listBytes", listBytes.get());
        root.put("services", objects.services).put("ingresses", objects.ingresses);
        return root.toString();
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }

    static Map<String, String> query(String q) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : q.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int e = kv.indexOf('=');
            String k = URLDecoder.decode(e < 0 ? kv : kv.substring(0, e), StandardCharsets.UTF_8);
            String v = e < 0 ? "" : URLDecoder.decode(kv.substring(e + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }
}
