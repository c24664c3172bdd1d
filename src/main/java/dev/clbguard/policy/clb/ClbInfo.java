package dev.clbguard.policy.clb;

import java.util.List;
import java.util.Map;

/**
 * What clbguard needs to know about one CLB (docs/tke-rules.md §4). {@code forward} 1 is an application CLB,
 * 0 a classic one; {@code type} is OPEN or INTERNAL.
 */
public record ClbInfo(String id, String name, String type, int forward, String vpcId, String subnetId,
        List<String> vips, Map<String, String> tags, List<ClbListener> listeners) {

    public ClbInfo {
        vips = vips == null ? List.of() : List.copyOf(vips);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }

    public String tag(String key) {
        return tags.get(key);
    }
}
