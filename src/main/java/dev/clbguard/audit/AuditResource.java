package dev.clbguard.audit;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** GET /audit/report: the findings of the last audit on this replica (the leader runs it). */
@Path("/audit/report")
public class AuditResource {

    @Inject
    AuditService audit;
    @Inject
    AuditSettings settings;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response report() {
        AuditReport r = audit.report();
        if (r != null) {
            return Response.ok(r).build();
        }
        String why = !settings.enabled() ? "the background audit is disabled (clbguard.audit.enabled=false)"
                : "no audit has completed on this replica: it runs on the leader, every " + settings.interval();
        return Response.status(503).entity(Map.of("message", why)).build();
    }
}
