package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The API server's warning budget: each ≤ 256 characters, all together ≤ 4,096, or it cuts on its own. */
class WarningsTest {

    @Test
    void nothingInNothingOut() {
        assertEquals(List.of(), Warnings.fit(List.of()));
    }

    @Test
    void shortWarningsPassInOrderWithoutDuplicates() {
        assertEquals(List.of("b: second", "a: first"), Warnings.fit(List.of("b: second", "a: first", "b: second")));
    }

    @Test
    void longWarningIsCutAndSaysSo() {
        String fit = Warnings.fit(List.of("p: " + "x".repeat(1000))).get(0);
        assertEquals(Warnings.EACH, fit.length());
        assertTrue(fit.startsWith("p: xxx") && fit.endsWith("…"), fit);
    }

    @Test
    void warningOfExactlyTheLimitIsKeptWhole() {
        String w = "y".repeat(Warnings.EACH);
        assertEquals(List.of(w), Warnings.fit(List.of(w)));
    }

    @Test
    void lineBreaksBecomeSpaces() {
        assertEquals(List.of("one two three"), Warnings.fit(List.of("one\ntwo\r\nthree")));
    }

    @Test
    void cutNeverSplitsACharacter() {
        // Each emoji is two UTF-16 units; a cut in the middle would send invalid UTF-8 to the API server.
        String fit = Warnings.fit(List.of("😀".repeat(300))).get(0);
        assertTrue(fit.codePointCount(0, fit.length()) <= Warnings.EACH, fit);
        fit.codePoints().forEach(cp -> assertFalse(Character.isSurrogate((char) cp) && cp < 0x10000, "lone surrogate"));
        assertTrue(fit.endsWith("😀…"), fit);
    }

    @Test
    void manyWarningsStayWithinTheTotalAndCountWhatWasLeftOut() {
        List<String> many = IntStream.range(0, 100).mapToObj(i -> "w" + i + ": " + "z".repeat(200)).toList();
        List<String> fit = Warnings.fit(many);
        int total = fit.stream().mapToInt(String::length).sum();
        assertTrue(total <= Warnings.TOTAL, "total " + total);
        String last = fit.get(fit.size() - 1);
        assertTrue(last.matches("\\d+ more warnings left out"), last);
        int leftOut = Integer.parseInt(last.substring(0, last.indexOf(' ')));
        assertEquals(many.size(), fit.size() - 1 + leftOut);
        assertEquals(many.subList(0, fit.size() - 1), fit.subList(0, fit.size() - 1));
    }

    @Test
    void warningsThatFitExactlyNeedNoNotice() {
        List<String> w = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            w.add((char) ('a' + i) + "x".repeat(Warnings.EACH - 1));
        }
        assertEquals(Warnings.TOTAL, w.stream().mapToInt(String::length).sum());
        assertEquals(w, Warnings.fit(w));
    }
}
