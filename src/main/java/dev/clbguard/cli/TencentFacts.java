package dev.clbguard.cli;

import dev.clbguard.facts.ClbDirectory;
import dev.clbguard.policy.ClusterProfile;

/** CLB facts from the real Tencent Cloud API, with credentials from the environment (tke-rules.md §6). */
final class TencentFacts {

    static final String SECRET_ID = "TENCENTCLOUD_SECRET_ID";
    static final String SECRET_KEY = "TENCENTCLOUD_SECRET_KEY";

    private TencentFacts() {
    }

    static ClbDirectory directory(Settings settings, ClusterProfile profile) {
        if (settings.env(SECRET_ID) == null || settings.env(SECRET_KEY) == null) {
            throw new UsageException("no CLB facts: set " + SECRET_ID + " and " + SECRET_KEY
                    + " to ask the Tencent Cloud API, or pass --clb-state FILE or --offline");
        }
        // The SDK adapter lives in dev.clbguard.facts (branch facts); until it is merged there is nothing to call.
        throw new UsageException("this build has no Tencent Cloud API adapter yet; pass --clb-state FILE or --offline");
    }
}
