package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Whatever the policies say, the answer stays inside the API server's warning budget (seeded random lists). */
class WarningsPropertyTest {

    private static final String ALPHABET = "ab \n\r\u00e9\u4e2d\ud83d\ude00-:;[]";

    @Test
    void alwaysWithinBudget() {
        Random random = new Random(20261123);
        for (int run = 0; run < 300; run++) {
            List<String> warnings = new ArrayList<>();
            int count = random.nextInt(61);
            for (int i = 0; i < count; i++) {
                StringBuilder sb = new StringBuilder();
                int length = random.nextInt(601);
                while (sb.length() < length) {
                    int at = random.nextInt(ALPHABET.length());
                    char c = ALPHABET.charAt(at);
                    // Keep surrogate pairs whole: the input is valid text, as policy messages are.
                    if (Character.isHighSurrogate(c)) {
                        sb.append(c).append(ALPHABET.charAt(at + 1));
                    } else if (!Character.isLowSurrogate(c)) {
                        sb.append(c);
                    }
                }
                warnings.add(sb.toString());
            }
            List<String> fit = Warnings.fit(warnings);
            int total = 0;
            for (String w : fit) {
                int runes = w.codePointCount(0, w.length());
                assertTrue(runes <= Warnings.EACH, "warning longer than " + Warnings.EACH + ": " + runes);
                assertTrue(!w.contains("\n") && !w.contains("\r"), "warning with a line break");
                total += runes;
            }
            assertTrue(total <= Warnings.TOTAL, "total " + total + " over budget in run " + run);
            assertTrue(fit.size() <= Math.max(warnings.size(), 1), "more warnings out than in");
        }
    }
}
