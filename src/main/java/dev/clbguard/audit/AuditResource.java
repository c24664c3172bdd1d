package dev.clbguard.audit;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.clbguard.guardian.GuardianReport;
import dev.clbguard.guardian.GuardianRuntime;

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

    @Inject
    GuardianRuntime guardian;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response report() {
        AuditReport r = audit.report();
        GuardianReport g = guardian.guardian() == null ? null : guardian.guardian().report();
        if (r != null || g != null) {
            // The audit's fields at the top level as before; the guardian's last sweep under "guardian".
            Map<String, Object> body = new LinkedHashMap<>();
            if (r != null) {
                body.put("completedAt", r.completedAt());
                body.put("durationMillis", r.durationMillis());
                body.put("objectsScanned", r.objectsScanned());
                body.put("violations", r.violations());
                body.put("findings", r.findings());
            }
            if (g != null) {
                body.put("guardian", g);
            }
            return Response.ok(body).build();
        }
        String why = !settings.enabled() ? "the background audit is disabled (clbguard.audit.enabled=false)"
                : "no audit has completed on this replica: it runs on the leader, every " + settings.interval();
        return Response.status(503).entity(Map.of("message", why)).build();
    }
}
