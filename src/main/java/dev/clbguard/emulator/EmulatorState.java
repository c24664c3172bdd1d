package dev.clbguard.emulator;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;

/**
 * The emulated CLBs of one account and what the CLB (2018-03-17) and Tag (2018-08-13) actions do to them.
 * Creates and deletes are asynchronous, as in Tencent Cloud: a CLB being created or deleted answers
 * FailedOperation.ResourceInOperating to other writes until its task, observed with DescribeTaskStatus, is done.
 */
final class EmulatorState {

    static final String CLB_VERSION = "2018-03-17";
    static final String TAG_VERSION = "2018-08-13";
    /** Six-segment tag resource name: qcs::clb:<region>:uin/<owner-uin>:clb/<lb-id>. */
    private static final Pattern RESOURCE = Pattern.compile("qcs::clb:([a-z0-9-]+):uin/([0-9]+):clb/(lb-[a-z0-9]{8})");
    private static final int MAX_IDS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.time.format.DateTimeFormatter CREATE_TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.ofHours(8));

    private final ObjectMapper json;
    private final LongSupplier clock;
    private final long taskMillis;
    private final Map<String, Lb> lbs = new LinkedHashMap<>();
    private final Map<String, Task> tasks = new HashMap<>();
    private final Map<String, ObjectNode> createdByToken = new HashMap<>();
    private int nextVip = 1;

    EmulatorState(ObjectMapper json, LongSupplier clockMillis, long taskMillis, Collection<ClbInfo> seed) {
        this.json = json;
        this.clock = clockMillis;
        this.taskMillis = taskMillis;
        seed.forEach(c -> {
            Lb lb = Lb.of(c);
            lb.createTime = createTime();
            lbs.put(c.id(), lb);
        });
    }

    /** One emulated CLB; {@code status} 0 creating, 1 normal, as DescribeLoadBalancers reports it. */
    static final class Lb {
        String id, name, type, vpcId, subnetId;
        int forward, status = 1;
        List<String> vips;
        Map<String, String> tags = new LinkedHashMap<>();
        List<ClbListener> listeners = new ArrayList<>();
        String busyWith;
        /** CreateTime as DescribeLoadBalancers reports it: "yyyy-MM-dd HH:mm:ss". */
        String createTime;

        static Lb of(ClbInfo c) {
            Lb lb = new Lb();
            lb.id = c.id();
            lb.name = c.name();
            lb.type = c.type();
            lb.forward = c.forward();
            lb.vpcId = c.vpcId();
            lb.subnetId = c.subnetId();
            lb.vips = c.vips();
            lb.tags.putAll(c.tags());
            lb.listeners.addAll(c.listeners());
            return lb;
        }

        ClbInfo toInfo() {
            return new ClbInfo(id, name, type, forward, vpcId, subnetId, vips, tags, listeners);
        }
    }

    /** An asynchronous operation; {@code onDone} changes the state when it finishes. */
    private record Task(long doneAt, List<String> lbIds, Runnable onDone) {
    }

    synchronized ObjectNode handle(String action, String version, String region, JsonNode req) {
        String expected = action.equals("TagResources") || action.equals("UnTagResources") ? TAG_VERSION : CLB_VERSION;
        if (!expected.equals(version)) {
            throw new ApiError("NoSuchVersion", "version " + version + " is not supported for " + action + "; use " + expected);
        }
        finishTasks();
        return switch (action) {
            case "DescribeLoadBalancers" -> describeLoadBalancers(req);
            case "DescribeListeners" -> describeListeners(req);
            case "CreateLoadBalancer" -> create(req);
            case "DeleteLoadBalancer" -> delete(req);
            case "DeleteLoadBalancerListeners" -> deleteListeners(req);
            case "DescribeTaskStatus" -> taskStatus(req);
            case "TagResources" -> tag(req, region, true);
            case "UnTagResources" -> tag(req, region, false);
            default -> throw new ApiError("InvalidAction", "action " + action + " is not served by the CLB emulator");
        };
    }

    synchronized List<ClbInfo> snapshot() {
        finishTasks();
        return lbs.values().stream().map(Lb::toInfo).toList();
    }

    /** Status of each CLB: 0 creating, 1 normal; for the state JSON. */
    synchronized Map<String, Integer> statuses() {
        Map<String, Integer> m = new LinkedHashMap<>();
        lbs.values().forEach(lb -> m.put(lb.id, lb.status));
        return m;
    }

    private void finishTasks() {
        long now = clock.getAsLong();
        for (Task t : tasks.values()) {
            if (t.onDone() != null && t.doneAt() <= now) {
                t.onDone().run();
            }
        }
        tasks.replaceAll((k, t) -> t.onDone() != null && t.doneAt() <= now ? new Task(t.doneAt(), t.lbIds(), null) : t);
    }

    private ObjectNode describeLoadBalancers(JsonNode req) {
        List<String> ids = strings(req, "LoadBalancerIds");
        if (ids.size() > MAX_IDS) {
            throw new ApiError("InvalidParameterValue.Length", "LoadBalancerIds takes at most " + MAX_IDS + " ids, got " + ids.size());
        }
        List<Lb> matches = new ArrayList<>();
        for (Lb lb : lbs.values()) {
            if ((ids.isEmpty() || ids.contains(lb.id)) && filtersMatch(lb, req.path("Filters"))) {
                matches.add(lb);
            }
        }
        int offset = (int) Math.max(0, req.path("Offset").asLong(0));
        int limit = (int) Math.min(100, Math.max(1, req.path("Limit").asLong(20)));
        ArrayNode set = json.createArrayNode();
        matches.stream().skip(offset).limit(limit).forEach(lb -> set.add(toJson(lb)));
        ObjectNode out = json.createObjectNode();
        out.put("TotalCount", matches.size());
        out.set("LoadBalancerSet", set);
        return out;
    }

    private static boolean filtersMatch(Lb lb, JsonNode filters) {
        for (JsonNode f : filters) {
            String name = f.path("Name").asText();
            List<String> values = new ArrayList<>();
            f.path("Values").forEach(v -> values.add(v.asText()));
            boolean ok;
            if (name.startsWith("tag:")) {
                ok = values.contains(lb.tags.get(name.substring(4)));
            } else if (name.equals("tag-key")) {
                ok = values.stream().anyMatch(lb.tags::containsKey);
            } else if (name.equals("vpc-id")) {
                ok = values.contains(lb.vpcId);
            } else {
                throw new ApiError("InvalidParameter.FormatError", "filter " + name + " is not supported by the emulator (tag:<key>, tag-key, vpc-id)");
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private ObjectNode toJson(Lb lb) {
        ObjectNode n = json.createObjectNode();
        n.put("LoadBalancerId", lb.id);
        n.put("LoadBalancerName", lb.name);
        n.put("LoadBalancerType", lb.type);
        n.put("Forward", lb.forward);
        n.put("Status", lb.status);
        n.put("VpcId", lb.vpcId);
        n.put("SubnetId", lb.subnetId);
        n.put("CreateTime", lb.createTime);
        ArrayNode vips = n.putArray("LoadBalancerVips");
        lb.vips.forEach(vips::add);
        ArrayNode tags = n.putArray("Tags");
        lb.tags.forEach((k, v) -> tags.addObject().put("TagKey", k).put("TagValue", v));
        return n;
    }

    private ObjectNode describeListeners(JsonNode req) {
        Lb lb = existing(required(req, "LoadBalancerId"));
        List<String> only = strings(req, "ListenerIds");
        String protocol = req.path("Protocol").asText(null);
        long port = req.path("Port").asLong(-1);
        ArrayNode set = json.createArrayNode();
        for (ClbListener l : lb.listeners) {
            if ((only.isEmpty() || only.contains(l.id())) && (protocol == null || protocol.equals(l.protocol()))
                    && (port < 0 || port == l.port())) {
                set.addObject().put("ListenerId", l.id()).put("ListenerName", l.name()).put("Protocol", l.protocol())
                        .put("Port", l.port());
            }
        }
        ObjectNode out = json.createObjectNode();
        out.set("Listeners", set);
        out.put("TotalCount", set.size());
        return out;
    }

    private ObjectNode create(JsonNode req) {
        String token = req.path("ClientToken").asText("");
        if (!token.isEmpty() && createdByToken.containsKey(token)) {
            return createdByToken.get(token).deepCopy(); // idempotent: the same CLB and the same request id
        }
        String type = required(req, "LoadBalancerType");
        if (!type.equals("OPEN") && !type.equals("INTERNAL")) {
            throw new ApiError("InvalidParameterValue", "LoadBalancerType must be OPEN or INTERNAL, not " + type);
        }
        String subnet = req.path("SubnetId").asText(null);
        if (type.equals("INTERNAL") && subnet == null) {
            throw new ApiError("MissingParameter", "SubnetId is required for an INTERNAL CLB");
        }
        Lb lb = new Lb();
        do {
            lb.id = "lb-" + randomLower(8);
        } while (lbs.containsKey(lb.id));
        lb.type = type;
        lb.name = req.path("LoadBalancerName").asText(lb.id);
        lb.forward = req.path("Forward").asInt(1);
        lb.vpcId = required(req, "VpcId");
        lb.subnetId = type.equals("INTERNAL") ? subnet : null;
        int n = nextVip++;
        lb.vips = List.of((type.equals("OPEN") ? "198.51." : "10.200.") + (n / 250) + "." + (n % 250 + 1));
        for (JsonNode t : req.path("Tags")) {
            lb.tags.put(t.path("TagKey").asText(), t.path("TagValue").asText());
        }
        lb.status = 0;
        lb.createTime = createTime();
        String requestId = UUID.randomUUID().toString();
        lb.busyWith = requestId;
        lbs.put(lb.id, lb);
        tasks.put(requestId, new Task(clock.getAsLong() + taskMillis, List.of(lb.id), () -> {
            lb.status = 1;
            lb.busyWith = null;
        }));
        ObjectNode out = json.createObjectNode();
        out.putArray("LoadBalancerIds").add(lb.id);
        out.put("RequestId", requestId);
        if (!token.isEmpty()) {
            createdByToken.put(token, out.deepCopy());
        }
        return out;
    }

    private ObjectNode delete(JsonNode req) {
        List<String> ids = strings(req, "LoadBalancerIds");
        if (ids.isEmpty()) {
            throw new ApiError("MissingParameter", "LoadBalancerIds is required");
        }
        List<Lb> targets = ids.stream().map(this::existing).toList();
        targets.forEach(this::notBusy);
        String requestId = UUID.randomUUID().toString();
        targets.forEach(lb -> lb.busyWith = requestId);
        tasks.put(requestId, new Task(clock.getAsLong() + taskMillis, ids, () -> ids.forEach(lbs::remove)));
        return withRequestId(requestId);
    }

    private ObjectNode deleteListeners(JsonNode req) {
        Lb lb = existing(required(req, "LoadBalancerId"));
        notBusy(lb);
        List<String> ids = strings(req, "ListenerIds");
        for (String id : ids) {
            if (lb.listeners.stream().noneMatch(l -> l.id().equals(id))) {
                throw new ApiError("InvalidParameter.ListenerIdNotFound", "listener " + id + " is not on " + lb.id);
            }
        }
        String requestId = UUID.randomUUID().toString();
        lb.busyWith = requestId;
        tasks.put(requestId, new Task(clock.getAsLong() + taskMillis, List.of(lb.id), () -> {
            lb.listeners.removeIf(l -> ids.isEmpty() || ids.contains(l.id()));
            lb.busyWith = null;
        }));
        return withRequestId(requestId);
    }

    private ObjectNode taskStatus(JsonNode req) {
        String id = required(req, "TaskId");
        Task t = tasks.get(id);
        if (t == null) {
            throw new ApiError("InvalidParameter", "task " + id + " is unknown");
        }
        ObjectNode out = json.createObjectNode();
        out.put("Status", t.onDone() == null ? 0 : 2); // 0 succeeded, 1 failed, 2 running
        ArrayNode ids = out.putArray("LoadBalancerIds");
        t.lbIds().forEach(ids::add);
        return out;
    }

    private ObjectNode tag(JsonNode req, String region, boolean add) {
        List<String> resources = strings(req, "ResourceList");
        if (resources.isEmpty()) {
            throw new ApiError("MissingParameter", "ResourceList is required");
        }
        List<Lb> targets = new ArrayList<>();
        for (String r : resources) {
            Matcher m = RESOURCE.matcher(r);
            if (!m.matches()) {
                throw new ApiError("InvalidParameterValue.ResourceDescriptionError",
                        "resource " + r + " is not of the form qcs::clb:<region>:uin/<uin>:clb/<lb-id>");
            }
            if (!m.group(1).equals(region)) {
                throw new ApiError("InvalidParameterValue.RegionInvalid", "resource " + r + " is not in region " + region);
            }
            Lb lb = lbs.get(m.group(3));
            if (lb == null) {
                throw new ApiError("ResourceNotFound", "resource " + r + " does not exist");
            }
            targets.add(lb);
        }
        if (add) {
            Map<String, String> tags = new LinkedHashMap<>();
            for (JsonNode t : req.path("Tags")) {
                tags.put(required(t, "TagKey"), required(t, "TagValue"));
            }
            if (tags.isEmpty()) {
                throw new ApiError("MissingParameter", "Tags is required");
            }
            targets.forEach(lb -> lb.tags.putAll(tags));
        } else {
            List<String> keys = strings(req, "TagKeys");
            if (keys.isEmpty()) {
                throw new ApiError("MissingParameter", "TagKeys is required");
            }
            targets.forEach(lb -> keys.forEach(lb.tags::remove));
        }
        return json.createObjectNode();
    }

    private Lb existing(String id) {
        Lb lb = lbs.get(id);
        if (lb == null) {
            throw new ApiError("InvalidParameter.LBIdNotFound", "load balancer " + id + " does not exist");
        }
        return lb;
    }

    private void notBusy(Lb lb) {
        if (lb.busyWith != null) {
            throw new ApiError("FailedOperation.ResourceInOperating", "load balancer " + lb.id + " is busy with task " + lb.busyWith);
        }
    }

    private ObjectNode withRequestId(String requestId) {
        return json.createObjectNode().put("RequestId", requestId);
    }

    private static String required(JsonNode req, String field) {
        JsonNode v = req.path(field);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new ApiError("MissingParameter", field + " is required");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode req, String field) {
        JsonNode v = req.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new ApiError("InvalidParameter", field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = v.elements(); it.hasNext();) {
            JsonNode e = it.next();
            if (!e.isTextual()) {
                throw new ApiError("InvalidParameter", field + " must be an array of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    private String createTime() {
        return CREATE_TIME.format(java.time.Instant.ofEpochMilli(clock.getAsLong()));
    }

    private static String randomLower(int n) {
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(chars.charAt(RANDOM.nextInt(chars.length())));
        }
        return b.toString();
    }
}
