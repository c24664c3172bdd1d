package dev.clbguard.admission;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Whatever the policies say, the answer stays inside the API server's warning budget. */
class WarningsPropertyTest {

    @Property(tries = 300)
    boolean alwaysWithinBudget(@ForAll @Size(max = 60) List<@StringLength(max = 600) String> warnings) {
        List<String> fit = Warnings.fit(warnings);
        int total = 0;
        for (String w : fit) {
            int runes = w.codePointCount(0, w.length());
            if (runes > Warnings.EACH || w.contains("\n") || w.contains("\r")) {
                return false;
            }
            total += runes;
        }
        return total <= Warnings.TOTAL && fit.size() <= Math.max(warnings.size(), 1);
    }
}
