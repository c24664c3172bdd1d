package dev.clbguard.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Holder;
import dev.clbguard.policy.clb.Owners;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/** A CLB's holders written into its claim Lease and read back, and what a reader refuses. */
class ClaimLeaseTest {

    private static final String LB = "lb-0g3v8r2m";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.125Z");

    @Test
    void everyHolderRoundTripsWithWhatSharingNeeds() {
        List<Holder> holders = List.of(
                new Holder(new Claim(new Owners.Name("Service", "shop", "https"), "uid-1", LB, true, List.of("443/TCP"), ""), T0),
                new Holder(new Claim(new Owners.Name("Service", "shop", "dns"), "uid-2", LB, true, List.of("53/UDP", "53/TCP"), ""),
                        T0.plusSeconds(3)));
        Lease lease = ClaimLease.of("clbguard", LB, holders, Duration.ofSeconds(60), "42");
        assertEquals("clb-claim-" + LB, lease.getMetadata().getName());
        assertEquals(LB, lease.getMetadata().getLabels().get(ClaimLease.LABEL));
        assertEquals("42", lease.getMetadata().getResourceVersion());
        assertEquals("Service shop/https and 1 more", lease.getSpec().getHolderIdentity());
        assertEquals(60, lease.getSpec().getLeaseDurationSeconds());
        assertEquals(T0.plusSeconds(3), lease.getSpec().getRenewTime().toInstant(), "the last renewal");
        assertEquals(holders, ClaimLease.holders(lease));
    }

    @Test
    void aWindowOfPartSecondsIsRoundedUp() {
        assertEquals(3, ClaimLease.of("clbguard", LB, List.of(), Duration.ofMillis(2500), null).getSpec().getLeaseDurationSeconds());
    }

    @Test
    void aHolderListClbguardCannotReadIsRefusedNamingTheLease() {
        Lease lease = ClaimLease.of("clbguard", LB, List.of(), Duration.ofSeconds(60), null);
        lease.getMetadata().getAnnotations().put(ClaimLease.HOLDERS, "[{\"kind\":\"Service\"}]");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClaimLease.holders(lease));
        assertTrue(e.getMessage().contains("clbguard/clb-claim-" + LB) && e.getMessage().contains("delete it to free " + LB),
                e.getMessage());
        lease.getMetadata().getAnnotations().remove(ClaimLease.HOLDERS);
        assertThrows(IllegalStateException.class, () -> ClaimLease.holders(lease));
    }
}
