package dev.clbguard.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.tencentcloudapi.common.Credential;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.clbapi.ClbStateFile;
import dev.clbguard.facts.CloudException;
import dev.clbguard.facts.TencentClb;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbLookup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The real SDK classes (through TencentClb) against the emulator over HTTP, for every call clbguard makes. */
class EmulatorSdkTest {

    static final String SEED = """
            loadBalancers:
              - {id: lb-0g3v8r2m, name: shop-public, type: OPEN, forward: 1, vpcId: vpc-4f8q2w1e, vip: 203.0.113.10,
                 tags: {}, listeners: []}
              - {id: lb-77aa88bb, name: busy, type: OPEN, forward: 1, vpcId: vpc-4f8q2w1e, vip: 203.0.113.12,
                 tags: {tke-clusterId: cls-7k2m9q4p},
                 listeners: [{id: lbl-1a2b3c4d, name: web, protocol: HTTP, port: 80},
                             {id: lbl-5e6f7a8b, name: tls, protocol: HTTPS, port: 443}]}
            """;

    static final long TASK_MS = 400;
    static ClbEmulator emulator;
    static TencentClb cloud;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        // tasks long enough to be seen running even on a loaded machine
        ClbEmulator.Options o = ClbEmulator.Options.forTests();
        o = new ClbEmulator.Options(0, o.secretId(), o.secretKey(), 0, Duration.ZERO, Duration.ofMillis(TASK_MS), o.maxClockSkew());
        emulator = new ClbEmulator(o, ClbStateFile.parse(SEED, "test"), null).start();
        cloud = adapter(emulator.secretKey(), 8);
    }

    static TencentClb adapter(String secretKey, int attempts) {
        return new TencentClb(new Credential(emulator.secretId(), secretKey),
                new TencentClb.Options("ap-guangzhou", "100012345678", emulator.endpoint(), emulator.endpoint(), true,
                        Duration.ofSeconds(1), Duration.ofSeconds(2), attempts, Duration.ofMillis(20)),
                meters);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    @Test
    void describesKnownAndUnknownIdsInOneBatch() {
        Map<String, ClbLookup> r = cloud.read(List.of("lb-77aa88bb", "lb-nothere1"), System.nanoTime() + 2_000_000_000L);
        ClbInfo busy = assertInstanceOf(ClbLookup.Found.class, r.get("lb-77aa88bb")).clb();
        assertEquals("OPEN", busy.type());
        assertEquals(1, busy.forward());
        assertEquals("vpc-4f8q2w1e", busy.vpcId());
        assertEquals(List.of("203.0.113.12"), busy.vips());
        assertEquals("cls-7k2m9q4p", busy.tag("tke-clusterId"));
        assertEquals(Set.of(80, 443), Set.copyOf(busy.listeners().stream().map(l -> l.port()).toList()));
        assertInstanceOf(ClbLookup.Missing.class, r.get("lb-nothere1"));
        assertEquals(1, emulator.calls("DescribeLoadBalancers"));
        assertEquals(1, emulator.calls("DescribeListeners"));
        assertTrue(cloud.describe("lb-nothere1").isEmpty());
    }

    @Test
    void createsIdempotentlyAndReportsTheTask() throws Exception {
        var spec = new ClbCloud.CreateSpec("shop-checkout", "OPEN", "vpc-4f8q2w1e", null,
                Map.of("tke-createdBy-flag", "yes", "tke-clusterId", "cls-7k2m9q4p", "tke-lb-ingress-uuid", "uid-1"), "uid-1");
        ClbCloud.Created first = cloud.create(spec);
        ClbCloud.Created again = cloud.create(spec);
        assertEquals(first, again);
        assertEquals(ClbCloud.TaskStatus.RUNNING, cloud.taskStatus(first.requestId()));
        Thread.sleep(TASK_MS + 100);
        assertEquals(ClbCloud.TaskStatus.SUCCEEDED, cloud.taskStatus(first.requestId()));
        List<ClbInfo> mine = cloud.findByTags(Map.of("tke-lb-ingress-uuid", "uid-1", "tke-clusterId", "cls-7k2m9q4p"));
        assertEquals(List.of(first.lbId()), mine.stream().map(ClbInfo::id).toList());
        assertEquals("yes", mine.get(0).tag("tke-createdBy-flag"));
        assertTrue(cloud.findByTags(Map.of("tke-lb-ingress-uuid", "uid-2")).isEmpty());
        assertEquals(3, emulator.loadBalancers().size());
    }

    @Test
    void internalClbNeedsASubnet() {
        CloudException e = assertThrows(CloudException.class, () -> cloud.create(
                new ClbCloud.CreateSpec("x", "INTERNAL", "vpc-4f8q2w1e", null, Map.of(), "uid-3")));
        assertEquals("MissingParameter", e.code());
        assertFalse(e.retryable());
    }

    @Test
    void deleteWaitsForTheCreateTaskThenGoesAway() throws Exception {
        ClbCloud.Created c = cloud.create(new ClbCloud.CreateSpec("tmp", "INTERNAL", "vpc-4f8q2w1e", "subnet-1a2b3c4d", Map.of(), "uid-4"));
        // still being created: ResourceInOperating, retried with backoff until the task is done
        String task = cloud.delete(c.lbId()).orElseThrow();
        assertTrue(emulator.calls("DeleteLoadBalancer") >= 2, "the busy answer was retried");
        Thread.sleep(TASK_MS + 100);
        assertEquals(ClbCloud.TaskStatus.SUCCEEDED, cloud.taskStatus(task));
        assertTrue(cloud.describe(c.lbId()).isEmpty());
        assertTrue(cloud.delete(c.lbId()).isEmpty(), "deleting an unknown id is done, not an error");
    }

    @Test
    void deletesListeners() throws Exception {
        String task = cloud.deleteListeners("lb-77aa88bb", List.of("lbl-1a2b3c4d")).orElseThrow();
        assertTrue(cloud.deleteListeners("lb-77aa88bb", List.of()).isEmpty());
        Thread.sleep(TASK_MS + 100);
        assertEquals(ClbCloud.TaskStatus.SUCCEEDED, cloud.taskStatus(task));
        assertEquals(List.of(443), cloud.describe("lb-77aa88bb").orElseThrow().listeners().stream().map(l -> l.port()).toList());
        CloudException e = assertThrows(CloudException.class, () -> cloud.deleteListeners("lb-77aa88bb", List.of("lbl-00000000")));
        assertEquals("InvalidParameter.ListenerIdNotFound", e.code());
    }

    @Test
    void tagsAndUntagsWithSixSegmentResourceNames() {
        assertEquals("qcs::clb:ap-guangzhou:uin/100012345678:clb/lb-0g3v8r2m", cloud.resourceName("lb-0g3v8r2m"));
        cloud.tag("lb-0g3v8r2m", Map.of("tke-clusterId", "cls-7k2m9q4p", "tke-lb-serviceuuid", "uid-5"));
        assertEquals("uid-5", cloud.describe("lb-0g3v8r2m").orElseThrow().tag("tke-lb-serviceuuid"));
        cloud.untag("lb-0g3v8r2m", Set.of("tke-lb-serviceuuid"));
        assertEquals(Map.of("tke-clusterId", "cls-7k2m9q4p"), cloud.describe("lb-0g3v8r2m").orElseThrow().tags());
        assertEquals(1, emulator.calls("TagResources"));
        assertEquals(1, emulator.calls("UnTagResources"));
        CloudException e = assertThrows(CloudException.class, () -> cloud.tag("lb-nothere1", Map.of("a", "b")));
        assertEquals("ResourceNotFound", e.code());
    }

    @Test
    void wrongSignatureIsRefused() {
        TencentClb wrongKey = adapter("not-the-key", 1);
        CloudException e = assertThrows(CloudException.class, () -> wrongKey.describe("lb-0g3v8r2m"));
        assertEquals("AuthFailure.SignatureFailure", e.code());
        Map<String, ClbLookup> r = wrongKey.read(List.of("lb-0g3v8r2m"), System.nanoTime() + 1_000_000_000L);
        assertInstanceOf(ClbLookup.Unknown.class, r.get("lb-0g3v8r2m"));
    }

    @Test
    void expiredTimestampIsRefusedAndTheEnvelopeIsTencents() throws Exception {
        long old = Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond();
        assertEquals("AuthFailure.SignatureExpire", code(send(old, emulator.secretKey())));
        String ok = send(Instant.now().getEpochSecond(), emulator.secretKey());
        assertTrue(ok.contains("\"TotalCount\":0"), ok);
        assertTrue(ok.startsWith("{\"Response\":{"), ok);
        assertEquals("AuthFailure.SignatureFailure", code(send(Instant.now().getEpochSecond(), "bad")));
    }

    /** DescribeLoadBalancers for an unknown id, signed by hand (the SDK always signs with the current time). */
    private static String send(long ts, String key) throws Exception {
        String body = "{\"LoadBalancerIds\":[\"lb-nothere1\"]}";
        String host = emulator.endpoint();
        String date = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC).format(Instant.ofEpochSecond(ts));
        String ct = "application/json; charset=utf-8";
        String sig = Tc3Signature.sign(key, "POST", "content-type:" + ct + "\nhost:" + host + "\n", "content-type;host",
                Tc3Signature.sha256Hex(body), ts, date, "127");
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + "/"))
                .header("Content-Type", ct).header("X-TC-Action", "DescribeLoadBalancers")
                .header("X-TC-Version", "2018-03-17").header("X-TC-Region", "ap-guangzhou")
                .header("X-TC-Timestamp", Long.toString(ts))
                .header("Authorization", "TC3-HMAC-SHA256 Credential=" + emulator.secretId() + "/" + date
                        + "/127/tc3_request, SignedHeaders=content-type;host, Signature=" + sig)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String code(String response) {
        int i = response.indexOf("\"Code\":\"");
        assertTrue(i > 0, response);
        return response.substring(i + 8, response.indexOf('"', i + 8));
    }

    @Test
    void rateLimitAnswersRequestLimitExceededAndTheReconcilerBacksOff() {
        emulator.setRateLimit(3);
        long now = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(ClbLookup.Missing.class, cloud.read(List.of("lb-nothere1"), now).get("lb-nothere1"));
        }
        // admission path with no time left: no retry, Unknown
        ClbLookup.Unknown u = assertInstanceOf(ClbLookup.Unknown.class, cloud.read(List.of("lb-nothere1"), now).get("lb-nothere1"));
        assertTrue(u.reason().contains("RequestLimitExceeded"), u.reason());
        // reconciler path: retried with backoff until the bucket refills
        assertTrue(cloud.describe("lb-0g3v8r2m").isPresent());
        assertTrue(meters.get("clbguard.cloud.calls").tag("outcome", "RequestLimitExceeded").timer().count() >= 1);
    }

    @Test
    void injectedLatencyAndFailures() {
        emulator.setLatency(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertTrue(cloud.describe("lb-0g3v8r2m").isPresent());
        assertTrue(System.nanoTime() - t0 >= 600_000_000L, "two calls, each 300 ms late");
        emulator.setLatency(Duration.ZERO);
        emulator.failNext("DescribeLoadBalancers", "InternalError", 1);
        CloudException e = assertThrows(CloudException.class, () -> cloud.describe("lb-0g3v8r2m"));
        assertEquals("InternalError", e.code());
        assertTrue(e.retryable());
        assertTrue(cloud.describe("lb-0g3v8r2m").isPresent());
    }
}
