package dev.clbguard.admission;

import org.jboss.logging.Logger;

import dev.clbguard.policy.Phase;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The two webhook endpoints. Errors in the envelope answer 400 with a plain message; nothing ever answers with
 * a stack trace. Bodies over the limit are refused with 413 by the HTTP layer (quarkus.http.limits.max-body-size).
 */
@Path("/")
public class AdmissionResource {

    private static final Logger LOG = Logger.getLogger(AdmissionResource.class);

    @Inject
    AdmissionHandler handler;
    @Inject
    AdmissionMetrics metrics;

    /** Pure CPU work: stays on the event loop. */
    @POST
    @Path("mutate")
    @NonBlocking
    @Consumes(MediaType.WILDCARD)
    public Response mutate(byte[] body) {
        return answer(body, Phase.MUTATE);
    }

    /** May wait for a CLB lookup (bounded by the facts budget): runs on a worker thread. */
    @POST
    @Path("validate")
    @Consumes(MediaType.WILDCARD)
    public Response validate(byte[] body) {
        return answer(body, Phase.VALIDATE);
    }

    private Response answer(byte[] body, Phase phase) {
        long start = System.nanoTime();
        try {
            return Response.ok(handler.handle(body, phase), MediaType.APPLICATION_JSON).build();
        } catch (BadAdmissionRequest e) {
            LOG.debugf("bad %s request: %s", phase.name().toLowerCase(), e.getMessage());
            metrics.refused(phase, "malformed", start);
            return plain(Response.Status.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("internal error answering a " + phase.name().toLowerCase() + " request", e);
            metrics.refused(phase, "error", start);
            return plain(Response.Status.INTERNAL_SERVER_ERROR, "internal error in clbguard; see its log");
        }
    }

    private static Response plain(Response.Status status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(message + "\n").build();
    }
}
