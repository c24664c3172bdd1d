package dev.clbguard.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.jboss.logmanager.handlers.DelayedHandler;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Secrets and request-made control characters never reach a log line; JSON logging writes one object a line. */
class LoggingHardeningTest {

    private static final String KEY = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
    private static final String ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    private final RedactingLogFilter filter = new RedactingLogFilter(Map.of(
            "TENCENTCLOUD_SECRET_KEY", KEY, "TENCENTCLOUD_SECRET_ID", ID, "CLBGUARD_CLUSTER_ID", "cls-7k2m9q4p",
            "SHORT_TOKEN", "abc"));

    private static ExtLogRecord printf(String format, Object... params) {
        ExtLogRecord r = new ExtLogRecord(Level.INFO, format, ExtLogRecord.FormatStyle.PRINTF, LoggingHardeningTest.class.getName());
        r.setParameters(params);
        return r;
    }

    @Test
    void secretValuesFromTheEnvironmentAreRedactedWhereverTheyAppear() {
        ExtLogRecord r = printf("calling CLB with credential %s/%s", ID, KEY);
        assertTrue(filter.isLoggable(r));
        String logged = r.getFormattedMessage();
        assertFalse(logged.contains(KEY) || logged.contains(ID), logged);
        assertEquals("calling CLB with credential [redacted]/[redacted]", logged);
        // Not secret-named, or too short to be a secret: left alone.
        assertEquals("cluster cls-7k2m9q4p abc", filter.clean("cluster cls-7k2m9q4p abc"));
    }

    @Test
    void tokensAndSignaturesAreRedactedByShape() {
        assertEquals("Authorization: Bearer [redacted]", filter.clean("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
        assertEquals("TC3-HMAC-SHA256 Credential=x/2026-11-23/clb/tc3_request, SignedHeaders=host, Signature=[redacted]",
                filter.clean("TC3-HMAC-SHA256 Credential=x/2026-11-23/clb/tc3_request, SignedHeaders=host, Signature=" + "ab12".repeat(16)));
        assertEquals("{\"SecretKey\":\"[redacted]\",\"Region\":\"ap-guangzhou\"}",
                filter.clean("{\"SecretKey\":\"someSecretValue\",\"Region\":\"ap-guangzhou\"}"));
        assertEquals("token=[redacted] next", filter.clean("token=0123456789 next"));
        assertEquals("PASSWORD: [redacted]", filter.clean("PASSWORD: hunter2hunter2"));
    }

    @Test
    void requestMadeControlCharactersCannotForgeLogLines() {
        String name = "backend\n2026-11-23 INFO [dev.clbguard] allowed\u0000\u202e";
        String logged = filter.clean("denied Service shop/" + name);
        assertFalse(logged.contains("\n") || logged.contains("\u0000") || logged.contains("\u202e"), logged);
        assertEquals("denied Service shop/backend\\u000a2026-11-23 INFO [dev.clbguard] allowed\\u0000\\u202e", logged);
        assertEquals("csi \\u009b31m and line\\u2028sep", filter.clean("csi \u009b31m and line\u2028sep"));
        ExtLogRecord plain = printf("nothing to clean: %s", "shop/backend");
        assertTrue(filter.isLoggable(plain));
        assertEquals("nothing to clean: shop/backend", plain.getFormattedMessage());
    }

    @Test
    void theFilterIsConfiguredForTheConsole() throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
        assertEquals("clbguard-redact", p.getProperty("quarkus.log.console.filter"));
        assertEquals("clbguard-redact", RedactingLogFilter.class.getAnnotation(io.quarkus.logging.LoggingFilter.class).name());
    }

    @Test
    void jsonFormatterWritesOneObjectPerLine() throws Exception {
        ExtLogRecord r = printf("denied %s: \"quoted\"", "shop/backend");
        r.setLoggerName("dev.clbguard.admission.AdmissionHandler");
        r.setThrown(new IllegalStateException("boom"));
        String line = new JsonLogFormatter().format(r);
        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("INFO", json.path("level").asText());
        assertEquals("denied shop/backend: \"quoted\"", json.path("message").asText());
        assertEquals("dev.clbguard.admission.AdmissionHandler", json.path("loggerName").asText());
        assertTrue(json.path("exception").asText().startsWith("java.lang.IllegalStateException: boom"));
        assertTrue(json.path("timestamp").asText().endsWith("Z"));
    }

    @Test
    void jsonLoggingFindsConsoleHandlersInsideWrappers() {
        ConsoleHandler console = new ConsoleHandler();
        DelayedHandler wrapper = new DelayedHandler();
        wrapper.addHandler(console);
        assertEquals(1, JsonLogging.install(new Handler[] { wrapper }));
        assertTrue(console.getFormatter() instanceof JsonLogFormatter);
    }
}
