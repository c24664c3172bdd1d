package dev.clbguard.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.clbguard.policy.Verdict;

/**
 * Writes the outcome: findings on stdout (one line each, or one JSON document), input errors and a summary on
 * stderr, so that stdout stays exactly the findings whatever else went wrong.
 */
final class Report {

    static final int OK = 0;
    static final int DENIED = 1;
    static final int INPUT_ERROR = 2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    static int exitCode(List<OfflineValidator.Finding> findings, List<ManifestReader.InputError> errors) {
        if (!errors.isEmpty()) {
            return INPUT_ERROR; // the check is incomplete: worse than a denial
        }
        return findings.stream().anyMatch(f -> f.effect() == Verdict.Effect.DENY) ? DENIED : OK;
    }

    static String line(OfflineValidator.Finding f) {
        return f.effect().name() + " " + f.policy() + " " + f.describe() + ": " + f.cause();
    }

    /** Each line starts with where the object is, file:line of its document, as compilers and linters do. */
    static void text(PrintWriter out, List<OfflineValidator.Finding> findings) {
        findings.forEach(f -> out.println(f.manifest().file() + ":" + f.manifest().line() + ": " + line(f)));
    }

    static void json(PrintWriter out, ManifestReader.Result input, List<OfflineValidator.Finding> findings, int exitCode) {
        List<Map<String, Object>> fs = new ArrayList<>();
        for (OfflineValidator.Finding f : findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("effect", f.effect().name());
            m.put("policy", f.policy());
            m.put("kind", f.manifest().kind().kind());
            m.put("namespace", f.manifest().object().getMetadata().getNamespace());
            m.put("name", f.manifest().object().getMetadata().getName());
            m.put("file", f.manifest().file());
            m.put("line", f.manifest().line());
            m.put("message", f.message());
            fs.add(m);
        }
        List<Map<String, Object>> es = new ArrayList<>();
        for (ManifestReader.InputError e : input.errors()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", e.file());
            m.put("line", e.line());
            m.put("column", e.column());
            m.put("message", e.message());
            es.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("findings", fs);
        root.put("errors", es);
        root.put("summary", summary(input, findings));
        root.put("exitCode", exitCode);
        try {
            out.println(JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON report", e);
        }
    }

    static void errors(PrintWriter err, List<ManifestReader.InputError> errors) {
        errors.forEach(e -> err.println("error: " + e.render()));
    }

    static Map<String, Object> summary(ManifestReader.Result input, List<OfflineValidator.Finding> findings) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("files", input.files());
        s.put("checked", input.manifests().size());
        s.put("skipped", input.skipped());
        s.put("denied", findings.stream().filter(f -> f.effect() == Verdict.Effect.DENY).count());
        s.put("warnings", findings.stream().filter(f -> f.effect() == Verdict.Effect.WARN).count());
        s.put("errors", input.errors().size());
        return s;
    }

    static String summaryLine(ManifestReader.Result input, List<OfflineValidator.Finding> findings) {
        Map<String, Object> s = summary(input, findings);
        return "clbguard validate: " + s.get("files") + " file(s), " + s.get("checked") + " Service/Ingress checked, "
                + s.get("skipped") + " other object(s) skipped; " + s.get("denied") + " denied, " + s.get("warnings")
                + " warning(s), " + s.get("errors") + " input error(s)";
    }
}
