package dev.clbguard.reconcile;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.clbguard.facts.ClbCloud;
import dev.clbguard.facts.CloudException;
import dev.clbguard.facts.SweptClb;
import dev.clbguard.policy.clb.ClbInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The reconciler's view of {@link ClbCloud}: every call waits for the client-side rate limit of its action (so a burst of
 * reconciles queues here instead of earning RequestLimitExceeded) and is counted by action and result.
 */
final class MeteredCloud implements ClbCloud {

    private final ClbCloud cloud;
    private final MeterRegistry registry;
    /** Longest a worker waits for its action's turn; longer and the key is requeued for later instead. */
    private static final long MAX_WAIT_NANOS = 1_000_000_000L;

    private final double perSecond;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    MeteredCloud(ClbCloud cloud, MeterRegistry registry, double perSecond) {
        this.cloud = cloud;
        this.registry = registry;
        this.perSecond = perSecond;
    }

    private <T> T call(String action, Supplier<T> body) {
        // Tencent Cloud limits each API action separately (20/s per account), so one limiter per action.
        long later = limiters.computeIfAbsent(action, a -> new RateLimiter(perSecond)).acquire(MAX_WAIT_NANOS);
        if (later > 0) {
            throw new Throttled(action, java.time.Duration.ofNanos(later));
        }
        String result = "ok";
        try {
            return body.get();
        } catch (CloudException e) {
            result = e.code();
            throw e;
        } catch (RuntimeException e) {
            result = "error";
            throw e;
        } finally {
            Counter.builder("clbguard.reconcile.cloud.calls").description("Tencent Cloud calls made by the reconciler")
                    .tags("action", action, "result", result).register(registry).increment();
        }
    }

    @Override
    public Optional<ClbInfo> describe(String lbId) {
        return call("DescribeLoadBalancers", () -> cloud.describe(lbId));
    }

    @Override
    public List<ClbInfo> findByTags(Map<String, String> tags) {
        return call("DescribeLoadBalancersByTags", () -> cloud.findByTags(tags));
    }

    @Override
    public List<SweptClb> listByTag(String key, String value) {
        return call("DescribeLoadBalancersByTag", () -> cloud.listByTag(key, value));
    }

    @Override
    public Created create(CreateSpec spec) {
        return call("CreateLoadBalancer", () -> cloud.create(spec));
    }

    @Override
    public TaskStatus taskStatus(String requestId) {
        return call("DescribeTaskStatus", () -> cloud.taskStatus(requestId));
    }

    @Override
    public Optional<String> delete(String lbId) {
        return call("DeleteLoadBalancer", () -> cloud.delete(lbId));
    }

    @Override
    public Optional<String> deleteListeners(String lbId, Collection<String> listenerIds) {
        return call("DeleteLoadBalancerListeners", () -> cloud.deleteListeners(lbId, listenerIds));
    }

    @Override
    public void tag(String lbId, Map<String, String> tags) {
        call("TagResources", () -> {
            cloud.tag(lbId, tags);
            return null;
        });
    }

    @Override
    public void untag(String lbId, Set<String> keys) {
        call("UnTagResources", () -> {
            cloud.untag(lbId, keys);
            return null;
        });
    }
}
