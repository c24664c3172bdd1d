package dev.clbguard.cli;

import java.time.Duration;
import java.util.List;

import com.tencentcloudapi.common.Credential;

import dev.clbguard.facts.ClbDirectory;
import dev.clbguard.facts.CloudCredentials;
import dev.clbguard.facts.FailureLog;
import dev.clbguard.facts.TencentClb;
import dev.clbguard.launch.StartupRefusal;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.clb.ClbFacts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * CLB facts from the Tencent Cloud API through the facts package's SDK adapter, with credentials from the
 * environment only (docs/tke-rules.md §6). {@code clbguard.cloud.endpoint} may name another API host, or
 * {@code http://127.0.0.1:port} for a local CLB API emulator (plain HTTP is refused for any other host).
 */
final class TencentFacts {

    private TencentFacts() {
    }

    static ClbDirectory directory(Settings settings, ClusterProfile profile) {
        Credential credential;
        try {
            credential = CloudCredentials.fromEnvironment(settings.environment());
        } catch (StartupRefusal e) {
            throw new UsageException(e.getMessage() + "; or pass --clb-state FILE or --offline");
        }
        Endpoint clb = Endpoint.parse(settings.get(null, "clbguard.cloud.endpoint"), "clbguard.cloud.endpoint");
        Endpoint tag = Endpoint.parse(settings.get(null, "clbguard.cloud.tag-endpoint"), "clbguard.cloud.tag-endpoint");
        TencentClb adapter = new TencentClb(credential, new TencentClb.Options(profile.region(), profile.ownerUin(),
                clb.host(), tag.host(), clb.plainHttp(), Duration.ofSeconds(2), Duration.ofSeconds(5), 1,
                Duration.ofMillis(200)), new SimpleMeterRegistry(), FailureLog.NONE);
        return (ids, budget) -> new ClbFacts(adapter.read(List.copyOf(ids), System.nanoTime() + budget.toNanos()));
    }

    record Endpoint(String host, boolean plainHttp) {
        static Endpoint parse(String value, String key) {
            if (value == null) {
                return new Endpoint(null, false);
            }
            if (value.startsWith("http://")) {
                String host = value.substring("http://".length());
                if (!host.startsWith("127.0.0.1:") && !host.startsWith("localhost:")) {
                    throw new UsageException(key + ": plain http is only for a local emulator (127.0.0.1:port), not " + value);
                }
                return new Endpoint(host, true);
            }
            return new Endpoint(value.startsWith("https://") ? value.substring("https://".length()) : value, false);
        }
    }
}
