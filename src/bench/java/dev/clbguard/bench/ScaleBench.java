package dev.clbguard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The scale bench's driver: for each size (Services; a third as many Ingresses), one mock API server holding them
 * ({@link ScaleApiServer}), one CLB API emulator holding their CLBs, and two clbguard processes with the shipped
 * pod's JVM options: the leader (started alone, it takes the Lease) and then a plain replica. Measures memory after
 * a full GC, start-up times, the leader's passes, API requests at rest and admission latency; prints one table and
 * writes it to WORKDIR/results.md. See docs/scale.md.
 *
 * <p>Usage: ScaleBench JAR WORKDIR MAXRAM PCT SIZE... (MAXRAM as -XX:MaxRAM takes it, PCT as MaxRAMPercentage).
 * Exit code 1 when a process died or a measurement could not be made; every size is run anyway.
 */
public final class ScaleBench {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures/apiserver-1.28/requests");
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newCachedThreadPool()).build();
    static final int QUIET_SECONDS = Integer.getInteger("scale.quiet", 60);
    static final int RATE = 50;
    static final int LATENCY_SECONDS = 20;
    static final int FREE_PER_ROLE = RATE * (LATENCY_SECONDS + 3);
    static final String DEAD_UID = "0000dead-0000-4000-8000-000000000000";
    static final Duration AUDIT_INTERVAL = Duration.ofSeconds(20);
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(20);
    /** Shipped intervals (application.properties), for the per-hour figures of the timers. */
    static final Duration SHIPPED_AUDIT = Duration.ofMinutes(5);
    static final Duration SHIPPED_SWEEP = Duration.ofMinutes(10);

    final Path jar;
    final Path work;
    final String maxRam;
    final String pct;
    final List<Process> processes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final List<Row> rows = new ArrayList<>();
    final StringBuilder details = new StringBuilder();

    ScaleBench(Path jar, Path work, String maxRam, String pct) {
        this.jar = jar;
        this.work = work;
        this.maxRam = maxRam;
        this.pct = pct;
    }

    /** One clbguard process. */
    static final class Node {
        final String role;
        final int port;
        final Process process;
        final long startMillis;
        final ScaleCloudProxy cloud;
        final Path log;

        Node(String role, int port, Process process, long startMillis, ScaleCloudProxy cloud, Path log) {
            this.role = role;
            this.port = port;
            this.process = process;
            this.startMillis = startMillis;
            this.cloud = cloud;
            this.log = log;
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    /** One row of the table: a (size, role). */
    static final class Row {
        int services;
        int ingresses;
        String role;
        String alive = "yes";
        String heap = "-";
        String rss = "-";
        String firstList = "-";
        String ready = "-";
        String indexed = "-";
        String reconcile = "-";
        String admExisting = "-";
        String admNone = "-";
        String audit = "-";
        String sweep = "-";
        String describes = "-";
        String restBase = "-";
        String restTimers = "-";
        String leaderCheck = "-";
    }

    public static void main(String[] args) throws Exception {
        ScaleBench b = new ScaleBench(Path.of(args[0]), Path.of(args[1]), args[2], args[3]);
        Files.createDirectories(b.work);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(0, 10_000, 30_000);
        }
        System.out.printf("clbguard JVM: -XX:+UseSerialGC -XX:MaxRAM=%s -XX:MaxRAMPercentage=%s -XX:+ExitOnOutOfMemoryError%n",
                b.maxRam, b.pct);
        for (int size : sizes) {
            try {
                b.size(size, (size + 2) / 3);
            } catch (Exception e) {
                b.failures.add("size " + size + ": " + e);
                e.printStackTrace();
            } finally {
                b.stopAll();
            }
        }
        String table = b.table();
        System.out.println();
        System.out.println(table);
        Files.writeString(b.work.resolve("results.md"), "# clbguard scale bench\n\nclbguard JVM: `-XX:+UseSerialGC -XX:MaxRAM="
                + b.maxRam + " -XX:MaxRAMPercentage=" + b.pct + " -XX:+ExitOnOutOfMemoryError`\n\n" + table + "\n"
                + b.details + (b.failures.isEmpty() ? "" : "\n## Failures\n\n- " + String.join("\n- ", b.failures) + "\n"));
        if (!b.failures.isEmpty()) {
            System.out.println("FAILED:");
            b.failures.forEach(f -> System.out.println("  " + f));
        }
        System.out.println("written: " + b.work.resolve("results.md"));
        System.exit(b.failures.isEmpty() ? 0 : 1);
    }

    // --- one size --------------------------------------------------------------------------------------------------

    void size(int nSvc, int nIng) throws Exception {
        System.out.printf("%n=== %d Services + %d Ingresses ===%n", nSvc, nIng);
        Path dir = work.resolve("size-" + nSvc);
        Files.createDirectories(dir);
        ScaleObjects objects = new ScaleObjects(nSvc, nIng, 42);
        Path seed = dir.resolve("seed.yaml");
        int clbs = writeSeed(objects, seed);
        String api = startApiServer(objects, dir);
        String emulator = startEmulator(seed, dir);
        System.out.printf("API server %s; emulator %s with %d CLBs%n", api, emulator, clbs);
        int managed = 0;
        for (int i = 0; i < nSvc; i++) {
            managed += ScaleObjects.svcKind(i) == ScaleObjects.SvcKind.MANAGED ? 1 : 0;
        }
        Row lr = row(nSvc, nIng, "leader");
        Row rr = row(nSvc, nIng, "replica");

        Node leader = startNode("leader", api, emulator, dir);
        Map<String, Long> startup = awaitStartup(leader, objects, lr, true, managed);
        boolean leaderUp = leader.process.isAlive() && startup != null;
        if (leaderUp) {
            lr.leaderCheck = logHas(leader, "leader holds the lease") ? "holds the Lease (log)" : "NOT leader?";
        }
        Node replica = startNode("replica", api, emulator, dir);
        awaitStartup(replica, objects, rr, false, managed);
        rr.leaderCheck = logHas(replica, "replica holds the lease") ? "LEADER?" : "no Lease (log)";
        JsonNode counts = apiCounts(api);
        lr.firstList = since(leader, counts.path("firstList").path("leader").path("services"));
        rr.firstList = since(replica, counts.path("firstList").path("replica").path("services"));
        checkReadyAfterList(lr);
        checkReadyAfterList(rr);
        Thread.sleep(5000);

        // Memory: after the informers synced and the leader's first audit and sweep.
        for (Node n : List.of(leader, replica)) {
            Row r = n == leader ? lr : rr;
            if (!alive(n, r)) {
                continue;
            }
            memory(n, r, dir);
        }

        // At rest: no admission, nothing changes; the bench's 20 s timers still fire on the leader.
        JsonNode before = apiCounts(api);
        long w0 = System.currentTimeMillis();
        Thread.sleep(QUIET_SECONDS * 1000L);
        long w1 = System.currentTimeMillis();
        JsonNode after = apiCounts(api);
        for (Node n : List.of(leader, replica)) {
            Row r = n == leader ? lr : rr;
            if (alive(n, r)) {
                atRest(n, r, before, after, w0, w1);
            }
        }

        // Admission at 50/s, each role alone.
        int roleIndex = 0;
        for (Node n : List.of(replica, leader)) {
            Row r = n == leader ? lr : rr;
            if (alive(n, r)) {
                latency(n, r, n == leader ? 1 : 2);
            }
            roleIndex++;
        }

        if (alive(leader, lr)) {
            JsonNode rep = getJson(leader.url("/audit/report"));
            if (rep != null) {
                details.append(String.format("- %d+%d leader, last audit pass: %d ms, %d objects, %d findings; last sweep: %d ms,"
                        + " %d CLBs, %d findings%n", nSvc, nIng, rep.path("durationMillis").asLong(),
                        rep.path("objectsScanned").asLong(), rep.path("violations").asLong(),
                        rep.path("guardian").path("durationMillis").asLong(), rep.path("guardian").path("clbsSwept").asLong(),
                        rep.path("guardian").path("items").size()));
                Map<String, Integer> byPolicy = new TreeMap<>();
                Map<String, String> example = new TreeMap<>();
                rep.path("findings").forEach(f -> {
                    String k = f.path("policyId").asText() + " (" + f.path("effect").asText() + ")";
                    byPolicy.merge(k, 1, Integer::sum);
                    example.putIfAbsent(k, f.path("message").asText());
                });
                rep.path("guardian").path("items").forEach(i -> {
                    String k = "guardian " + i.path("kind").asText();
                    byPolicy.merge(k, 1, Integer::sum);
                    example.putIfAbsent(k, i.path("message").asText());
                });
                byPolicy.forEach((k, v) -> details.append(String.format("  - %s: %d, e.g. %s%n", k, v,
                        example.get(k).length() > 200 ? example.get(k).substring(0, 200) + "…" : example.get(k))));
            }
            histogram(leader, dir);
        }
        JsonNode state = getJson("http://" + emulator + "/emulator/load-balancers");
        if (state != null) {
            details.append(String.format("- %d+%d emulator calls over the whole run (all clients): %s%n", nSvc, nIng,
                    state.path("calls")));
        }
        JsonNode fin = apiCounts(api);
        details.append(String.format("- %d+%d API server: %d MB listed in all, %d ms building lists%n", nSvc, nIng,
                fin.path("listBytes").asLong() >> 20, fin.path("listBuildMillis").asLong()));
        if (logHas(replica, "replica holds the lease")) {
            rr.leaderCheck = "took the Lease at " + leaseTakenAt(replica) + " s";
        }
        for (Node n : List.of(leader, replica)) {
            Row r = n == leader ? lr : rr;
            if (!n.process.isAlive() && !r.alive.startsWith("died")) {
                r.alive = "died " + cause(n);
                failures.add(nSvc + " " + n.role + " died " + cause(n));
            }
        }
    }

    Row row(int s, int i, String role) {
        Row r = new Row();
        r.services = s;
        r.ingresses = i;
        r.role = role;
        rows.add(r);
        return r;
    }

    /**
     * Waits for ready, for the index to hold every object and (leader) for the reconcile pass, the first full audit
     * and a sweep that judged the CLBs. Null when the process died or a step timed out.
     */
    Map<String, Long> awaitStartup(Node n, ScaleObjects o, Row r, boolean leader, int managed) throws Exception {
        long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(6);
        Long ready = null;
        Long indexed = null;
        Long drained = null;
        boolean audited = !leader;
        boolean swept = !leader;
        String reconcileTotals = "";
        int tick = 0;
        while (System.currentTimeMillis() < deadline) {
            if (!n.process.isAlive()) {
                r.alive = "died " + cause(n) + " at +" + secs(System.currentTimeMillis() - n.startMillis);
                failures.add(o.services + " " + n.role + ": " + r.alive);
                System.out.println(n.role + " " + r.alive);
                break;
            }
            long now = System.currentTimeMillis();
            if (ready == null && status(n.url("/q/health/ready")) == 200) {
                ready = now;
                r.ready = secs(ready - n.startMillis);
                System.out.println(n.role + " ready at +" + r.ready + " s");
            }
            if (indexed == null && ready != null && indexed(n, o)) {
                indexed = System.currentTimeMillis();
                r.indexed = secs(indexed - n.startMillis);
                System.out.println(n.role + " index holds every object at +" + r.indexed + " s");
            }
            if (leader && drained == null && tick % 4 == 0) {
                String m = getText(n.url("/q/metrics"));
                if (m != null) {
                    double depth = metric(m, "clbguard_reconcile_queue_depth", null);
                    double total = metric(m, "clbguard_reconcile_total", null);
                    total = Double.isNaN(total) ? 0 : total; // no pass yet: the counter is not registered
                    if (!Double.isNaN(depth) && depth == 0 && total >= managed && (managed > 0 || indexed != null)) {
                        drained = System.currentTimeMillis();
                        reconcileTotals = reconcileOutcomes(m);
                        r.reconcile = secs(drained - n.startMillis) + " s, " + (long) total + " passes " + reconcileTotals;
                        System.out.println(n.role + " reconcile drained: " + r.reconcile);
                    }
                }
            }
            if (leader && (!audited || !swept) && tick % 8 == 0) {
                JsonNode rep = getJson(n.url("/audit/report"));
                if (rep != null) {
                    if (!audited && rep.path("objectsScanned").asLong(-1) == o.services + o.ingresses) {
                        audited = true;
                        r.audit = rep.path("durationMillis").asLong() + " ms / " + rep.path("objectsScanned").asLong()
                                + " obj, " + rep.path("violations").asLong() + " findings";
                        System.out.println(n.role + " first audit: " + r.audit);
                    }
                    JsonNode g = rep.path("guardian");
                    if (!swept && g.path("clbsSwept").asLong(0) > 0) {
                        swept = true;
                        r.sweep = g.path("durationMillis").asLong() + " ms / " + g.path("clbsSwept").asLong() + " CLBs";
                        System.out.println(n.role + " first sweep: " + r.sweep);
                    }
                }
            }
            if (ready != null && indexed != null && audited && swept && (!leader || drained != null)) {
                return Map.of("ready", ready, "indexed", indexed);
            }
            tick++;
            Thread.sleep(250);
        }
        if (n.process.isAlive()) {
            failures.add(o.services + " " + n.role + ": start-up not complete in 6 min (ready " + r.ready + ", index "
                    + r.indexed + ", reconcile " + r.reconcile + ", audit " + r.audit + ", sweep " + r.sweep + ")");
        }
        return null;
    }

    /** The index holds every object: a dry-run denial names the last Service and Ingress listed (or, empty, a stale tag). */
    boolean indexed(Node n, ScaleObjects o) {
        if (o.services == 0) {
            JsonNode a = post(n, review("036", "probe", "lb-p0000001", true));
            return a != null && message(a).contains("no longer exists");
        }
        int i = o.services - 1;
        JsonNode a = post(n, review("036", "probe", "lb-p0000001", true));
        if (a == null || !message(a).contains("Service " + ScaleObjects.namespace(i) + "/" + ScaleObjects.svcName(i))) {
            return false;
        }
        int j = o.ingresses - 1;
        JsonNode b = post(n, review("024", "probe", "lb-p0000002", true));
        return b != null && message(b).contains("Ingress " + ScaleObjects.namespace(j) + "/" + ScaleObjects.ingName(j));
    }

    void checkReadyAfterList(Row r) {
        try {
            if (!r.ready.equals("-") && !r.firstList.equals("-")) {
                double gap = Double.parseDouble(r.ready) - Double.parseDouble(r.firstList);
                if (gap > 20) {
                    details.append(String.format("- %d %s: ready %.1f s after the first LIST (over 20 s)%n", r.services, r.role, gap));
                }
            }
        } catch (NumberFormatException ignored) {
            // one of them missing
        }
    }

    void memory(Node n, Row r, Path dir) throws Exception {
        String pid = String.valueOf(n.process.pid());
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        long usedK = 0;
        Matcher m = Pattern.compile("(?:def new|tenured) generation\\s+total \\d+K, used (\\d+)K").matcher(info);
        while (m.find()) {
            usedK += Long.parseLong(m.group(1));
        }
        Matcher mx = Pattern.compile("MaxHeapSize=(\\d+)").matcher(jcmd(pid, "VM.flags"));
        long max = mx.find() ? Long.parseLong(mx.group(1)) : 0;
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
        r.heap = String.format("%.1f / %.0f (%.0f%%)", usedK / 1024.0, max / 1048576.0, max == 0 ? 0 : usedK * 1024.0 * 100 / max);
        r.rss = rss.find() ? String.format("%.0f", Long.parseLong(rss.group(1)) / 1024.0) : "?";
        System.out.printf("%s heap after GC %s MB, RSS %s MB%n", n.role, r.heap, r.rss);
        Files.writeString(dir.resolve(n.role + "-heap-info.txt"), info);
    }

    void histogram(Node n, Path dir) {
        try {
            String h = jcmd(String.valueOf(n.process.pid()), "GC.class_histogram");
            String head = String.join("\n", h.lines().limit(32).toList());
            Files.writeString(dir.resolve(n.role + "-class-histogram.txt"), head + "\n");
        } catch (Exception e) {
            details.append("- class histogram of " + n.role + " failed: " + e.getMessage() + "\n");
        }
    }

    /** Kinds of request driven by the leader's timers (audit, guardian sweep, report publishing). */
    static boolean timer(String key) {
        return key.equals("list services") || key.equals("list ingresses") || key.contains("wgpolicyk8s")
                || key.contains("openreports") || key.contains("policy reports") || key.endsWith(" events")
                || key.startsWith("discovery");
    }

    void atRest(Node n, Row r, JsonNode before, JsonNode after, long w0, long w1) {
        double seconds = (w1 - w0) / 1000.0;
        Map<String, Long> diff = new TreeMap<>();
        after.path("clients").path(n.role).fields().forEachRemaining(e -> {
            long d = e.getValue().asLong() - before.path("clients").path(n.role).path(e.getKey()).asLong(0);
            if (d > 0) {
                diff.put(e.getKey(), d);
            }
        });
        long base = 0;
        long timers = 0;
        StringBuilder kinds = new StringBuilder();
        for (var e : diff.entrySet()) {
            boolean t = timer(e.getKey()) && n.role.equals("leader");
            if (t) {
                timers += e.getValue();
            } else {
                base += e.getValue();
            }
            kinds.append(String.format("%s%s %d%s", kinds.length() == 0 ? "" : "; ", e.getKey(), e.getValue(), t ? " (timer)" : ""));
        }
        List<ScaleCloudProxy.Call> calls = n.cloud.calls().stream().filter(c -> c.millis() >= w0 && c.millis() < w1).toList();
        long sweeps = calls.stream().filter(ScaleCloudProxy.Call::firstPage).count();
        long pages = calls.stream().filter(c -> c.action().equals("DescribeLoadBalancers") && c.byFilter()).count();
        long lookups = calls.stream().filter(c -> c.action().equals("DescribeLoadBalancers") && !c.byFilter()).count();
        Map<String, Long> actions = new TreeMap<>();
        calls.forEach(c -> actions.merge(c.action(), 1L, Long::sum));
        long audits = diff.getOrDefault("list services", 0L);
        r.restBase = String.format("%.0f", base * 3600 / seconds);
        if (n.role.equals("leader")) {
            r.restTimers = String.format("%d in %d audits + %d sweeps", timers, audits, sweeps);
            if (sweeps > 0) {
                int swept = clbsSwept(n);
                r.describes = String.format("%.1f (%d CLBs)", (double) pages / sweeps, swept);
            }
        } else {
            r.restTimers = timers == 0 ? "0" : String.valueOf(timers);
        }
        open(n, after);
        details.append(String.format("- %d+%d %s at rest, %.0f s: API requests by kind: %s; open watches %s; cloud calls: %s"
                + " (DescribeLoadBalancers: %d sweep pages in %d sweeps, %d id lookups)%n", r.services, r.ingresses, n.role,
                seconds, kinds.length() == 0 ? "none" : kinds, after.path("openWatches").path(n.role), actions, pages, sweeps,
                lookups));
        System.out.printf("%s at rest: %s%n", n.role, kinds);
    }

    void open(Node n, JsonNode counts) {
        // placeholder for symmetry: open watches are reported with the counts
    }

    int clbsSwept(Node n) {
        JsonNode rep = getJson(n.url("/audit/report"));
        return rep == null ? -1 : rep.path("guardian").path("clbsSwept").asInt(-1);
    }

    // --- admission latency -----------------------------------------------------------------------------------------

    void latency(Node n, Row r, int role) throws Exception {
        for (String kind : List.of("existing", "none")) {
            // A short warm-up of the same requests, untimed.
            paced(n, kind, role, 0, RATE * 2, false);
            String m0 = getText(n.url("/q/metrics"));
            long[] lat = paced(n, kind, role, RATE * 2, RATE * LATENCY_SECONDS, true);
            String m1 = getText(n.url("/q/metrics"));
            String server = serverPercentiles(m0, m1);
            String cell = lat == null ? "failed" : String.format("%.1f / %.1f (%s)", pct(lat, 0.50), pct(lat, 0.99), server);
            if (kind.equals("existing")) {
                r.admExisting = cell;
            } else {
                r.admNone = cell;
            }
            System.out.printf("%s admission %s: %s%n", n.role, kind, cell);
        }
    }

    /** {@code count} CREATEs at {@value #RATE}/s, each answered on a thread of its own; latencies in ns. */
    long[] paced(Node n, String kind, int role, int first, int count, boolean timed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        long[] lat = new long[count];
        int[] bad = new int[1];
        long start = System.nanoTime();
        long step = 1_000_000_000L / RATE;
        for (int k = 0; k < count; k++) {
            long at = start + k * step;
            long wait = at - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int idx = first + k;
            int slot = k;
            ObjectNode review = kind.equals("existing")
                    ? review("036", "lat-" + role + "-" + idx, freeClb(role, idx), false)
                    : review("036", "new-" + role + "-" + idx, null, false);
            HttpRequest req = request(n, review);
            pool.submit(() -> {
                long t = System.nanoTime();
                JsonNode a = post(req);
                lat[slot] = System.nanoTime() - t;
                if (a == null || !a.path("allowed").asBoolean()) {
                    synchronized (bad) {
                        bad[0]++;
                        if (bad[0] <= 3) {
                            System.out.println("  not allowed: " + (a == null ? "no answer" : message(a)));
                        }
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        if (timed && bad[0] > 0) {
            failures.add(n.role + " admission " + kind + ": " + bad[0] + " of " + count + " not allowed");
            details.append(String.format("- %s admission %s: %d of %d not allowed%n", n.role, kind, bad[0], count));
        }
        return lat;
    }

    static String freeClb(int role, int idx) {
        return ScaleObjects.clbId('f', role * 100_000 + idx);
    }

    /** p50/p99 of the server's clbguard_admission_latency histogram (validate, Service) between two scrapes. */
    static String serverPercentiles(String before, String after) {
        if (before == null || after == null) {
            return "server n/a";
        }
        TreeMap<Double, Double> b = buckets(before);
        TreeMap<Double, Double> a = buckets(after);
        TreeMap<Double, Double> d = new TreeMap<>();
        a.forEach((le, v) -> d.put(le, v - b.getOrDefault(le, 0.0)));
        double total = d.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return "server n/a";
        }
        return "server ≤" + le(d, total * 0.5) + " / ≤" + le(d, total * 0.99);
    }

    static String le(TreeMap<Double, Double> d, double rank) {
        for (var e : d.entrySet()) {
            if (e.getValue() >= rank) {
                return e.getKey().isInfinite() ? "inf" : String.format("%.1f", e.getKey() * 1000);
            }
        }
        return "inf";
    }

    static TreeMap<Double, Double> buckets(String metrics) {
        TreeMap<Double, Double> out = new TreeMap<>();
        Pattern p = Pattern.compile("^clbguard_admission_latency_seconds_bucket\\{([^}]*)\\} (\\S+)", Pattern.MULTILINE);
        Matcher m = p.matcher(metrics);
        while (m.find()) {
            String labels = m.group(1);
            if (!labels.contains("webhook=\"validate\"") || !labels.contains("kind=\"Service\"")) {
                continue;
            }
            Matcher le = Pattern.compile("le=\"([^\"]+)\"").matcher(labels);
            if (le.find()) {
                double k = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                out.merge(k, Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return out;
    }

    // --- processes -------------------------------------------------------------------------------------------------

    String startApiServer(ScaleObjects o, Path dir) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-Xmx3g", "-cp",
                System.getProperty("java.class.path"), ScaleApiServer.class.getName(), "--services",
                String.valueOf(o.services), "--ingresses", String.valueOf(o.ingresses), "--seed", String.valueOf(o.seed),
                "--log", dir.resolve("api-requests.tsv").toString()));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("api-server.err").toFile()).start();
        processes.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null || !line.startsWith(ScaleApiServer.READY)) {
            throw new IllegalStateException("the API server did not start: " + line);
        }
        System.out.println(line);
        return line.substring(ScaleApiServer.READY.length(), line.indexOf(' ', ScaleApiServer.READY.length()));
    }

    String startEmulator(Path seed, Path dir) throws IOException {
        Process p = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-Xmx768m", "-jar", jar.toString(), "emulator",
                "--seed", seed.toString(), "--port", "0", "--rate-limit", "0")
                .redirectError(dir.resolve("emulator.err").toFile()).start();
        processes.add(p);
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null || !line.startsWith("CLB API emulator on ")) {
            throw new IllegalStateException("the emulator did not start: " + line);
        }
        return line.substring("CLB API emulator on ".length(), line.indexOf(' ', "CLB API emulator on ".length()));
    }

    Node startNode(String role, String api, String emulator, Path dir) throws IOException {
        int port = freePort();
        ScaleCloudProxy cloud = new ScaleCloudProxy(emulator);
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:MaxRAM=" + maxRam,
                "-XX:MaxRAMPercentage=" + pct, "-XX:+ExitOnOutOfMemoryError",
                "-Dquarkus.profile=bench", "-Dclbguard.cloud.mode=emulator", "-Dclbguard.emulator.endpoint=" + cloud.endpoint(),
                "-Dclbguard.cluster.id=" + ScaleObjects.CLUSTER, "-Dclbguard.cluster.region=ap-guangzhou",
                "-Dclbguard.cluster.vpc-id=" + ScaleObjects.VPC, "-Dclbguard.cluster.owner-uin=100012345678",
                "-Dquarkus.http.insecure-requests=enabled", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dclbguard.policies.dir=policies",
                "-D%bench.clbguard.live-index.enabled=true", "-Dclbguard.claims.leases=true",
                "-D%bench.clbguard.reconciler.enabled=true", "-D%bench.clbguard.audit.enabled=true",
                "-Dclbguard.audit.interval=" + AUDIT_INTERVAL.toSeconds() + "s",
                "-Dclbguard.reconciler.sweep-interval=" + SWEEP_INTERVAL.toSeconds() + "s",
                // The prefix tells the API server which process is asking (stripped before dispatch).
                "-Dquarkus.kubernetes-client.api-server-url=" + api + "c/" + role + "/",
                "-Dquarkus.kubernetes-client.trust-certs=true",
                "-Dquarkus.kubernetes-client.namespace=default", "-Dclbguard.webhook.namespace=clbguard",
                "-jar", jar.toString()));
        Path log = dir.resolve(role + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().put("HOSTNAME", role);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        long start = System.currentTimeMillis();
        Process p = pb.start();
        processes.add(p);
        System.out.printf("%s started (pid %d, port %d)%n", role, p.pid(), port);
        return new Node(role, port, p, start, cloud, log);
    }

    void stopAll() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        processes.clear();
    }

    boolean alive(Node n, Row r) {
        if (n.process.isAlive()) {
            return true;
        }
        if (!r.alive.startsWith("died")) {
            r.alive = "died " + cause(n);
            failures.add(r.services + " " + n.role + " " + r.alive);
        }
        return false;
    }

    String cause(Node n) {
        try {
            String log = Files.readString(n.log);
            if (log.contains("OutOfMemoryError")) {
                return "(OutOfMemoryError, exit " + exit(n) + ")";
            }
        } catch (IOException ignored) {
            // no log
        }
        return "(exit " + exit(n) + ")";
    }

    static String exit(Node n) {
        try {
            return n.process.isAlive() ? "alive" : String.valueOf(n.process.exitValue());
        } catch (IllegalThreadStateException e) {
            return "?";
        }
    }

    static boolean logHas(Node n, String text) {
        try {
            return Files.readString(n.log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Seconds from the process's start to its log line saying it holds the Lease. */
    static String leaseTakenAt(Node n) {
        try {
            for (String line : Files.readAllLines(n.log)) {
                if (line.contains(n.role + " holds the lease") && line.length() > 23) {
                    java.time.LocalDateTime t = java.time.LocalDateTime.parse(line.substring(0, 23).replace(' ', 'T').replace(',', '.'));
                    long ms = t.atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
                    return secs(ms - n.startMillis);
                }
            }
        } catch (Exception e) {
            return "?";
        }
        return "?";
    }

    static String jcmd(String pid, String command) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), pid, command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        return out;
    }

    // --- seed, objects, calls --------------------------------------------------------------------------------------

    /** The generated objects' CLBs, two probe CLBs tagged for the last Service and Ingress, free CLBs for admission. */
    static int writeSeed(ScaleObjects o, Path seed) throws IOException {
        StringBuilder y = new StringBuilder("loadBalancers:\n");
        int n = 0;
        for (ScaleObjects.Clb c : o.clbs()) {
            ScaleObjects.yaml(y, c);
            n++;
        }
        String svcOwner = o.services == 0 ? DEAD_UID : o.svcUid(o.services - 1);
        String ingOwner = o.ingresses == 0 ? DEAD_UID : o.ingUid(o.ingresses - 1);
        ScaleObjects.yaml(y, new ScaleObjects.Clb("lb-p0000001", "10.99.0.1", "OPEN",
                List.of(new String[] { "tke-clusterId", ScaleObjects.CLUSTER }, new String[] { "tke-lb-serviceuuid", svcOwner }),
                List.of()));
        ScaleObjects.yaml(y, new ScaleObjects.Clb("lb-p0000002", "10.99.0.2", "OPEN",
                List.of(new String[] { "tke-clusterId", ScaleObjects.CLUSTER }, new String[] { "tke-lb-ingress-uuid", ingOwner }),
                List.of()));
        n += 2;
        for (int role = 1; role <= 2; role++) {
            for (int k = 0; k < FREE_PER_ROLE + RATE * 2; k++) {
                ScaleObjects.yaml(y, new ScaleObjects.Clb(freeClb(role, k), "10.98." + role + "." + (k % 250 + 1), "OPEN",
                        List.of(), List.of()));
                n++;
            }
        }
        Files.writeString(seed, y.toString());
        return n;
    }

    /** Fixture 036 (Service) or 024 (Ingress) as a CREATE of {@code name} in namespace shop, naming {@code lb} (or none). */
    static ObjectNode review(String fixture, String name, String lb, boolean dryRun) {
        try (var files = Files.list(FIXTURES)) {
            Path file = files.filter(p -> p.getFileName().toString().startsWith(fixture + "-")).findFirst().orElseThrow();
            ObjectNode review = (ObjectNode) ScaleObjects.JSON.readTree(file.toFile());
            ObjectNode request = (ObjectNode) review.path("request");
            request.put("uid", UUID.randomUUID().toString()).put("name", name).put("dryRun", dryRun);
            ObjectNode metadata = (ObjectNode) request.path("object").path("metadata");
            metadata.put("name", name).put("uid", UUID.randomUUID().toString());
            ObjectNode annotations = metadata.putObject("annotations");
            if (lb != null) {
                annotations.put(fixture.equals("036") ? "service.kubernetes.io/tke-existed-lbid" : "kubernetes.io/ingress.existLbId", lb);
            }
            if (fixture.equals("024")) {
                annotations.put("kubernetes.io/ingress.class", "qcloud");
            }
            return review;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpRequest request(Node n, ObjectNode review) {
        return HttpRequest.newBuilder(URI.create(n.url("/validate"))).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review.toString())).build();
    }

    static JsonNode post(Node n, ObjectNode review) {
        return post(request(n, review));
    }

    static JsonNode post(HttpRequest request) {
        try {
            HttpResponse<String> res = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return res.statusCode() == 200 ? ScaleObjects.JSON.readTree(res.body()).path("response") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String getText(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static JsonNode getJson(String url) {
        String t = getText(url);
        try {
            return t == null ? null : ScaleObjects.JSON.readTree(t);
        } catch (IOException e) {
            return null;
        }
    }

    static JsonNode apiCounts(String api) {
        JsonNode n = getJson(api + "_bench/counts");
        if (n == null) {
            throw new IllegalStateException("the API server's counts could not be read");
        }
        return n;
    }

    /** The sum of a Prometheus metric's samples (all label sets), NaN when absent. */
    static double metric(String text, String name, String labelFilter) {
        double sum = 0;
        boolean found = false;
        Matcher m = Pattern.compile("^" + name + "(\\{[^}]*\\})? (\\S+)", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            if (labelFilter != null && (m.group(1) == null || !m.group(1).contains(labelFilter))) {
                continue;
            }
            sum += Double.parseDouble(m.group(2));
            found = true;
        }
        return found ? sum : Double.NaN;
    }

    static String reconcileOutcomes(String text) {
        Map<String, Long> out = new TreeMap<>();
        Matcher m = Pattern.compile("^clbguard_reconcile_total\\{([^}]*)\\} (\\S+)", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            Matcher o = Pattern.compile("outcome=\"([^\"]+)\"").matcher(m.group(1));
            if (o.find()) {
                out.merge(o.group(1), (long) Double.parseDouble(m.group(2)), Long::sum);
            }
        }
        return out.toString();
    }

    static String since(Node n, JsonNode epochMillis) {
        return epochMillis.isMissingNode() ? "-" : secs(epochMillis.asLong() - n.startMillis);
    }

    static String secs(long millis) {
        return String.format("%.1f", millis / 1000.0);
    }

    static double pct(long[] nanos, double q) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.floor(s.length * q))] / 1e6;
    }

    static String message(JsonNode answer) {
        return answer == null ? "no answer" : answer.path("status").path("message").asText();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // --- the table -------------------------------------------------------------------------------------------------

    String table() {
        Map<String, java.util.function.Function<Row, String>> cols = new LinkedHashMap<>();
        cols.put("objects (Svc+Ing)", r -> r.services + "+" + r.ingresses);
        cols.put("role", r -> r.role + " (" + r.leaderCheck + ")");
        cols.put("alive", r -> r.alive);
        cols.put("heap after GC MB / max (share)", r -> r.heap);
        cols.put("RSS MB", r -> r.rss);
        cols.put("first LIST s", r -> r.firstList);
        cols.put("ready s", r -> r.ready);
        cols.put("index full s", r -> r.indexed);
        cols.put("reconcile drained", r -> r.role.equals("leader") ? r.reconcile : "n/a");
        cols.put("admit, names CLB: p50/p99 ms", r -> r.admExisting);
        cols.put("admit, names none: p50/p99 ms", r -> r.admNone);
        cols.put("first audit pass", r -> r.role.equals("leader") ? r.audit : "n/a");
        cols.put("first sweep", r -> r.role.equals("leader") ? r.sweep : "n/a");
        cols.put("Describe calls/sweep", r -> r.role.equals("leader") ? r.describes : "n/a");
        cols.put("API req/h at rest (no timer)", r -> r.restBase);
        cols.put("timer API req in window", r -> r.restTimers);
        StringBuilder t = new StringBuilder("| " + String.join(" | ", cols.keySet()) + " |\n|");
        cols.keySet().forEach(k -> t.append("---|"));
        t.append('\n');
        for (Row r : rows) {
            t.append("| ");
            for (Iterator<java.util.function.Function<Row, String>> it = cols.values().iterator(); it.hasNext();) {
                t.append(it.next().apply(r).replace("|", "/"));
                t.append(it.hasNext() ? " | " : " |\n");
            }
        }
        return t.toString() + "\n### Details\n\n";
    }
}
