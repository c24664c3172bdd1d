package dev.clbguard.reports;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns results into the content of report objects: one report per namespace, one cluster-wide report for
 * CLBs that belong to no namespace. Pure and deterministic (results sorted, no timestamps), so "has the
 * report changed?" is an equality test and an unchanged audit writes nothing.
 */
public final class PolicyReports {

    public static final String SOURCE = "clbguard";
    /** Every report clbguard writes is called this, in its namespace or cluster-wide. */
    public static final String NAME = "clbguard";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    /** Where a report goes: a namespace, or {@link #CLUSTER}. */
    public record Target(String namespace) implements Comparable<Target> {
        @Override
        public int compareTo(Target o) {
            return Comparator.nullsFirst(Comparator.<String>naturalOrder()).compare(namespace, o.namespace);
        }
    }

    public static final Target CLUSTER = new Target(null);

    private PolicyReports() {
    }

    /** The content (the fields besides apiVersion, kind and metadata) of every report the results call for. */
    public static Map<Target, Map<String, Object>> build(ReportApi api, Collection<ObjectResult> objects,
            Collection<ClbResult> clbs) {
        Map<Target, List<Entry>> byTarget = new TreeMap<>();
        for (ObjectResult r : objects) {
            Map<String, Object> ref = reference(r.apiVersion(), r.kind(), r.namespace(), r.name(), r.uid());
            Map<String, String> props = new TreeMap<>();
            if (r.code() != null) {
                props.put("code", r.code());
            }
            byTarget.computeIfAbsent(new Target(r.namespace()), t -> new ArrayList<>()).add(new Entry(
                    sortKey(r.kind(), r.name(), r.policy(), ""), result(r.policy(), r.result(), r.message(), ref, props)));
        }
        for (ClbResult r : clbs) {
            Map<String, String> props = new TreeMap<>();
            props.put("clbId", r.clbId());
            if (r.code() != null) {
                props.put("code", r.code());
            }
            Map<String, Object> ref = r.namespace() == null ? null
                    : reference(null, r.objectKind(), r.namespace(), r.objectName(), null);
            byTarget.computeIfAbsent(new Target(r.namespace()), t -> new ArrayList<>()).add(new Entry(
                    sortKey(r.objectKind(), r.objectName(), r.kind(), r.clbId()),
                    result(r.kind(), r.result(), r.message(), ref, props)));
        }
        Map<Target, Map<String, Object>> out = new TreeMap<>();
        byTarget.forEach((target, entries) -> out.put(target, content(api, entries)));
        return out;
    }

    /** A report that has no results any more: kept (so its readers see "all clear"), emptied. */
    public static Map<String, Object> empty(ReportApi api) {
        return content(api, List.of());
    }

    private record Entry(String sortKey, Map<String, Object> result) {
    }

    private static String sortKey(String kind, String name, String policy, String extra) {
        return (kind == null ? "" : kind) + '\u0000' + (name == null ? "" : name) + '\u0000' + policy + '\u0000' + extra;
    }

    private static Map<String, Object> content(ReportApi api, List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::sortKey));
        Map<String, Integer> summary = new LinkedHashMap<>();
        for (String s : List.of("pass", "fail", "warn", "error", "skip")) {
            summary.put(s, 0);
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Entry e : sorted) {
            summary.merge((String) e.result().get("result"), 1, Integer::sum);
            results.add(e.result());
        }
        Map<String, Object> content = new LinkedHashMap<>();
        if (api.reportSource) {
            content.put("source", SOURCE);
        }
        content.put("summary", summary);
        content.put("results", results);
        return content;
    }

    private static Map<String, Object> result(String policy, Outcome outcome, String message, Map<String, Object> ref,
            Map<String, String> properties) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", SOURCE);
        m.put("policy", policy);
        m.put("result", outcome.label());
        m.put("scored", true);
        if (message != null && !message.isEmpty()) {
            m.put("message", message);
        }
        if (ref != null) {
            m.put("resources", List.of(ref));
        }
        if (!properties.isEmpty()) {
            m.put("properties", properties);
        }
        return m;
    }

    private static Map<String, Object> reference(String apiVersion, String kind, String namespace, String name, String uid) {
        Map<String, Object> ref = new LinkedHashMap<>();
        if (apiVersion != null) {
            ref.put("apiVersion", apiVersion);
        }
        ref.put("kind", kind);
        ref.put("namespace", namespace);
        ref.put("name", name);
        if (uid != null) {
            ref.put("uid", uid);
        }
        return ref;
    }
}
