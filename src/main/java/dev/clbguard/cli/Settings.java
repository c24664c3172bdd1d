package dev.clbguard.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import dev.clbguard.policy.ClusterProfile;

/**
 * The server's settings ({@code clbguard.cluster.*}, {@code clbguard.ingress.default-class}, ...) read without
 * the Quarkus runtime: a flag wins over a system property, which wins over the environment variable that
 * SmallRye Config would map to the same key ({@code clbguard.cluster.vpc-id} is {@code CLBGUARD_CLUSTER_VPC_ID}).
 */
final class Settings {

    private final Map<String, String> env;
    private final Properties system;

    Settings(Map<String, String> env, Properties system) {
        this.env = env;
        this.system = system;
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** The flag's value if given, else the key's from system properties or the environment, else null. */
    String get(String flag, String key) {
        if (flag != null) {
            return flag.isBlank() ? null : flag.strip();
        }
        String v = system.getProperty(key);
        if (v == null) {
            v = env.get(envName(key));
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The whole environment, for the cloud credentials (never printed). */
    Map<String, String> environment() {
        return env;
    }

    String env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** Flags as given by picocli (null when absent). {@code required} is false in --offline mode. */
    record Flags(String clusterId, String region, String vpcId, Boolean elastic, String ownerUin, String defaultClass) {
    }

    /** The profile; every missing or malformed setting is reported at once, not the first alone. */
    ClusterProfile profile(Flags f, boolean required) {
        List<String> problems = new ArrayList<>();
        String clusterId = checked(get(f.clusterId(), "clbguard.cluster.id"), "--cluster-id", "clbguard.cluster.id",
                "cls-[a-z0-9]{8}", required, problems);
        String region = checked(get(f.region(), "clbguard.cluster.region"), "--region", "clbguard.cluster.region",
                "[a-z]+(-[a-z]+)+(-[0-9]+)?", required, problems);
        String vpcId = checked(get(f.vpcId(), "clbguard.cluster.vpc-id"), "--vpc-id", "clbguard.cluster.vpc-id",
                "vpc-[a-z0-9]{8}", required, problems);
        String ownerUin = checked(get(f.ownerUin(), "clbguard.cluster.owner-uin"), "--owner-uin",
                "clbguard.cluster.owner-uin", "[0-9]{5,20}", false, problems);
        String elasticText = get(f.elastic() == null ? null : f.elastic().toString(), "clbguard.cluster.elastic");
        boolean elastic = "true".equalsIgnoreCase(elasticText);
        if (elasticText != null && !elastic && !elasticText.equalsIgnoreCase("false")) {
            problems.add("clbguard.cluster.elastic (" + envName("clbguard.cluster.elastic")
                    + ") must be true or false, not '" + elasticText + "'");
        }
        if (!problems.isEmpty()) {
            throw new UsageException(problems);
        }
        String defaultClass = get(f.defaultClass(), "clbguard.ingress.default-class");
        return new ClusterProfile(clusterId, region, vpcId, elastic, ownerUin, defaultClass == null ? "qcloud" : defaultClass);
    }

    private static String checked(String value, String flag, String key, String pattern, boolean required,
            List<String> problems) {
        if (value == null) {
            if (required) {
                problems.add("the cluster profile needs " + flag + " (or " + envName(key) + "); only --offline runs without it");
            }
            return null;
        }
        if (!value.matches(pattern)) {
            problems.add(flag + " (" + key + ") '" + value + "' does not look right: expected " + pattern);
        }
        return value;
    }
}
