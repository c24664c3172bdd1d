package dev.clbguard.facts;

import java.util.Map;

import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.provider.OIDCRoleArnProvider;

import dev.clbguard.launch.StartupRefusal;

/**
 * Credentials from the environment only, never from settings or the SDK's default chain (which probes the CVM
 * metadata host without a timeout): a key pair, or TKE workload identity (OIDC role).
 */
public final class CloudCredentials {

    static final String SECRET_ID = "TENCENTCLOUD_SECRET_ID";
    static final String SECRET_KEY = "TENCENTCLOUD_SECRET_KEY";
    static final String SESSION_TOKEN = "TENCENTCLOUD_SESSION_TOKEN";
    static final String[] WORKLOAD_IDENTITY = {"TKE_ROLE_ARN", "TKE_WEB_IDENTITY_TOKEN_FILE", "TKE_PROVIDER_ID", "TKE_REGION"};

    private CloudCredentials() {
    }

    /** Throws {@link StartupRefusal} naming the variables when there are none. */
    public static Credential fromEnvironment(Map<String, String> env) {
        String id = env.get(SECRET_ID);
        String key = env.get(SECRET_KEY);
        if (present(id) && present(key)) {
            String token = env.get(SESSION_TOKEN);
            return present(token) ? new Credential(id, key, token) : new Credential(id, key);
        }
        boolean identity = true;
        for (String name : WORKLOAD_IDENTITY) {
            identity &= present(env.get(name));
        }
        if (identity) {
            try {
                // reads the same TKE_* variables; refreshes the temporary key before it expires
                return new OIDCRoleArnProvider().getCredentials();
            } catch (TencentCloudSDKException e) {
                throw new StartupRefusal("TKE workload identity (" + String.join(", ", WORKLOAD_IDENTITY) + ") could not be"
                        + " exchanged for credentials [" + e.getErrorCode() + "]: check the role the ServiceAccount's"
                        + " annotation names and its trust policy (docs/install.md)");
            }
        }
        throw new StartupRefusal("no Tencent Cloud credentials: set " + SECRET_ID + " and " + SECRET_KEY
                + ", or TKE workload identity (" + String.join(", ", WORKLOAD_IDENTITY) + ")");
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
