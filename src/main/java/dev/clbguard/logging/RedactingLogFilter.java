package dev.clbguard.logging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
    /** Every match of {@link #TOKENS} contains one of these, in any case: lines without them skip the regex. */
    private static final String[] TOKEN_WORDS = { "bearer", "signature=", "secret", "token", "password" };

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

    /** Runs on every log line (one per denial): the regexes only run on lines that may need them. */
    String clean(String message) {
        String s = message;
        for (String secret : secrets) {
            s = s.replace(secret, REDACTED);
        }
        if (mayHoldToken(s)) {
            Matcher m = TOKENS.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String keep = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                m.appendReplacement(out, Matcher.quoteReplacement(keep + REDACTED));
            }
            m.appendTail(out);
            s = out.toString();
        }
        return escapeUnsafe(s);
    }

    private static boolean mayHoldToken(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        for (String word : TOKEN_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static String escapeUnsafe(String s) {
        int first = 0;
        while (first < s.length() && !unsafe(s.charAt(first))) {
            first++;
        }
        if (first == s.length()) {
            return s;
        }
        StringBuilder safe = new StringBuilder(s.length() + 16).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (unsafe(c)) {
                safe.append(String.format("\\u%04x", (int) c));
            } else {
                safe.append(c);
            }
        }
        return safe.toString();
    }

    /** C0/C1 controls and the line separators and bidirectional overrides that make a terminal show something else. */
    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
