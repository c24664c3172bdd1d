package dev.clbguard.admission;

import org.jboss.logging.Logger;

import dev.clbguard.policy.Phase;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
        long start = System.nanoTime();
        AdmissionHandler.Call call;
        try {
            call = handler.decode(body, Phase.MUTATE);
        } catch (RuntimeException e) {
            return failed(e, Phase.MUTATE, start);
        }
        return answer(call);
    }

    /**
     * Answered on the event loop like /mutate when no policy needs a CLB lookup; a lookup may wait (bounded by the
     * facts budget), so those calls move to a worker thread.
     */
    @POST
    @Path("validate")
    @NonBlocking
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> validate(byte[] body) {
        long start = System.nanoTime();
        AdmissionHandler.Call call;
        boolean blocking;
        try {
            call = handler.decode(body, Phase.VALIDATE);
            blocking = handler.needsLookup(call);
        } catch (RuntimeException e) {
            return Uni.createFrom().item(failed(e, Phase.VALIDATE, start));
        }
        if (!blocking) {
            return Uni.createFrom().item(answer(call));
        }
        return Uni.createFrom().item(() -> answer(call)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Response answer(AdmissionHandler.Call call) {
        try {
            return Response.ok(handler.answer(call), MediaType.APPLICATION_JSON).build();
        } catch (RuntimeException e) {
            return failed(e, call.phase(), call.startNanos());
        }
    }

    private Response failed(RuntimeException e, Phase phase, long start) {
        if (e instanceof BadAdmissionRequest) {
            LOG.debugf("bad %s request: %s", phase.name().toLowerCase(), e.getMessage());
            metrics.refused(phase, "malformed", start);
            return plain(Response.Status.BAD_REQUEST, e.getMessage());
        }
        LOG.error("internal error answering a " + phase.name().toLowerCase() + " request", e);
        metrics.refused(phase, "error", start);
        return plain(Response.Status.INTERNAL_SERVER_ERROR, "internal error in clbguard; see its log");
    }

    private static Response plain(Response.Status status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(message + "\n").build();
    }
}
