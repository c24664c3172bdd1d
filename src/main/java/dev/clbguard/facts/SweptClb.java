package dev.clbguard.facts;

import java.util.List;
import java.util.Map;

/**
 * One CLB as the sweep lists it: what ownership needs, without listeners (listing them would cost one call per
 * CLB). {@code createTime} is the cloud's own text ("2026-11-23 08:35:07"), only ever reported.
 */
public record SweptClb(String id, String name, String createTime, List<String> vips, Map<String, String> tags) {

    public SweptClb {
        vips = vips == null ? List.of() : List.copyOf(vips);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public String tag(String key) {
        return tags.get(key);
    }
}
