package dev.clbguard.emulator;

import io.quarkus.arc.profile.UnlessBuildProfile;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The in-process emulator's state for tests and demos; absent from prod builds, 404 unless one runs here. */
@Path(ClbEmulator.STATE_PATH)
@UnlessBuildProfile("prod")
public class EmulatorResource {

    @Inject
    EmulatorProducer wiring;
    @Inject
    Instance<ClbEmulator> emulator;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ClbEmulator.State state() {
        if (!wiring.inProcess()) {
            throw new NotFoundException();
        }
        return emulator.get().state();
    }
}
