package dev.clbguard.admission;

import java.util.Locale;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The two webhook endpoints, as plain Vert.x routes: an admission call is one body in and one body out, so the
 * JAX-RS machinery around it cost more than judging the object did. Answered on the event loop unless a policy
 * needs a CLB lookup, which may wait (bounded by the facts budget) and so runs on a worker thread.
 * <p>
 * Only the paths of {@link Webhook} exist (any other is Vert.x's 404), and only for POST (405 otherwise). A body
 * that is not JSON answers 415 before it is read, errors in the envelope 400 with a plain message, bodies over
 * quarkus.http.limits.max-body-size 413; nothing ever answers with a stack trace, and only a fault of clbguard's
 * own is logged as an error. Every POST on these routes is counted by {@link AdmissionMetrics}, so they are left
 * out of Quarkus' generic HTTP server metrics (application.properties).
 */
@ApplicationScoped
public class AdmissionRoutes {

    private static final Logger LOG = Logger.getLogger(AdmissionRoutes.class);
    private static final String JSON = "application/json";
    private static final String PLAIN = "text/plain; charset=UTF-8";
    private static final String INTERNAL_ERROR = "internal error in clbguard; see its log\n";

    @Inject
    AdmissionHandler handler;
    @Inject
    AdmissionMetrics metrics;
    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "7M")
    MemorySize maxBody;

    void register(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBody.asLongValue());
        for (Webhook phase : Webhook.values()) {
            String path = "/" + phase.label();
            // Its own route, ahead of the next: Vert.x wants the body handler first on a route.
            router.post(path).handler(rc -> requireJson(rc, phase));
            router.post(path).handler(body).handler(rc -> serve(rc, phase)).failureHandler(rc -> failed(rc, phase));
            router.route(path).handler(rc -> methodNotAllowed(rc, path));
        }
    }

    /**
     * The API server always sends JSON. Anything else is refused before the body handler runs: it would parse a
     * form body into attributes (and fail on a large one) only for the answer to be "not an AdmissionReview".
     */
    private void requireJson(RoutingContext rc, Webhook phase) {
        String type = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (isJson(type)) {
            rc.next();
            return;
        }
        LOG.debugf("%s request with Content-Type %s refused", phase.label(), type);
        metrics.unread(phase, "malformed");
        send(rc, 415, PLAIN, Buffer.buffer("Content-Type must be application/json, not "
                + (type == null || type.isBlank() ? "missing" : "'" + clip(type) + "'")
                + " (curl: -H 'Content-Type: application/json')\n"));
    }

    /** application/json or a +json type, with any parameters (charset). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return media.equals(JSON) || media.startsWith("application/") && media.endsWith("+json");
    }

    private static String clip(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
    }

    private static void methodNotAllowed(RoutingContext rc, String path) {
        rc.response().putHeader(HttpHeaders.ALLOW, "POST");
        send(rc, 405, PLAIN, Buffer.buffer(rc.request().method().name() + " is not allowed on " + path
                + ": the admission webhook answers POST only\n"));
    }

    private void serve(RoutingContext rc, Webhook phase) {
        long start = System.nanoTime();
        Buffer buffer = rc.body().buffer();
        AdmissionHandler.Call call;
        boolean blocking;
        try {
            call = handler.decode(buffer == null ? new byte[0] : buffer.getBytes(), phase);
            blocking = handler.needsLookup(call);
        } catch (RuntimeException e) {
            refused(rc, e, phase, start);
            return;
        }
        if (!blocking) {
            answer(rc, call);
            return;
        }
        rc.vertx().executeBlocking(() -> handler.answer(call), false).onComplete(done -> {
            if (done.succeeded()) {
                send(rc, 200, JSON, Buffer.buffer(done.result()));
            } else if (done.cause() instanceof RuntimeException e) {
                refused(rc, e, phase, call.startNanos());
            } else {
                rc.fail(done.cause());
            }
        });
    }

    private void answer(RoutingContext rc, AdmissionHandler.Call call) {
        byte[] answer;
        try {
            answer = handler.answer(call);
        } catch (RuntimeException e) {
            refused(rc, e, call.webhook(), call.startNanos());
            return;
        }
        send(rc, 200, JSON, Buffer.buffer(answer));
    }

    private void refused(RoutingContext rc, RuntimeException e, Webhook phase, long start) {
        if (e instanceof BadAdmissionRequest) {
            LOG.debugf("bad %s request: %s", phase.label(), e.getMessage());
            metrics.refused(phase, "malformed", start);
            send(rc, 400, PLAIN, Buffer.buffer(e.getMessage() + "\n"));
            return;
        }
        LOG.error("internal error answering a " + phase.label() + " request", e);
        metrics.refused(phase, "error", start);
        send(rc, 500, PLAIN, Buffer.buffer(INTERNAL_ERROR));
    }

    /** Anything the routes did not answer themselves: an oversize body (413), or a failure outside the handler. */
    private void failed(RoutingContext rc, Webhook phase) {
        if (rc.response().ended()) {
            return;
        }
        if (rc.statusCode() == 413) {
            metrics.unread(phase, "too-large");
            send(rc, 413, PLAIN, Buffer.buffer("request body is larger than " + maxBody.asLongValue()
                    + " bytes (quarkus.http.limits.max-body-size)\n"));
            return;
        }
        int status = rc.statusCode() >= 400 && rc.statusCode() < 500 ? rc.statusCode() : 500;
        if (status == 500) {
            LOG.error("internal error answering a " + phase.label() + " request", rc.failure());
        } else {
            // The client's mistake (a body Vert.x could not read): worth a debug line, not an alarm.
            LOG.debugf("%s request could not be read (%d): %s", phase.label(), status, rc.failure());
        }
        metrics.unread(phase, status == 500 ? "error" : "malformed");
        send(rc, status, PLAIN, Buffer.buffer(status == 500 ? INTERNAL_ERROR : "the request could not be read\n"));
    }

    private static void send(RoutingContext rc, int status, String type, Buffer body) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        rc.response().setStatusCode(status).putHeader("content-type", type).end(body);
    }
}
