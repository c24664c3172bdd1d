package dev.clbguard.policy.clb;

import java.time.Instant;

/** One object holding a CLB in the claim etcd keeps for it: its claim, and when it last took or renewed it. */
public record Holder(Claim claim, Instant renewed) {
}
