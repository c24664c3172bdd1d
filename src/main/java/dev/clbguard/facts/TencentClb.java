package dev.clbguard.facts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.tencentcloudapi.clb.v20180317.ClbClient;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerResponse;
import com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersResponse;
import com.tencentcloudapi.clb.v20180317.models.DescribeTaskStatusRequest;
import com.tencentcloudapi.clb.v20180317.models.Filter;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.TagInfo;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.common.profile.Language;
import com.tencentcloudapi.tag.v20180813.TagClient;
import com.tencentcloudapi.tag.v20180813.models.Tag;
import com.tencentcloudapi.tag.v20180813.models.TagResourcesRequest;
import com.tencentcloudapi.tag.v20180813.models.UnTagResourcesRequest;

import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.clb.ClbLookup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The Tencent Cloud SDK adapter: {@link ClbCloud} for the reconciler (retries busy/limited calls with backoff)
 * and {@link #read} for the facts cache (retries only while the caller's deadline allows). Plain Java, so the
 * CLI and tests build it directly; {@code CloudProducer} wraps it for CDI.
 */
public final class TencentClb implements ClbCloud, FactsCache.Loader {

    /** At most this many ids per DescribeLoadBalancers call (API limit). */
    public static final int MAX_IDS_PER_CALL = 20;
    private static final long NOT_FOUND_PAGE = 100;
    /** CLBs per DescribeLoadBalancers page of a sweep: the API's maximum Limit. */
    public static final long SWEEP_PAGE = 100;
    /**
     * At least this long between two pages of a sweep: 10 calls/s, half of the 20/s per action and account, so
     * admission's and the reconciler's DescribeLoadBalancers keep the other half.
     */
    static final long SWEEP_PAGE_GAP_MILLIS = 100;

    /**
     * @param clbEndpoint host[:port] of the CLB API, null for the public one
     * @param plainHttp true only for the emulator on 127.0.0.1
     */
    public record Options(String region, String ownerUin, String clbEndpoint, String tagEndpoint, boolean plainHttp,
            Duration connectTimeout, Duration readTimeout, int retryAttempts, Duration retryBackoff) {
    }

    /** The public API hosts, named in messages when no endpoint is configured. */
    static final String CLB_HOST = "clb.tencentcloudapi.com";
    static final String TAG_HOST = "tag.tencentcloudapi.com";

    private final Options options;
    private final ClbClient clb;
    private final TagClient tag;
    private final MeterRegistry meters;
    private final FailureLog failures;
    private final Map<CloudCause, Counter> failureCounts = new EnumMap<>(CloudCause.class);

    public TencentClb(Credential credential, Options options, MeterRegistry meters) {
        this(credential, options, meters, FailureLog.warnings(Duration.ofMinutes(10)));
    }

    public TencentClb(Credential credential, Options options, MeterRegistry meters, FailureLog failures) {
        this.options = options;
        this.meters = meters;
        this.failures = failures;
        // Every cause from the start, at zero: an alert's rate() then sees a series before the first failure.
        for (CloudCause c : CloudCause.values()) {
            failureCounts.put(c, Counter.builder("clbguard.cloud.failures")
                    .description("Tencent Cloud calls that failed, by cause (unknown-host, timeout, credentials, …)")
                    .tag("cause", c.label()).register(meters));
        }
        this.clb = new ClbClient(credential, options.region(), profile(options, options.clbEndpoint()));
        this.tag = new TagClient(credential, options.region(), profile(options, options.tagEndpoint()));
    }

    private static ClientProfile profile(Options o, String endpoint) {
        HttpProfile http = new HttpProfile();
        if (endpoint != null) {
            http.setEndpoint(endpoint);
        }
        http.setProtocol(o.plainHttp() ? HttpProfile.REQ_HTTP : HttpProfile.REQ_HTTPS);
        // The SDK counts in whole seconds and treats 0 as "wait forever": never let a value round down to 0.
        http.setConnTimeout(seconds(o.connectTimeout()));
        http.setReadTimeout(seconds(o.readTimeout()));
        http.setWriteTimeout(seconds(o.readTimeout()));
        ClientProfile p = new ClientProfile(ClientProfile.SIGN_TC3_256, http);
        p.setLanguage(Language.EN_US);
        return p;
    }

    private static int seconds(Duration d) {
        return (int) Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /** Six-segment tag resource name of a CLB. */
    public String resourceName(String lbId) {
        return "qcs::clb:" + options.region() + ":uin/" + options.ownerUin() + ":clb/" + lbId;
    }

    // ---- read path of the facts cache: no retry past the deadline -------------------------------------------

    @Override
    public Map<String, ClbLookup> read(List<String> ids, long deadlineNanos) {
        Map<String, ClbLookup> out = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i += MAX_IDS_PER_CALL) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + MAX_IDS_PER_CALL));
            DescribeLoadBalancersResponse resp;
            try {
                resp = withDeadline("DescribeLoadBalancers", deadlineNanos, () -> clb.DescribeLoadBalancers(byIds(chunk)));
            } catch (CloudException e) {
                chunk.forEach(id -> out.put(id, new ClbLookup.Unknown(id, e.brief(), e.fix())));
                continue;
            }
            Map<String, LoadBalancer> found = new LinkedHashMap<>();
            if (resp.getLoadBalancerSet() != null) {
                for (LoadBalancer lb : resp.getLoadBalancerSet()) {
                    found.put(lb.getLoadBalancerId(), lb);
                }
            }
            for (String id : chunk) {
                LoadBalancer lb = found.get(id);
                if (lb == null) {
                    out.put(id, new ClbLookup.Missing(id));
                    continue;
                }
                try {
                    List<ClbListener> listeners = withDeadline("DescribeListeners", deadlineNanos, () -> listeners(id));
                    out.put(id, new ClbLookup.Found(toInfo(lb, listeners)));
                } catch (CloudException e) {
                    out.put(id, new ClbLookup.Unknown(id, e.brief(), e.fix()));
                }
            }
        }
        return out;
    }

    private static DescribeLoadBalancersRequest byIds(List<String> ids) {
        DescribeLoadBalancersRequest r = new DescribeLoadBalancersRequest();
        r.setLoadBalancerIds(ids.toArray(String[]::new));
        r.setLimit((long) MAX_IDS_PER_CALL);
        return r;
    }

    private List<ClbListener> listeners(String lbId) throws TencentCloudSDKException {
        DescribeListenersRequest r = new DescribeListenersRequest();
        r.setLoadBalancerId(lbId);
        Listener[] ls = clb.DescribeListeners(r).getListeners();
        List<ClbListener> out = new ArrayList<>();
        if (ls != null) {
            for (Listener l : ls) {
                out.add(new ClbListener(l.getListenerId(), l.getListenerName(), l.getProtocol(),
                        l.getPort() == null ? 0 : l.getPort().intValue()));
            }
        }
        return out;
    }

    private static ClbInfo toInfo(LoadBalancer lb, List<ClbListener> listeners) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (lb.getTags() != null) {
            for (TagInfo t : lb.getTags()) {
                tags.put(t.getTagKey(), t.getTagValue());
            }
        }
        List<String> vips = lb.getLoadBalancerVips() == null ? List.of() : List.of(lb.getLoadBalancerVips());
        return new ClbInfo(lb.getLoadBalancerId(), lb.getLoadBalancerName(), lb.getLoadBalancerType(),
                lb.getForward() == null ? 1 : lb.getForward().intValue(), lb.getVpcId(), lb.getSubnetId(), vips, tags,
                listeners);
    }

    // ---- ClbCloud: the reconciler's path, retried with backoff --------------------------------------------

    @Override
    public Optional<ClbInfo> describe(String lbId) {
        DescribeLoadBalancersResponse resp = retried("DescribeLoadBalancers", () -> clb.DescribeLoadBalancers(byIds(List.of(lbId))));
        if (resp.getLoadBalancerSet() == null) {
            return Optional.empty();
        }
        for (LoadBalancer lb : resp.getLoadBalancerSet()) {
            if (lbId.equals(lb.getLoadBalancerId())) {
                return Optional.of(toInfo(lb, retried("DescribeListeners", () -> listeners(lbId))));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<ClbInfo> findByTags(Map<String, String> tags) {
        List<Filter> filters = new ArrayList<>();
        tags.forEach((k, v) -> {
            Filter f = new Filter();
            f.setName("tag:" + k);
            f.setValues(new String[] {v});
            filters.add(f);
        });
        List<ClbInfo> out = new ArrayList<>();
        for (long offset = 0;; offset += NOT_FOUND_PAGE) {
            DescribeLoadBalancersRequest r = new DescribeLoadBalancersRequest();
            r.setFilters(filters.toArray(Filter[]::new));
            r.setOffset(offset);
            r.setLimit(NOT_FOUND_PAGE);
            DescribeLoadBalancersResponse resp = retried("DescribeLoadBalancers", () -> clb.DescribeLoadBalancers(r));
            LoadBalancer[] page = resp.getLoadBalancerSet() == null ? new LoadBalancer[0] : resp.getLoadBalancerSet();
            for (LoadBalancer lb : page) {
                out.add(toInfo(lb, retried("DescribeListeners", () -> listeners(lb.getLoadBalancerId()))));
            }
            long total = resp.getTotalCount() == null ? 0 : resp.getTotalCount();
            if (page.length == 0 || offset + page.length >= total) {
                return out;
            }
        }
    }

    @Override
    public List<SweptClb> listByTag(String key, String value) {
        Filter f = new Filter();
        f.setName("tag:" + key);
        f.setValues(new String[] {value});
        List<SweptClb> out = new ArrayList<>();
        long last = 0;
        for (long offset = 0;; offset += SWEEP_PAGE) {
            long wait = last == 0 ? 0 : SWEEP_PAGE_GAP_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last);
            if (wait > 0) {
                sleep(wait);
            }
            last = System.nanoTime();
            DescribeLoadBalancersRequest r = new DescribeLoadBalancersRequest();
            r.setFilters(new Filter[] {f});
            r.setOffset(offset);
            r.setLimit(SWEEP_PAGE);
            DescribeLoadBalancersResponse resp = retried("DescribeLoadBalancers", () -> clb.DescribeLoadBalancers(r));
            LoadBalancer[] page = resp.getLoadBalancerSet() == null ? new LoadBalancer[0] : resp.getLoadBalancerSet();
            for (LoadBalancer lb : page) {
                ClbInfo info = toInfo(lb, List.of());
                out.add(new SweptClb(info.id(), info.name(), lb.getCreateTime(), info.vips(), info.tags()));
            }
            long total = resp.getTotalCount() == null ? 0 : resp.getTotalCount();
            if (page.length == 0 || offset + page.length >= total) {
                return out;
            }
        }
    }

    @Override
    public Created create(CreateSpec spec) {
        CreateLoadBalancerRequest r = new CreateLoadBalancerRequest();
        r.setLoadBalancerType(spec.type());
        r.setForward(1L);
        r.setLoadBalancerName(spec.name());
        r.setVpcId(spec.vpcId());
        if (spec.subnetId() != null) {
            r.setSubnetId(spec.subnetId());
        }
        List<TagInfo> tags = new ArrayList<>();
        spec.tags().forEach((k, v) -> {
            TagInfo t = new TagInfo();
            t.setTagKey(k);
            t.setTagValue(v);
            tags.add(t);
        });
        r.setTags(tags.toArray(TagInfo[]::new));
        r.setClientToken(spec.clientToken());
        CreateLoadBalancerResponse resp = retried("CreateLoadBalancer", () -> clb.CreateLoadBalancer(r));
        if (resp.getLoadBalancerIds() == null || resp.getLoadBalancerIds().length != 1) {
            throw new CloudException("InternalError", "CreateLoadBalancer returned no single load balancer id", false, null);
        }
        return new Created(resp.getLoadBalancerIds()[0], resp.getRequestId());
    }

    @Override
    public TaskStatus taskStatus(String requestId) {
        DescribeTaskStatusRequest r = new DescribeTaskStatusRequest();
        r.setTaskId(requestId);
        Long s = retried("DescribeTaskStatus", () -> clb.DescribeTaskStatus(r)).getStatus();
        if (s == null) {
            throw new CloudException("InternalError", "DescribeTaskStatus returned no status", true, null);
        }
        return switch (s.intValue()) {
            case 0 -> TaskStatus.SUCCEEDED;
            case 1 -> TaskStatus.FAILED;
            default -> TaskStatus.RUNNING;
        };
    }

    @Override
    public Optional<String> delete(String lbId) {
        DeleteLoadBalancerRequest r = new DeleteLoadBalancerRequest();
        r.setLoadBalancerIds(new String[] {lbId});
        try {
            return Optional.of(retried("DeleteLoadBalancer", () -> clb.DeleteLoadBalancer(r)).getRequestId());
        } catch (CloudException e) {
            if (e.code().equals(CloudCodes.LB_NOT_FOUND)) {
                return Optional.empty(); // already gone: what we wanted
            }
            throw e;
        }
    }

    @Override
    public Optional<String> deleteListeners(String lbId, Collection<String> listenerIds) {
        if (listenerIds.isEmpty()) {
            return Optional.empty();
        }
        DeleteLoadBalancerListenersRequest r = new DeleteLoadBalancerListenersRequest();
        r.setLoadBalancerId(lbId);
        r.setListenerIds(listenerIds.toArray(String[]::new));
        return Optional.of(retried("DeleteLoadBalancerListeners", () -> clb.DeleteLoadBalancerListeners(r)).getRequestId());
    }

    @Override
    public void tag(String lbId, Map<String, String> tags) {
        if (tags.isEmpty()) {
            return;
        }
        TagResourcesRequest r = new TagResourcesRequest();
        r.setResourceList(new String[] {resourceName(lbId)});
        List<Tag> list = new ArrayList<>();
        tags.forEach((k, v) -> {
            Tag t = new Tag();
            t.setTagKey(k);
            t.setTagValue(v);
            list.add(t);
        });
        r.setTags(list.toArray(Tag[]::new));
        retried("TagResources", () -> tag.TagResources(r));
    }

    @Override
    public void untag(String lbId, Set<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        UnTagResourcesRequest r = new UnTagResourcesRequest();
        r.setResourceList(new String[] {resourceName(lbId)});
        r.setTagKeys(keys.toArray(String[]::new));
        retried("UnTagResources", () -> tag.UnTagResources(r));
    }

    // ---- calls, retries, metrics ----------------------------------------------------------------------------

    @FunctionalInterface
    interface Call<T> {
        T run() throws TencentCloudSDKException;
    }

    private <T> T retried(String action, Call<T> call) {
        long backoff = options.retryBackoff().toMillis();
        for (int attempt = 1;; attempt++) {
            try {
                return once(action, call);
            } catch (CloudException e) {
                if (!CloudCodes.retriedOnReconcile(e.code()) || attempt >= options.retryAttempts()) {
                    throw e;
                }
                sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
                backoff *= 2;
            }
        }
    }

    /** Retries a rate-limited or busy call only if the backoff still ends before the deadline. */
    private <T> T withDeadline(String action, long deadlineNanos, Call<T> call) {
        long backoff = Math.max(1, options.retryBackoff().toMillis() / 4);
        while (true) {
            try {
                return once(action, call);
            } catch (CloudException e) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (!CloudCodes.retriedOnReconcile(e.code()) || left <= backoff) {
                    throw e;
                }
                sleep(backoff);
                backoff *= 2;
            }
        }
    }

    private <T> T once(String action, Call<T> call) {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return call.run();
        } catch (TencentCloudSDKException e) {
            String code = e.getErrorCode() == null || e.getErrorCode().isEmpty() ? CloudCodes.CLIENT_SIDE_ERROR : e.getErrorCode();
            outcome = code;
            // No code: nothing answered, and the SDK's message is empty; the cause is in the HTTP client's exception.
            throw failed(action, code, e, code.equals(CloudCodes.CLIENT_SIDE_ERROR) ? CloudCause.ofTransport(e)
                    : CloudCause.ofCode(code));
        } catch (RuntimeException e) {
            outcome = CloudCodes.CLIENT_SIDE_ERROR;
            throw failed(action, outcome, e, CloudCause.CLIENT_ERROR);
        } finally {
            Timer.builder("clbguard.cloud.calls").description("Tencent Cloud API calls by action and outcome")
                    .tag("action", action).tag("outcome", outcome).register(meters)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** The exception for a failed call, counted by cause and logged once per distinct failure. */
    private CloudException failed(String action, String code, Exception e, CloudCause cause) {
        boolean tagApi = action.endsWith("TagResources");
        String host = tagApi ? Objects.requireNonNullElse(options.tagEndpoint(), TAG_HOST)
                : Objects.requireNonNullElse(options.clbEndpoint(), CLB_HOST);
        String brief = cause.describe(tagApi ? "Tag API" : "CLB API", host, action, code);
        CloudException out = new CloudException(code, brief, CloudCodes.retryable(code), e, cause, brief, cause.fix(host, action));
        failureCounts.get(cause).increment();
        failures.failed(action, out);
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudException("ClientSideError", "interrupted while backing off", false, e);
        }
    }
}
