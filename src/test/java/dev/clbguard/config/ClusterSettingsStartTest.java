package dev.clbguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.EnvConfigSource;
import dev.clbguard.launch.StartupFailure;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The cluster settings as the pod's environment gives them (cluster.env through envFrom), mapped the way the
 * application maps them at start: the shipped placeholders are refused, one line per setting, naming each.
 */
public class ClusterSettingsStartTest {

    /** The environment webhook-config/base/cluster.env gives the pod, placeholders included. */
    public static Map<String, String> shippedClusterEnv() throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(Path.of("webhook-config/base/cluster.env"))));
        Map<String, String> env = new HashMap<>();
        p.stringPropertyNames().forEach(k -> env.put(k, p.getProperty(k)));
        return env;
    }

    /** The settings mapped as at start; throws what the start fails with. */
    public static ClusterSettings start(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new EnvConfigSource(env, 300)).withMapping(ClusterSettings.class).build();
        return config.getConfigMapping(ClusterSettings.class);
    }

    @Test
    void theShippedPlaceholdersAreRefusedOneLinePerSetting() throws Exception {
        var e = assertThrows(ConfigValidationException.class, () -> start(shippedClusterEnv()));
        String message = e.getMessage();
        for (String[] s : List.of(new String[] {"clbguard.cluster.id", "a TKE cluster id"},
                new String[] {"clbguard.cluster.region", "a Tencent Cloud region"},
                new String[] {"clbguard.cluster.vpc-id", "a VPC id"},
                new String[] {"clbguard.cluster.owner-uin", "a numeric account UIN"})) {
            assertEquals(1, message.lines().filter(l -> l.contains(s[0] + " ") && l.contains(s[1])).count(),
                    s[0] + " on one line of: " + message);
        }
        assertEquals(4, e.getProblemCount(), message);
        assertFalse(message.contains("elastic"), "elastic has a safe value: " + message);
        // What the pod's log says: one line, every setting, the fix once.
        assertEquals("clbguard.cluster.id (CLBGUARD_CLUSTER_ID) \"CHANGE-ME\" is not a TKE cluster id (like cls-7k2m9q4p);"
                + " clbguard.cluster.owner-uin (CLBGUARD_CLUSTER_OWNER_UIN) \"CHANGE-ME\" is not a numeric account UIN (like"
                + " 100012345678); clbguard.cluster.region (CLBGUARD_CLUSTER_REGION) \"CHANGE-ME\" is not a Tencent Cloud"
                + " region (like ap-guangzhou); clbguard.cluster.vpc-id (CLBGUARD_CLUSTER_VPC_ID) \"CHANGE-ME\" is not a VPC"
                + " id (like vpc-4f8q2w1e): set them in cluster.env (the clbguard-cluster ConfigMap), or the chart's"
                + " cluster.* values", StartupFailure.describe(e));
    }

    @Test
    void unsetAndMalformedSettingsAreReportedTogether() {
        var e = assertThrows(ConfigValidationException.class, () -> start(Map.of("CLBGUARD_CLUSTER_ID", "cls-7k2m9q4p",
                "CLBGUARD_CLUSTER_REGION", "ap-guangzhou", "CLBGUARD_CLUSTER_VPC_ID", "vpc_4f8q2w1e")));
        assertEquals(2, e.getProblemCount(), e.getMessage());
        assertTrue(e.getMessage().contains("clbguard.cluster.vpc-id"), e.getMessage());
        assertTrue(e.getMessage().contains("clbguard.cluster.owner-uin"), e.getMessage());
        assertTrue(StartupFailure.describe(e).contains("clbguard.cluster.owner-uin (CLBGUARD_CLUSTER_OWNER_UIN) is not set; "),
                StartupFailure.describe(e));
    }

    @Test
    void elasticIsTrueOrFalseAndNothingElse() throws Exception {
        Map<String, String> env = shippedClusterEnv();
        env.putAll(Map.of("CLBGUARD_CLUSTER_ID", "cls-7k2m9q4p", "CLBGUARD_CLUSTER_REGION", "ap-guangzhou",
                "CLBGUARD_CLUSTER_VPC_ID", "vpc-4f8q2w1e", "CLBGUARD_CLUSTER_OWNER_UIN", "100012345678",
                "CLBGUARD_CLUSTER_ELASTIC", "yes please"));
        var e = assertThrows(ConfigValidationException.class, () -> start(env));
        assertEquals("clbguard.cluster.elastic (CLBGUARD_CLUSTER_ELASTIC) \"yes please\" is not true or false: set it in"
                + " cluster.env (the clbguard-cluster ConfigMap), or the chart's cluster.* values", StartupFailure.describe(e));
        env.put("CLBGUARD_CLUSTER_ELASTIC", "TRUE");
        assertTrue(start(env).elastic());
    }

    @Test
    void realValuesStartAndElasticIsOffUnlessSetOnPurpose() throws Exception {
        Map<String, String> env = shippedClusterEnv();
        env.putAll(Map.of("CLBGUARD_CLUSTER_ID", "cls-7k2m9q4p", "CLBGUARD_CLUSTER_REGION", "ap-shanghai-fsi",
                "CLBGUARD_CLUSTER_VPC_ID", "vpc-4f8q2w1e", "CLBGUARD_CLUSTER_OWNER_UIN", "100012345678"));
        ClusterSettings s = start(env);
        assertEquals("cls-7k2m9q4p", s.id());
        assertEquals("ap-shanghai-fsi", s.region());
        assertFalse(s.elastic());
        env.remove("CLBGUARD_CLUSTER_ELASTIC");
        assertFalse(start(env).elastic());
    }
}
