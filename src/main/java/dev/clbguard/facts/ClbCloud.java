package dev.clbguard.facts;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.clbguard.facts.SweptClb;
import dev.clbguard.policy.clb.ClbInfo;

/**
 * The reconciler's way to Tencent Cloud: reads that retry (within the reconciler's patience, not admission's),
 * and the lifecycle writes of docs/tke-rules.md §5. Every call goes through the Tencent SDK; failures surface as
 * {@link CloudException} with the cloud's error code.
 */
public interface ClbCloud {

    /** The CLB with its tags and listeners, or empty when the id is unknown in the region. */
    Optional<ClbInfo> describe(String lbId);

    /** CLBs carrying all of these tags (DescribeLoadBalancers with tag filters). */
    List<ClbInfo> findByTags(Map<String, String> tags);

    /**
     * Every CLB carrying tag {@code key=value}, without listeners: DescribeLoadBalancers with a tag filter, paged
     * ({@link TencentClb#SWEEP_PAGE} per call), so a sweep of n CLBs costs ceil(n / page) calls.
     */
    List<SweptClb> listByTag(String key, String value);

    /**
     * CreateLoadBalancer with the tags set at creation and {@code clientToken} (the object's uid) so that a retry
     * after a crash returns the same CLB instead of making a second one. Asynchronous: poll {@link #taskStatus}.
     */
    Created create(CreateSpec spec);

    /** DescribeTaskStatus for the request id of an asynchronous call. */
    TaskStatus taskStatus(String requestId);

    /** DeleteLoadBalancer; returns the request id to poll. Deleting an unknown id is done, not an error. */
    Optional<String> delete(String lbId);

    /** DeleteLoadBalancerListeners; returns the request id to poll, or empty when there was nothing to delete. */
    Optional<String> deleteListeners(String lbId, Collection<String> listenerIds);

    /** Tag TagResources on the CLB (six-segment resource name from region, owner UIN and id). */
    void tag(String lbId, Map<String, String> tags);

    /** Tag UnTagResources on the CLB. */
    void untag(String lbId, Set<String> keys);

    /** {@code type} OPEN or INTERNAL; {@code subnetId} only for INTERNAL. */
    record CreateSpec(String name, String type, String vpcId, String subnetId, Map<String, String> tags,
            String clientToken) {
    }

    record Created(String lbId, String requestId) {
    }

    enum TaskStatus {
        SUCCEEDED, FAILED, RUNNING
    }
}
