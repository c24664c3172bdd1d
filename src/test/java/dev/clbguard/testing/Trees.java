package dev.clbguard.testing;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies of project directories for tests that run tools on them, away from the checkout. */
public final class Trees {

    private Trees() {
    }

    /**
     * Copies the tree at {@code from} to {@code to} as it reads: symbolic links (the chart's files/ point into the
     * repository) are followed and their targets copied, so the copy stands on its own.
     */
    public static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from, FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
