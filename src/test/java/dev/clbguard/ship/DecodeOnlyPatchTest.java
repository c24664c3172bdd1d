package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * src/bench/upper-bound.sh applies src/bench/decode-only.patch to a copy of the tree: every hunk's old lines must
 * still stand together in the file it names, or the benchmark breaks the day someone edits the routes.
 */
class DecodeOnlyPatchTest {

    @Test
    void everyHunkStillMatchesTheSources() throws IOException {
        List<String> patch = Files.readAllLines(Path.of("src/bench/decode-only.patch"));
        List<String> file = null;
        String name = null;
        List<String> old = new ArrayList<>();
        int hunks = 0;
        for (String line : patch) {
            if (line.startsWith("+++ b/")) {
                name = line.substring(6);
                file = Files.readAllLines(Path.of(name));
            } else if (line.startsWith("@@")) {
                hunks += check(file, name, old);
            } else if (file != null && (line.startsWith(" ") || line.startsWith("-") && !line.startsWith("---"))) {
                old.add(line.substring(1));
            } else if (line.startsWith("diff ")) {
                hunks += check(file, name, old);
            }
        }
        hunks += check(file, name, old);
        assertTrue(hunks >= 2, "the patch should change the routes and the handler: " + hunks + " hunks read");
    }

    private static int check(List<String> file, String name, List<String> old) {
        if (old.isEmpty()) {
            return 0;
        }
        assertFalse(Collections.indexOfSubList(file, old) < 0,
                name + " no longer has the lines decode-only.patch expects:\n" + String.join("\n", old));
        old.clear();
        return 1;
    }
}
