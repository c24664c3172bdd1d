package dev.clbguard.emulator;

import java.util.List;
import java.util.Map;

import dev.clbguard.facts.CloudSettings;
import dev.clbguard.policy.clb.ClbInfo;
import io.quarkus.arc.profile.UnlessBuildProfile;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The emulator's state for tests and demos; absent from prod builds, 404 unless in emulator mode. */
@Path("/emulator/load-balancers")
@UnlessBuildProfile("prod")
public class EmulatorResource {

    @Inject
    CloudSettings cloud;

    @Inject
    Instance<ClbEmulator> emulator;

    public record State(List<Lb> loadBalancers, Map<String, Long> calls) {
    }

    public record Lb(String id, String name, String type, int forward, String vpcId, String subnetId, List<String> vips,
            Map<String, String> tags, List<dev.clbguard.policy.clb.ClbListener> listeners, int status) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public State state() {
        if (cloud.mode() != CloudSettings.Mode.EMULATOR) {
            throw new NotFoundException();
        }
        ClbEmulator e = emulator.get();
        Map<String, Integer> statuses = e.statuses();
        List<Lb> lbs = e.loadBalancers().stream().map((ClbInfo c) -> new Lb(c.id(), c.name(), c.type(), c.forward(),
                c.vpcId(), c.subnetId(), c.vips(), c.tags(), c.listeners(), statuses.getOrDefault(c.id(), 1))).toList();
        return new State(lbs, e.calls());
    }
}
