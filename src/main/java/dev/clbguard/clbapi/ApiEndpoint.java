package dev.clbguard.clbapi;

/**
 * A CLB API server other than Tencent Cloud's, for builds that are not prod: plain HTTP on {@code host} (host:port,
 * for both the CLB and the Tag API), signed with this key pair. Whoever runs such a server produces this bean;
 * the SDK adapter's wiring only asks whether one exists.
 */
public record ApiEndpoint(String host, String secretId, String secretKey) {
}
