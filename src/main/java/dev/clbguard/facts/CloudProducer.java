package dev.clbguard.facts;

import com.tencentcloudapi.common.Credential;

import dev.clbguard.clbapi.ApiEndpoint;
import dev.clbguard.config.ClusterSettings;
import dev.clbguard.launch.StartupRefusal;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * CDI wiring of the SDK adapter ({@link ClbCloud}) and the facts cache ({@link ClbDirectory}), pointed by
 * {@code clbguard.cloud.mode} at Tencent Cloud or at the {@link ApiEndpoint} some other bean serves (only builds
 * that are not prod have one).
 */
@ApplicationScoped
public class CloudProducer {

    @Produces
    @Singleton
    TencentClb tencentClb(CloudSettings cloud, ClusterSettings cluster, Instance<ApiEndpoint> endpoint, MeterRegistry meters) {
        if (cloud.mode() == CloudSettings.Mode.TENCENT) {
            Credential credential;
            try {
                credential = CloudCredentials.fromEnvironment(System.getenv());
            } catch (StartupRefusal e) {
                throw new StartupRefusal(e.getMessage() + ": create the clbguard-tencentcloud Secret (secretId, secretKey)"
                        + " or set up workload identity for the ServiceAccount (docs/install.md)");
            }
            return new TencentClb(credential, options(cloud, cluster, cloud.endpoint().orElse(null),
                    cloud.tagEndpoint().orElse(null), false), meters);
        }
        if (!endpoint.isResolvable()) {
            throw new StartupRefusal("clbguard.cloud.mode=" + cloud.mode().name().toLowerCase()
                    + " needs a build with the CLB API emulator (./mvnw package -Dquarkus.profile=bench); a prod build talks"
                    + " to Tencent Cloud only: set clbguard.cloud.mode=tencent");
        }
        ApiEndpoint e = endpoint.get();
        return new TencentClb(new Credential(e.secretId(), e.secretKey()), options(cloud, cluster, e.host(), e.host(), true), meters);
    }

    private static TencentClb.Options options(CloudSettings cloud, ClusterSettings cluster, String clb, String tag, boolean http) {
        return new TencentClb.Options(cluster.region(), cluster.ownerUin(), clb, tag, http, cloud.connectTimeout(),
                cloud.readTimeout(), cloud.retryAttempts(), cloud.retryBackoff());
    }

    @Produces
    @Singleton
    FactsCache factsCache(TencentClb adapter, FactsSettings facts, MeterRegistry meters) {
        return new FactsCache(adapter, facts.options(), meters);
    }

    void closeCache(@Disposes FactsCache cache) {
        cache.close();
    }

    /**
     * Fail at start, not at the first admission: the prod profile must talk to Tencent Cloud, with credentials.
     * A packaged bench build run with another profile may use the emulator.
     */
    void check(@Observes StartupEvent ev, CloudSettings cloud, Instance<TencentClb> adapter) {
        if (ConfigUtils.isProfileActive("prod") && cloud.mode() != CloudSettings.Mode.TENCENT) {
            throw new StartupRefusal("clbguard.cloud.mode must be tencent in the prod profile, not "
                    + cloud.mode().name().toLowerCase() + ": remove the setting (CLBGUARD_CLOUD_MODE)");
        }
        adapter.get(); // builds credentials (tencent), or connects to the emulator
    }
}
