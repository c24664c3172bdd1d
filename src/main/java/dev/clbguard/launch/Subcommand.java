package dev.clbguard.launch;

/**
 * A command of the jar besides the server and {@code validate}, found by name through {@link java.util.ServiceLoader}
 * ({@code java -jar quarkus-run.jar NAME ARGS}): the entry point runs whatever a build registers, without knowing it.
 */
public interface Subcommand {

    String name();

    /** Runs as plain Java (no Quarkus start) and returns the exit code; may run until the process is killed. */
    int run(String[] args);
}
