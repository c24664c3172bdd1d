package dev.clbguard.ship;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import dev.clbguard.testing.Trees;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Renders webhook-config/helm/clbguard with Helm's own engine (helm-java), as {@code helm template} does.
 *
 * <p>Renderings use a copy of the chart (following its symlinks, as {@code helm package} does) with two changes,
 * because helm-java's template command can be given neither a Kubernetes version nor a cluster: its Chart.yaml
 * has no {@code kubeVersion} line (helm-java assumes Kubernetes v1.20, which the chart refuses; ChartTest checks
 * the line and that Helm enforces it), and the chart's one {@code lookup} reads the file {@code lookup-secret.yaml}
 * instead of the cluster (helm-java would call an API server on localhost:8080): absent, it is an empty result,
 * as {@code helm install} sees on a first install; ChartTest writes a stored Secret there for an upgrade.
 */
final class Chart {

    static final Path DIR = Manifests.ROOT.resolve("helm/clbguard");
    static final String LOOKUP = "lookup \"v1\" \"Secret\" $ns \"clbguard-tls\"";
    static final String LOOKUP_STUB = "lookup-secret.yaml";
    static final String NAMESPACE = "clbguard";
    /** The example cluster of the tests (the dev and test profile of application.properties), as chart values. */
    static final Map<String, Object> CLUSTER = Map.of("cluster.id", "cls-7k2m9q4p", "cluster.region", "ap-guangzhou",
            "cluster.vpcId", "vpc-4f8q2w1e", "cluster.ownerUin", "100012345678");

    private static Path renderable;

    private Chart() {
    }

    /** A copy of the chart as it is rendered here, in {@code target}. */
    static synchronized Path copy(Path target) {
        try {
            Trees.copy(DIR, target);
            Path chartYaml = target.resolve("Chart.yaml");
            String text = Files.readString(chartYaml);
            Files.writeString(chartYaml, text.replaceAll("(?m)^kubeVersion:.*$", ""));
            Path webhooks = target.resolve("templates/webhooks.yaml");
            String template = Files.readString(webhooks);
            if (!template.contains(LOOKUP)) {
                throw new AssertionError("templates/webhooks.yaml no longer holds " + LOOKUP);
            }
            Files.writeString(webhooks, template.replace(LOOKUP, "(.Files.Get \"" + LOOKUP_STUB + "\" | fromYaml)"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized Path renderable() {
        if (renderable == null) {
            try {
                Path tmp = Files.createTempDirectory("clbguard-chart");
                renderable = copy(tmp.resolve("clbguard"));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(tmp)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return renderable;
    }

    /** {@code helm template clbguard <chart> -n clbguard --set k=v ...}: the rendered text, or Helm's error. */
    static String template(Path chart, Map<String, ?> values) {
        TemplateCommand t = new Helm(chart).template().withName("clbguard").withNamespace(NAMESPACE);
        for (Map.Entry<String, ?> e : values.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        return t.call();
    }

    /** {@code helm template clbguard <chart> -n clbguard -f file}. */
    static List<HasMetadata> renderFile(Path valuesFile) {
        return Manifests.parse(new Helm(renderable()).template().withName("clbguard").withNamespace(NAMESPACE)
                .withValuesFile(valuesFile.toAbsolutePath()).call());
    }

    static List<HasMetadata> render(Map<String, ?> values) {
        return Manifests.parse(template(renderable(), values));
    }

    /** The example cluster's values plus {@code more}. */
    static Map<String, Object> with(Map<String, ?> more) {
        Map<String, Object> all = new java.util.TreeMap<>(CLUSTER);
        all.putAll(more);
        return all;
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
