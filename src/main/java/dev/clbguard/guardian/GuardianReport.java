package dev.clbguard.guardian;

import java.util.List;

/**
 * The last sweep, served under "guardian" at GET /audit/report. {@code repairs} says whether repair is on;
 * {@code held} why no repair was made this sweep (informers not synced, empty live-object cache), or null.
 */
public record GuardianReport(String completedAt, long durationMillis, int clbsSwept, boolean repairs, String held,
        List<Item> findings) {

    /** One finding; {@code repair} is done, failed (with the cloud's code), deferred (rate), held, or none. */
    public record Item(String kind, String clb, String name, String createTime, List<String> vips, String object,
            String message, String repair) {
    }
}
