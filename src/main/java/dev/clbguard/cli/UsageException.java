package dev.clbguard.cli;

import java.util.List;

/** A problem with how the command was called or configured: reported one line per problem, exit code 2. */
final class UsageException extends RuntimeException {

    private final List<String> problems;

    UsageException(String message) {
        this(List.of(message));
    }

    /** Several problems found together, so that one run names them all. */
    UsageException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    List<String> problems() {
        return problems;
    }
}
