package dev.clbguard.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ServiceLoader;

import dev.clbguard.launch.StartupFailure;
import dev.clbguard.launch.Subcommand;

import dev.clbguard.tls.TransientKeyStores;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The jar's entry point: {@code validate ...} runs the offline validator as plain Java (no HTTP server, no CDI,
 * no Quarkus start-up), as does a {@link Subcommand} the build registers; anything else starts the server. Dev mode and tests start Quarkus without calling this.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (args.length > 0 && "validate".equals(args[0])) {
            PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
            PrintWriter err = new PrintWriter(System.err, false, StandardCharsets.UTF_8);
            int code = ValidateCommand.execute(Arrays.copyOfRange(args, 1, args.length), System.in, out, err,
                    System.getenv(), System.getProperties());
            System.exit(code);
        }
        if (args.length > 0) {
            for (Subcommand c : ServiceLoader.load(Subcommand.class)) {
                if (c.name().equals(args[0])) {
                    System.exit(c.run(Arrays.copyOfRange(args, 1, args.length)));
                }
            }
        }
        TransientKeyStores.useOneIteration();
        // With an exit handler Quarkus logs nothing of a failed start: StartupFailure says it in one line.
        Quarkus.run(null, StartupFailure::exit, args);
    }
}
