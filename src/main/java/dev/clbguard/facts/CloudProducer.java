package dev.clbguard.facts;

import com.tencentcloudapi.common.Credential;

import dev.clbguard.config.ClusterSettings;
import dev.clbguard.emulator.ClbEmulator;
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
 * CDI wiring of the SDK adapter ({@link ClbCloud}) and the facts cache ({@link ClbDirectory}), pointed at Tencent
 * Cloud or at the emulator by {@code clbguard.cloud.mode}.
 */
@ApplicationScoped
public class CloudProducer {

    @Produces
    @Singleton
    TencentClb tencentClb(CloudSettings cloud, ClusterSettings cluster, Instance<ClbEmulator> emulator, MeterRegistry meters) {
        if (cloud.mode() == CloudSettings.Mode.EMULATOR) {
            ClbEmulator e = emulator.get();
            return new TencentClb(new Credential(e.secretId(), e.secretKey()), options(cloud, cluster, e.endpoint(), e.endpoint(), true), meters);
        }
        return new TencentClb(CloudCredentials.fromEnvironment(System.getenv()),
                options(cloud, cluster, cloud.endpoint().orElse(null), cloud.tagEndpoint().orElse(null), false), meters);
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
     * A packaged jar run with another profile (the admission benchmark's {@code bench}) may use the emulator.
     */
    void check(@Observes StartupEvent ev, CloudSettings cloud, Instance<TencentClb> adapter) {
        if (ConfigUtils.isProfileActive("prod") && cloud.mode() != CloudSettings.Mode.TENCENT) {
            throw new IllegalStateException("clbguard.cloud.mode must be tencent in the prod profile, not " + cloud.mode());
        }
        adapter.get(); // builds credentials (tencent) or starts the emulator (emulator)
    }
}
