package dev.clbguard.emulator;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.clbguard.clbapi.ClbStateFile;
import dev.clbguard.launch.Subcommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code emulator --seed FILE --port N}: the CLB API emulator as a process of its own, state endpoint included, so a
 * crash test can kill the server while the cloud's state survives. The server reaches it with
 * {@code clbguard.cloud.mode=emulator} and {@code clbguard.emulator.endpoint=127.0.0.1:N}. Registered in
 * META-INF/services, which prod builds leave out of the jar.
 */
@Command(name = "emulator", sortOptions = false, usageHelpAutoWidth = true,
        description = "Serve the Tencent Cloud CLB and Tag API on 127.0.0.1 from a CLB state file, until stopped.")
public final class EmulatorCommand implements Subcommand, Callable<Integer> {

    @Option(names = "--seed", paramLabel = "FILE", description = "CLB state file to start from (default: no CLBs).")
    Path seed;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "Port on 127.0.0.1; 0 picks a free one.")
    int port;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "20",
            description = "Requests per second per action before RequestLimitExceeded; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int rateLimit;

    @Option(names = "--task-duration", paramLabel = "MILLIS", defaultValue = "200",
            description = "How long create and delete tasks run (default: ${DEFAULT-VALUE}).")
    long taskMillis;

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public String name() {
        return "emulator";
    }

    @Override
    public int run(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        return new CommandLine(new EmulatorCommand()).setErr(err)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + e.getMessage());
                    return 2;
                }).execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0-65535, not " + port);
        }
        List<ClbStateFile.Lb> clbs = seed == null ? List.of() : ClbStateFile.read(seed);
        ClbEmulator.Options o = new ClbEmulator.Options(port, ClbEmulator.Options.SECRET_ID, ClbEmulator.Options.SECRET_KEY,
                rateLimit, Duration.ZERO, Duration.ofMillis(taskMillis), Duration.ofMinutes(5));
        ClbEmulator emulator = new ClbEmulator(o, clbs, null).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }));
        System.out.println("CLB API emulator on " + emulator.endpoint() + " with " + clbs.size() + " CLBs; state: http://"
                + emulator.endpoint() + ClbEmulator.STATE_PATH);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
