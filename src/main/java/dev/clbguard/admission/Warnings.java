package dev.clbguard.admission;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fits warnings into the API server's budget: past 4,096 characters in all it cuts each to 256 and drops the
 * rest, so we do the cutting ourselves and say how many were left out.
 */
public final class Warnings {

    static final int EACH = 256;
    static final int TOTAL = 4096;
    private static final int NOTICE_ROOM = 40;
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");

    private Warnings() {
    }

    public static List<String> fit(List<String> warnings) {
        if (warnings.isEmpty()) {
            return List.of(); // the usual case, on every admission call
        }
        List<String> distinct = List.copyOf(new LinkedHashSet<>(warnings));
        List<String> out = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < distinct.size(); i++) {
            String w = cut(LINE_BREAKS.matcher(distinct.get(i)).replaceAll(" "));
            int length = runes(w);
            int reserve = i == distinct.size() - 1 ? 0 : NOTICE_ROOM;
            if (total + length + reserve > TOTAL) {
                out.add((distinct.size() - i) + " more warnings left out");
                break;
            }
            out.add(w);
            total += length;
        }
        return out;
    }

    /** The API server counts runes (code points): cut on a code point, never inside a surrogate pair. */
    private static String cut(String w) {
        return runes(w) <= EACH ? w : w.substring(0, w.offsetByCodePoints(0, EACH - 1)) + "…";
    }

    private static int runes(String w) {
        return w.codePointCount(0, w.length());
    }
}
