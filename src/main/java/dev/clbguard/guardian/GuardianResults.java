package dev.clbguard.guardian;

import java.util.ArrayList;
import java.util.List;

import dev.clbguard.reports.ClbResult;
import dev.clbguard.reports.Outcome;

/**
 * A sweep's findings as report results: CLB-level findings go to the cluster-wide report, a not-converged object
 * to its namespace's. An unowned CLB is a warning (it is reported, never repaired); the others are failures.
 */
final class GuardianResults {

    private GuardianResults() {
    }

    static List<ClbResult> of(GuardianReport report) {
        List<ClbResult> out = new ArrayList<>(report.findings().size());
        for (GuardianReport.Item i : report.findings()) {
            Outcome result = ClbResult.UNOWNED_CLB.equals(i.kind()) ? Outcome.WARN : Outcome.FAIL;
            ObjectName object = ObjectName.parse(i.object());
            out.add(object == null ? new ClbResult(i.kind(), i.clb(), null, null, null, result, i.message(), null)
                    : new ClbResult(i.kind(), i.clb(), object.namespace(), object.kind(), object.name(), result,
                            i.message(), null));
        }
        return out;
    }

    /** "Kind ns/name", as {@code LiveIndex.Entry.describe()} writes it. */
    record ObjectName(String kind, String namespace, String name) {
        static ObjectName parse(String described) {
            if (described == null) {
                return null;
            }
            int space = described.indexOf(' ');
            int slash = described.indexOf('/', space + 1);
            if (space < 0 || slash < 0) {
                throw new IllegalArgumentException("not \"Kind ns/name\": " + described);
            }
            return new ObjectName(described.substring(0, space), described.substring(space + 1, slash),
                    described.substring(slash + 1));
        }
    }
}
