package dev.clbguard.logging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Last line of defence for log lines (quarkus.log.console.filter=clbguard-redact): the values of secret-looking
 * environment variables (the Tencent Cloud SecretId/SecretKey, session tokens) and bearer tokens or request
 * signatures never reach the log, whoever logged them; control characters taken from requests (object names,
 * field values) are escaped so that a request cannot forge or hide log lines.
 */
@LoggingFilter(name = "clbguard-redact")
public final class RedactingLogFilter implements Filter {

    static final String REDACTED = "[redacted]";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(SECRET|TOKEN|PASSWORD|CREDENTIAL).*");
    private static final int MIN_SECRET = 8;
    private static final Pattern TOKENS = Pattern.compile(
            "(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}"
                    + "|(signature=)[0-9a-f]{16,}"
                    + "|(\"?(?:secret_?key|secret_?id|token|password)\"?\\s*[:=]\\s*\"?)[^\\s\",}]{4,}");
    /** C0/C1 controls and the bidirectional overrides that make a terminal show something else than is there. */
    private static final Pattern UNSAFE = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]");

    private final List<String> secrets;

    public RedactingLogFilter() {
        this(System.getenv());
    }

    RedactingLogFilter(Map<String, String> env) {
        List<String> found = new ArrayList<>();
        env.forEach((k, v) -> {
            if (SECRET_NAME.matcher(k).matches() && v != null && v.length() >= MIN_SECRET) {
                found.add(v);
            }
        });
        found.sort(Comparator.comparingInt(String::length).reversed()); // a secret containing another goes first
        this.secrets = List.copyOf(found);
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (message == null) {
            return true;
        }
        String clean = clean(message);
        if (!clean.equals(message)) {
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(clean, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(clean);
            }
            record.setParameters(null);
        }
        return true;
    }

    String clean(String message) {
        String s = message;
        for (String secret : secrets) {
            s = s.replace(secret, REDACTED);
        }
        Matcher m = TOKENS.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String keep = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(keep + REDACTED));
        }
        m.appendTail(out);
        m = UNSAFE.matcher(out);
        StringBuilder safe = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(safe, Matcher.quoteReplacement(String.format("\\u%04x", (int) m.group().charAt(0))));
        }
        m.appendTail(safe);
        return safe.toString();
    }
}
