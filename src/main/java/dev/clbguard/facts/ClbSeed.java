package dev.clbguard.facts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;

/**
 * The CLB state file shared by the emulator ({@code clbguard.emulator.seed}) and the offline validator
 * ({@code --clb-state}):
 *
 * <pre>
 * loadBalancers:
 *   - id: lb-0g3v8r2m
 *     name: shop-public
 *     type: OPEN            # OPEN or INTERNAL
 *     forward: 1            # 1 application CLB, 0 classic
 *     vpcId: vpc-4f8q2w1e
 *     subnetId: null        # INTERNAL only
 *     vip: 203.0.113.10
 *     tags: {tke-clusterId: cls-7k2m9q4p}
 *     listeners:
 *       - {id: lbl-1a2b3c4d, name: web, protocol: HTTP, port: 80}
 * </pre>
 */
public final class ClbSeed {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ClbSeed() {
    }

    record File(List<Lb> loadBalancers) {
    }

    record Lb(String id, String name, String type, Integer forward, String vpcId, String subnetId, String vip,
            Map<String, String> tags, List<Listener> listeners) {
    }

    record Listener(String id, String name, String protocol, Integer port) {
    }

    /** Parses seed YAML; throws IllegalArgumentException naming the problem (and line/column for syntax errors). */
    public static List<ClbInfo> parse(String yaml, String source) {
        File f;
        try {
            f = YAML.readValue(yaml, File.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IllegalArgumentException(source + ": not a valid CLB state file" + at + ": " + e.getOriginalMessage());
        }
        if (f == null || f.loadBalancers() == null) {
            return List.of();
        }
        Map<String, ClbInfo> out = new LinkedHashMap<>();
        for (Lb lb : f.loadBalancers()) {
            if (lb.id() == null || !lb.id().matches("lb-[a-z0-9]{8}")) {
                throw new IllegalArgumentException(source + ": load balancer id '" + lb.id() + "' is not of the form lb-xxxxxxxx");
            }
            String type = lb.type() == null ? "OPEN" : lb.type();
            if (!type.equals("OPEN") && !type.equals("INTERNAL")) {
                throw new IllegalArgumentException(source + ": " + lb.id() + ": type must be OPEN or INTERNAL, not " + type);
            }
            List<ClbListener> listeners = new ArrayList<>();
            if (lb.listeners() != null) {
                for (Listener l : lb.listeners()) {
                    if (l.port() == null || l.port() < 1 || l.port() > 65535) {
                        throw new IllegalArgumentException(source + ": " + lb.id() + ": listener " + l.id() + " needs a port 1-65535");
                    }
                    listeners.add(new ClbListener(l.id(), l.name(), l.protocol() == null ? "TCP" : l.protocol(), l.port()));
                }
            }
            ClbInfo info = new ClbInfo(lb.id(), lb.name(), type, lb.forward() == null ? 1 : lb.forward(), lb.vpcId(),
                    lb.subnetId(), lb.vip() == null ? List.of() : List.of(lb.vip()), lb.tags(), listeners);
            if (out.put(lb.id(), info) != null) {
                throw new IllegalArgumentException(source + ": load balancer " + lb.id() + " is listed twice");
            }
        }
        return List.copyOf(out.values());
    }
}
