package dev.clbguard.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.clbguard.facts.ClbDirectory;
import dev.clbguard.facts.SeededClbDirectory;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.PolicySet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code validate [options] PATH...}: judges Service and Ingress manifests with the server's policies and
 * policy engine, without a cluster. Exit 0 when nothing is denied, 1 when something is, 2 for usage or input
 * errors (then the readable files are still checked and reported).
 */
@Command(name = "validate", sortOptions = false, usageHelpAutoWidth = true,
        description = "Check Service and Ingress manifests against the clbguard policies, as the webhook would.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = { "0:nothing denied", "1:at least one object denied", "2:usage or input error" })
public final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Manifest files or directories (*.yaml, *.yml, *.json, recursively); - reads stdin.")
    List<String> paths;

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--policies", paramLabel = "DIR",
            description = "Policy directory (default: clbguard.policies.dir, else ./policies).")
    String policiesDir;

    @Option(names = "--clb-state", paramLabel = "FILE", description = "Take CLB facts from a CLB state file (emulator seed format).")
    Path clbState;

    @Option(names = "--offline", description = "Do not look CLBs up: CLB rules report 'not checked' as warnings.")
    boolean offline;

    @Option(names = { "-o", "--output" }, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json or junit (JUnit XML for CI).")
    String output;

    @Option(names = { "-n", "--namespace" }, paramLabel = "NS", defaultValue = "default",
            description = "Namespace of manifests that name none (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--cluster-id", paramLabel = "ID", description = "TKE cluster id (env CLBGUARD_CLUSTER_ID).")
    String clusterId;

    @Option(names = "--region", paramLabel = "REGION", description = "Region, e.g. ap-guangzhou (env CLBGUARD_CLUSTER_REGION).")
    String region;

    @Option(names = "--vpc-id", paramLabel = "ID", description = "The cluster's VPC (env CLBGUARD_CLUSTER_VPC_ID).")
    String vpcId;

    @Option(names = "--elastic", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Elastic (serverless) cluster (env CLBGUARD_CLUSTER_ELASTIC; default false).")
    Boolean elastic;

    @Option(names = "--owner-uin", paramLabel = "UIN", description = "Account UIN (env CLBGUARD_CLUSTER_OWNER_UIN).")
    String ownerUin;

    @Option(names = "--default-class", paramLabel = "CLASS",
            description = "Ingress class written when none is named (env CLBGUARD_INGRESS_DEFAULT_CLASS; default qcloud).")
    String defaultClass;

    @Option(names = "--lookup-timeout", paramLabel = "SECONDS", defaultValue = "20",
            description = "Time budget for all CLB lookups of the run (default: ${DEFAULT-VALUE}).")
    int lookupTimeout;

    private final InputStream stdin;
    private final Map<String, String> env;
    private final Properties system;
    private PrintWriter out;
    private PrintWriter err;

    public ValidateCommand(InputStream stdin, Map<String, String> env, Properties system) {
        this.stdin = stdin;
        this.env = env;
        this.system = system;
    }

    /** Runs the command; never throws, never exits the JVM. */
    public static int execute(String[] args, InputStream stdin, PrintWriter out, PrintWriter err, Map<String, String> env,
            Properties system) {
        ValidateCommand command = new ValidateCommand(stdin, env, system);
        CommandLine cli = new CommandLine(command).setOut(out).setErr(err)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // A bug must still end in one readable line and a failing exit code, not a stack trace.
                    cmd.getErr().println("error: internal error: " + e);
                    return Report.INPUT_ERROR;
                });
        command.out = out;
        command.err = err;
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        try {
            return run();
        } catch (UsageException e) {
            e.problems().forEach(p -> err.println("error: " + p));
            return Report.INPUT_ERROR;
        }
    }

    private int run() {
        if (!List.of("text", "json", "junit").contains(output)) {
            throw new UsageException("--output must be text, json or junit, not '" + output + "'");
        }
        if (offline && clbState != null) {
            throw new UsageException("--offline and --clb-state exclude each other");
        }
        if (lookupTimeout < 1 || lookupTimeout > 600) {
            throw new UsageException("--lookup-timeout must be 1-600 seconds");
        }
        if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new UsageException("--namespace '" + namespace + "' is not a valid namespace name");
        }
        Settings settings = new Settings(env, system);
        ClusterProfile profile = settings.profile(new Settings.Flags(clusterId, region, vpcId, elastic, ownerUin, defaultClass),
                !offline);
        Set<String> exempt = new LinkedHashSet<>(List.of("kube-system",
                nonNull(settings.get(null, "clbguard.webhook.namespace"), "clbguard")));
        PolicySet policies = PolicyDirectory.load(Path.of(nonNull(settings.get(policiesDir, "clbguard.policies.dir"), "policies")),
                exempt);
        ClbDirectory directory = directory(settings, profile);
        if (offline) {
            policies = OfflineValidator.warnWhenUnchecked(policies);
        }

        ManifestReader.Result input = new ManifestReader(namespace, stdin).read(paths);
        List<OfflineValidator.Finding> findings = new OfflineValidator(policies, profile, directory,
                Duration.ofSeconds(lookupTimeout)).validate(input.manifests());
        int code = Report.exitCode(findings, input.errors());
        if (output.equals("json")) {
            Report.json(out, input, findings, code);
        } else if (output.equals("junit")) {
            JUnitReport.write(out, input, findings);
        } else {
            Report.text(out, findings);
        }
        Report.errors(err, input.errors());
        err.println(Report.summaryLine(input, findings));
        return code;
    }

    private ClbDirectory directory(Settings settings, ClusterProfile profile) {
        if (offline) {
            return OfflineValidator.NOT_CHECKED;
        }
        if (clbState != null) {
            try {
                return SeededClbDirectory.read(clbState);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--clb-state " + e.getMessage());
            }
        }
        return TencentFacts.directory(settings, profile);
    }

    private static String nonNull(String v, String fallback) {
        return v == null ? fallback : v;
    }
}
