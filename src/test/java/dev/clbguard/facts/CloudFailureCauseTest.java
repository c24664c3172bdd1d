package dev.clbguard.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.tencentcloudapi.common.Credential;

import dev.clbguard.clbapi.ClbStateFile;
import dev.clbguard.emulator.ClbEmulator;
import dev.clbguard.policy.clb.ClbLookup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A lookup that fails says what failed, with the real SDK: against a host that does not resolve, a port nothing
 * listens on, a server that never answers, and the CLB API emulator refusing the key or throttling. No API answered
 * the first three, so none may read "the API answered ClientSideError". Each cause is counted under its label and
 * logged at WARN once, without the secret.
 */
class CloudFailureCauseTest {

    private static final String SECRET = "this-secret-never-reaches-the-log";
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger log = Logger.getLogger(FailureLog.class.getName());
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void close() throws Exception {
        log.removeHandler(capture);
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private TencentClb adapter(String endpoint, boolean http, String secretId, String secretKey) {
        return new TencentClb(new Credential(secretId, secretKey), new TencentClb.Options("ap-guangzhou", "100012345678",
                endpoint, endpoint, http, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ofMillis(20)), meters,
                FailureLog.warnings(Duration.ofMinutes(10)));
    }

    private static ClbLookup.Unknown unknown(TencentClb adapter, String id) {
        ClbLookup l = adapter.read(List.of(id), System.nanoTime() + Duration.ofSeconds(3).toNanos()).get(id);
        assertTrue(l instanceof ClbLookup.Unknown, String.valueOf(l));
        return (ClbLookup.Unknown) l;
    }

    private double failures(String cause) {
        return meters.get("clbguard.cloud.failures").tag("cause", cause).counter().count();
    }

    @Test
    void aHostThatDoesNotResolve() {
        TencentClb adapter = adapter("clb.no-such-host.invalid", false, "AKIDtest", SECRET);
        ClbLookup.Unknown u = unknown(adapter, "lb-00000001");
        assertEquals("CLB API unreachable: unknown host clb.no-such-host.invalid", u.reason());
        assertEquals("check DNS and egress from clbguard to clb.no-such-host.invalid (or clbguard.cloud.endpoint)", u.fix());
        assertEquals(1, failures("unknown-host"));
        assertEquals(0, failures("credentials"), "every cause is a series from the start");
    }

    @Test
    void aPortNothingListensOn() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ClbLookup.Unknown u = unknown(adapter("127.0.0.1:" + port, true, "AKIDtest", SECRET), "lb-00000001");
        assertEquals("CLB API unreachable: 127.0.0.1:" + port + " refused the connection", u.reason());
        assertEquals(1, failures("connection-refused"));
    }

    @Test
    void aServerThatNeverAnswers() throws IOException {
        ServerSocket silent = new ServerSocket(0);
        open.add(silent);
        List<Socket> accepted = new ArrayList<>();
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept()); // holds the connection, never writes
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        t.setDaemon(true);
        t.start();
        ClbLookup.Unknown u = unknown(adapter("127.0.0.1:" + silent.getLocalPort(), true, "AKIDtest", SECRET), "lb-00000001");
        assertEquals("CLB API did not answer in time (127.0.0.1:" + silent.getLocalPort() + ")", u.reason());
        assertTrue(u.fix().contains("clbguard.cloud.read-timeout"), u.fix());
        assertEquals(1, failures("timeout"));
    }

    @Test
    void refusedCredentialsAndARateLimitAreNamedWithTheCloudsCode() {
        ClbEmulator emulator = new ClbEmulator(ClbEmulator.Options.forTests(), List.<ClbStateFile.Lb>of(), null).start();
        open.add(emulator);
        ClbLookup.Unknown key = unknown(adapter(emulator.endpoint(), true, emulator.secretId(), SECRET), "lb-00000001");
        assertEquals("CLB API refused the credentials [AuthFailure.SignatureFailure]", key.reason());
        assertTrue(key.fix().contains("TENCENTCLOUD_SECRET_KEY"), key.fix());
        ClbLookup.Unknown id = unknown(adapter(emulator.endpoint(), true, "AKIDunknown", SECRET), "lb-00000001");
        assertEquals("CLB API refused the credentials [AuthFailure.SecretIdNotFound]", id.reason());
        assertEquals(2, failures("credentials"));

        emulator.failNext("DescribeLoadBalancers", "RequestLimitExceeded", 100);
        TencentClb limited = adapter(emulator.endpoint(), true, emulator.secretId(), emulator.secretKey());
        ClbLookup l = limited.read(List.of("lb-00000001"), System.nanoTime() + Duration.ofMillis(50).toNanos()).get("lb-00000001");
        assertEquals("CLB API rate limit reached [RequestLimitExceeded]", ((ClbLookup.Unknown) l).reason());
        assertTrue(failures("rate-limited") >= 1);
    }

    @Test
    void eachDistinctFailureIsLoggedOnceAtWarnWithoutTheSecret() {
        TencentClb adapter = adapter("clb.no-such-host.invalid", false, "AKIDtest", SECRET);
        for (int i = 0; i < 3; i++) {
            unknown(adapter, "lb-0000000" + i);
        }
        assertEquals(3, failures("unknown-host"));
        assertEquals(1, warnings.size(), "one line for one cause: " + warnings.stream().map(LogRecord::getMessage).toList());
        String line = warnings.get(0).getMessage();
        assertEquals("Tencent Cloud DescribeLoadBalancers failed: CLB API unreachable: unknown host clb.no-such-host.invalid;"
                + " check DNS and egress from clbguard to clb.no-such-host.invalid (or clbguard.cloud.endpoint)", line);
        assertTrue(!line.contains(SECRET) && !line.contains("AKIDtest"), line);

        TencentClb other = adapter("clb.other-host.invalid", false, "AKIDtest", SECRET);
        unknown(other, "lb-00000009");
        assertEquals(2, warnings.size(), "another failure gets its own line");
    }
}
