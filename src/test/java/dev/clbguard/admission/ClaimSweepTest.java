package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.clbguard.kube.ClaimLease;
import dev.clbguard.kube.ClaimLeases;
import dev.clbguard.testing.ApiServerProcess;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.Holder;
import dev.clbguard.policy.clb.Owners;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * The leader's release of claims, pass by pass, against fabric8's mock API server: a holder seen stored and then
 * gone at two passes is released before its window ends; one never seen stored is kept until its window ends; one
 * absence is not enough; a Lease left without holders is deleted; one an admission changed meanwhile is left for
 * the next pass.
 */
class ClaimSweepTest {

    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static KubernetesMockServer server;
    static KubernetesClient client;
    static int clbs;

    final ClaimLeases leases = new ClaimLeases(client, "clbguard", WINDOW);
    final ClaimSweep sweep = new ClaimSweep(leases, WINDOW);
    final String lb = String.format("lb-swp%05d", ++clbs);

    @BeforeAll
    static void start() {
        server = ApiServerProcess.inProcess();
        server.init();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(server.url("/")).build()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.destroy();
    }

    Claim claim(String name) {
        return new Claim(new Owners.Name("Service", "shop", name), name + "-uid", lb, true, List.of("80/TCP"), "");
    }

    /** What the live-object index shows naming the CLB. */
    Claims live(String... names) {
        return Claims.of(List.of(names).stream().map(this::claim).toList());
    }

    Lease stored() {
        return leases.read(lb).orElse(null);
    }

    List<String> holders() {
        Lease l = stored();
        return l == null ? List.of() : ClaimLease.holders(l).stream().map(h -> h.claim().object().name()).toList();
    }

    void pass(Claims live, Instant now) {
        Lease l = stored();
        sweep.pass(l == null ? List.of() : List.of(l), live, now);
    }

    @Test
    void aHolderSeenStoredAndThenGoneTwiceIsReleasedBeforeItsWindowEnds() {
        leases.create(lb, List.of(new Holder(claim("web"), T0)));
        pass(live("web"), T0.plusSeconds(1));
        pass(live(), T0.plusSeconds(2));
        assertEquals(List.of("web"), holders(), "one absence may be a missed event");
        pass(live(), T0.plusSeconds(3));
        assertEquals(null, stored(), "a Lease without holders is deleted");
    }

    @Test
    void aHolderNeverSeenStoredIsKeptUntilItsWindowEnds() {
        leases.create(lb, List.of(new Holder(claim("pending"), T0)));
        for (int s = 1; s <= 5; s++) {
            pass(live(), T0.plusSeconds(s));
        }
        assertEquals(List.of("pending"), holders(), "it may only not be stored yet");
        pass(live(), T0.plus(WINDOW).plusSeconds(1));
        assertEquals(null, stored());
    }

    @Test
    void releasingOneHolderKeepsTheOthersWithTheirTimes() {
        leases.create(lb, List.of(new Holder(claim("gone"), T0), new Holder(claim("stays"), T0)));
        pass(live("gone", "stays"), T0.plusSeconds(1));
        pass(live("stays"), T0.plusSeconds(2));
        pass(live("stays"), T0.plusSeconds(3));
        assertEquals(List.of(new Holder(claim("stays"), T0)), ClaimLease.holders(stored()));
    }

    @Test
    void aLeaseAnAdmissionChangedSinceItWasSeenIsLeftForTheNextPass() {
        leases.create(lb, List.of(new Holder(claim("gone"), T0)));
        pass(live("gone"), T0.plusSeconds(1));
        pass(live(), T0.plusSeconds(2));
        Lease seen = stored();
        // An admission renews another holder in between: the pass works from the Lease it saw and loses.
        leases.replace(seen, List.of(new Holder(claim("gone"), T0), new Holder(claim("new"), T0.plusSeconds(2))));
        sweep.pass(List.of(seen), live(), T0.plusSeconds(3));
        assertEquals(List.of("gone", "new"), holders(), "nothing written over the admission's change");
        pass(live(), T0.plusSeconds(4));
        assertEquals(List.of("new"), holders(), "released at the next pass, the new holder kept");
        assertTrue(ClaimLease.holders(stored()).get(0).renewed().equals(T0.plusSeconds(2)));
    }
}
