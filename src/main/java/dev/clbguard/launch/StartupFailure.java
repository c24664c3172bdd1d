package dev.clbguard.launch;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.smallrye.config.ConfigValidationException;

/**
 * The end of a server start that failed: a failure an operator can cause and fix (a setting, a file) becomes one
 * ERROR line naming it and the fix, with the whole trace at DEBUG only; anything else is a fault of clbguard's own
 * and is logged in full. Quarkus logs nothing itself when given an exit handler, so this is the only account.
 * {@code -Dquarkus.log.category."dev.clbguard.launch".level=DEBUG} shows the trace of a refusal too.
 */
public final class StartupFailure {

    private static final Logger LOG = Logger.getLogger(StartupFailure.class);
    private static final Pattern CONVERTED = Pattern.compile(
            "The config property (\\S+) with the config value \"(.*)\" threw an Exception whilst being converted (.*)");
    private static final Pattern MISSING = Pattern.compile("The config property (\\S+) is required but it could not be found.*");
    /** SmallRye's code, and the exception class it puts before a converter's message. */
    private static final Pattern SRCFG = Pattern.compile("^([\\w.]+(Exception|Error): )?SRCFG\\d+: ");

    private StartupFailure() {
    }

    /** Quarkus' exit handler: the process ends with {@code code} in any case, as with Quarkus' own handler. */
    public static void exit(int code, Throwable failure) {
        if (failure != null) {
            String line = describe(failure);
            if (line != null && cause(failure, ConfigValidationException.class) != null) {
                // Settings are read before logging is set up: the line is written in the console log's format itself.
                System.err.println(String.format(Locale.ROOT, "%1$tF %1$tT,%1$tL ERROR [%2$s] (%3$s) %4$s",
                        System.currentTimeMillis(), StartupFailure.class.getName(), Thread.currentThread().getName(),
                        "clbguard cannot start: " + line));
            } else if (line != null) {
                LOG.error("clbguard cannot start: " + line);
                LOG.debug("the start-up failure in full", failure);
            } else {
                LOG.error("clbguard failed to start", failure);
            }
        }
        System.exit(code);
    }

    /** One line naming the setting or file and the fix, or null when the failure is not one an operator causes. */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StartupRefusal r) {
                return r.getMessage();
            }
            if (t instanceof ConfigValidationException c) {
                return settings(c);
            }
        }
        FileSystemException file = cause(failure, FileSystemException.class);
        if (file != null && mentions(failure, "key/certificate")) {
            return "the serving certificate or key " + file.getFile() + (file instanceof NoSuchFileException ? " does not exist"
                    : file instanceof AccessDeniedException ? " cannot be read (permission denied)" : " cannot be read")
                    + " (quarkus.tls.key-store.pem.0.cert and .key): mount the clbguard-tls Secret at /etc/clbguard/tls,"
                    + " or set both settings to the PEM files";
        }
        if (mentions(failure, "key/certificate")) {
            return "the serving certificate and key (quarkus.tls.key-store.pem.0.cert and .key) are not a PEM certificate"
                    + " and its private key: put tls.crt and tls.key of one certificate into the clbguard-tls Secret";
        }
        return null; // another file, or a bug: the trace says where
    }

    /** Every refused or missing setting at once, in the order SmallRye found them. */
    static String settings(ConfigValidationException e) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < e.getProblemCount(); i++) {
            String m = SRCFG.matcher(e.getProblem(i).getMessage()).replaceFirst("");
            Matcher converted = CONVERTED.matcher(m);
            Matcher missing = MISSING.matcher(m);
            if (converted.matches()) {
                problems.add(converted.group(1) + " (" + env(converted.group(1)) + ") \"" + converted.group(2) + "\" "
                        + SRCFG.matcher(converted.group(3)).replaceFirst(""));
            } else if (missing.matches()) {
                problems.add(missing.group(1) + " (" + env(missing.group(1)) + ") is not set");
            } else {
                problems.add(m.lines().findFirst().orElse(m));
            }
        }
        boolean cluster = problems.stream().allMatch(p -> p.startsWith("clbguard.cluster."));
        String them = problems.size() == 1 ? "it" : "them";
        return String.join("; ", problems) + (cluster
                ? ": set " + them + " in cluster.env (the clbguard-cluster ConfigMap), or the chart's cluster.* values"
                : ": correct " + them + " (application properties or the environment variables named)");
    }

    /** The environment variable SmallRye maps to a key. */
    static String env(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean mentions(Throwable failure, String text) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(text)) {
                return true;
            }
        }
        return false;
    }
}
