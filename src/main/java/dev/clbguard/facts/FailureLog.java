package dev.clbguard.facts;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

/**
 * Logs each distinct cloud failure at WARN once, and again at most once per quiet period with how often it recurred
 * meanwhile: a broken route fails every lookup, and a line per lookup would drown the log. Only clbguard's brief
 * text is logged, never the SDK's message, which may quote the request.
 */
public final class FailureLog {

    /** For the command line, whose findings already carry the cause. */
    public static final FailureLog NONE = new FailureLog(null, Duration.ZERO);

    private static final Logger LOG = Logger.getLogger(FailureLog.class);

    private record Seen(long atNanos, int since) {
    }

    private final Logger log;
    private final long quietNanos;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    FailureLog(Logger log, Duration quiet) {
        this.log = log;
        this.quietNanos = quiet.toNanos();
    }

    /** WARN through this class's logger, each distinct failure at most once per {@code quiet}. */
    public static FailureLog warnings(Duration quiet) {
        return new FailureLog(LOG, quiet);
    }

    void failed(String action, CloudException e) {
        if (log == null) {
            return;
        }
        String key = action + " " + e.brief();
        long now = System.nanoTime();
        int[] suppressed = {-1};
        seen.compute(key, (k, s) -> {
            if (s == null || now - s.atNanos() >= quietNanos) {
                suppressed[0] = s == null ? 0 : s.since();
                return new Seen(now, 0);
            }
            return new Seen(s.atNanos(), s.since() + 1);
        });
        if (suppressed[0] >= 0) {
            log.warn("Tencent Cloud " + action + " failed: " + e.brief() + "; " + e.fix()
                    + (suppressed[0] > 0 ? " (" + suppressed[0] + " more times since it was last logged)" : ""));
        }
    }
}
