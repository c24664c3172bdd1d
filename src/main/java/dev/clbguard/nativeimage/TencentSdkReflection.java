package dev.clbguard.nativeimage;

import com.tencentcloudapi.common.AbstractModel;
import com.tencentcloudapi.clb.v20180317.models.AvailableZoneAffinityInfo;
import com.tencentcloudapi.clb.v20180317.models.BasicTargetGroupInfo;
import com.tencentcloudapi.clb.v20180317.models.CertificateOutput;
import com.tencentcloudapi.clb.v20180317.models.ClusterItem;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerResponse;
import com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerListenersResponse;
import com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerResponse;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersResponse;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersResponse;
import com.tencentcloudapi.clb.v20180317.models.DescribeTaskStatusRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeTaskStatusResponse;
import com.tencentcloudapi.clb.v20180317.models.ExclusiveCluster;
import com.tencentcloudapi.clb.v20180317.models.ExtraInfo;
import com.tencentcloudapi.clb.v20180317.models.Filter;
import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.InternetAccessible;
import com.tencentcloudapi.clb.v20180317.models.LBChargePrepaid;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.OAuth;
import com.tencentcloudapi.clb.v20180317.models.RewriteTarget;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import com.tencentcloudapi.clb.v20180317.models.SnatIp;
import com.tencentcloudapi.clb.v20180317.models.TagInfo;
import com.tencentcloudapi.clb.v20180317.models.TargetRegionInfo;
import com.tencentcloudapi.clb.v20180317.models.ZoneInfo;
import com.tencentcloudapi.tag.v20180813.models.FailedResource;
import com.tencentcloudapi.tag.v20180813.models.Tag;
import com.tencentcloudapi.tag.v20180813.models.TagResourcesRequest;
import com.tencentcloudapi.tag.v20180813.models.TagResourcesResponse;
import com.tencentcloudapi.tag.v20180813.models.UnTagResourcesRequest;
import com.tencentcloudapi.tag.v20180813.models.UnTagResourcesResponse;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Native-image registrations for the Tencent Cloud SDK, which reads and writes its models with Gson through
 * reflection: the request/response models of the CLB (2018-03-17) and Tag (2018-08-13) actions clbguard calls,
 * every model reachable through their fields, and the SDK's own envelope types that {@code AbstractClient}
 * parses every answer into (including the error model's inner class and the TypeToken subclasses whose
 * generic superclass Gson reads). Gson allocates classes without a no-argument constructor (ErrorInfo is an
 * inner class) with Unsafe, hence unsafeAllocated. {@code TencentSdkReflectionTest} derives the models the
 * code uses from the compiled classes and fails when one is missing here.
 */
@RegisterForReflection(unsafeAllocated = true, targets = {
        AbstractModel.class,
        AvailableZoneAffinityInfo.class,
        BasicTargetGroupInfo.class,
        CertificateOutput.class,
        ClusterItem.class,
        CreateLoadBalancerRequest.class,
        CreateLoadBalancerResponse.class,
        DeleteLoadBalancerListenersRequest.class,
        DeleteLoadBalancerListenersResponse.class,
        DeleteLoadBalancerRequest.class,
        DeleteLoadBalancerResponse.class,
        DescribeListenersRequest.class,
        DescribeListenersResponse.class,
        DescribeLoadBalancersRequest.class,
        DescribeLoadBalancersResponse.class,
        DescribeTaskStatusRequest.class,
        DescribeTaskStatusResponse.class,
        ExclusiveCluster.class,
        ExtraInfo.class,
        Filter.class,
        HealthCheck.class,
        InternetAccessible.class,
        LBChargePrepaid.class,
        Listener.class,
        LoadBalancer.class,
        OAuth.class,
        RewriteTarget.class,
        RuleOutput.class,
        SnatIp.class,
        TagInfo.class,
        TargetRegionInfo.class,
        ZoneInfo.class,
        FailedResource.class,
        Tag.class,
        TagResourcesRequest.class,
        TagResourcesResponse.class,
        UnTagResourcesRequest.class,
        UnTagResourcesResponse.class
}, classNames = {
        "com.tencentcloudapi.common.JsonResponseModel",
        "com.tencentcloudapi.common.JsonResponseErrModel",
        "com.tencentcloudapi.common.JsonResponseErrModel$ErrorInfo",
        "com.tencentcloudapi.common.AbstractClient$1",
        "com.tencentcloudapi.common.AbstractClient$3",
        "com.tencentcloudapi.common.AbstractClient$4"
})
public final class TencentSdkReflection {

    /** The actions clbguard calls (facts adapter and reconciler): their models are registered above. */
    public static final java.util.List<String> ACTIONS = java.util.List.of(
            "clb.v20180317.DescribeLoadBalancers", "clb.v20180317.DescribeListeners",
            "clb.v20180317.CreateLoadBalancer", "clb.v20180317.DeleteLoadBalancer",
            "clb.v20180317.DeleteLoadBalancerListeners", "clb.v20180317.DescribeTaskStatus",
            "tag.v20180813.TagResources", "tag.v20180813.UnTagResources");

    private TencentSdkReflection() {
    }
}
