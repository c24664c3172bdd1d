package dev.clbguard.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.clbguard.policy.Verdict;

/**
 * {@code --output junit}: the run as JUnit XML, which CI systems (GitLab, Jenkins, GitHub test reporters) show
 * as test results. One test case per checked Service or Ingress, named by the object and the file and line it
 * came from; a {@code <failure>} per denial (its type the policy, its message the cause, its text the full
 * message); warnings as {@code <system-out>}. An input error is a test case of its own with an {@code <error>},
 * so an unreadable file cannot pass unnoticed.
 */
final class JUnitReport {

    static final String SUITE = "clbguard validate";

    private JUnitReport() {
    }

    static void write(PrintWriter out, ManifestReader.Result input, List<OfflineValidator.Finding> findings) {
        Map<ManifestReader.Manifest, List<OfflineValidator.Finding>> byManifest = new IdentityHashMap<>();
        for (OfflineValidator.Finding f : findings) {
            byManifest.computeIfAbsent(f.manifest(), m -> new ArrayList<>()).add(f);
        }
        long failures = findings.stream().filter(f -> f.effect() == Verdict.Effect.DENY).count();
        int tests = input.manifests().size() + input.errors().size();
        String counts = " tests=\"" + tests + "\" failures=\"" + failures + "\" errors=\"" + input.errors().size() + "\"";

        out.println("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        out.println("<testsuites name=\"" + SUITE + "\"" + counts + ">");
        out.println("  <testsuite name=\"" + SUITE + "\"" + counts + " skipped=\"0\">");
        for (ManifestReader.Manifest m : input.manifests()) {
            var meta = m.object().getMetadata();
            String name = m.kind().kind() + " " + meta.getNamespace() + "/" + meta.getName() + " (" + m.file()
                    + (m.line() > 0 ? ":" + m.line() : "") + ")";
            List<OfflineValidator.Finding> mine = byManifest.getOrDefault(m, List.of());
            out.print("    <testcase classname=\"" + attr(m.file()) + "\" name=\"" + attr(name) + "\"");
            if (mine.isEmpty()) {
                out.println("/>");
                continue;
            }
            out.println(">");
            StringBuilder warnings = new StringBuilder();
            for (OfflineValidator.Finding f : mine) {
                if (f.effect() == Verdict.Effect.DENY) {
                    out.println("      <failure type=\"" + attr(f.policy()) + "\" message=\"" + attr(f.cause()) + "\">"
                            + text(f.message()) + "</failure>");
                } else {
                    warnings.append(Report.line(f)).append('\n');
                }
            }
            if (!warnings.isEmpty()) {
                out.println("      <system-out>" + text(warnings.toString()) + "</system-out>");
            }
            out.println("    </testcase>");
        }
        for (ManifestReader.InputError e : input.errors()) {
            out.println("    <testcase classname=\"" + attr(e.file()) + "\" name=\"" + attr(e.render()) + "\">");
            out.println("      <error type=\"input\" message=\"" + attr(e.message()) + "\">" + text(e.render()) + "</error>");
            out.println("    </testcase>");
        }
        out.println("  </testsuite>");
        out.println("</testsuites>");
    }

    private static String attr(String s) {
        return text(s).replace("\"", "&quot;").replace("\n", "&#10;");
    }

    /** Escapes markup; drops characters XML 1.0 cannot carry at all (a manifest may hold any byte). */
    private static String text(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                default -> {
                    if (c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD
                            || c >= 0x10000 && c <= 0x10FFFF) {
                        b.appendCodePoint(c);
                    } else {
                        b.append('\uFFFD');
                    }
                }
            }
        });
        return b.toString();
    }
}
