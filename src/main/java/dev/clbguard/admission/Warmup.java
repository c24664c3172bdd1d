package dev.clbguard.admission;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.kube.KubeJson;
import dev.clbguard.policy.Operation;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Judges sample admissions (warmup/objects.json: Services and Ingresses of every shape the policies look at, none
 * naming an existing CLB) before the pod reports ready, through the same decode, plan, evaluate and encode as a
 * call. A fresh JVM otherwise pays for class loading, Jackson building its deserializers and interpreted code on
 * the API server's first calls after a rollout: ~300 ms for the first, tens of ms at p99 over the first minute.
 * It runs on its own thread while the rest of the server starts; nothing is logged or remembered, and the
 * metrics it records go to a registry of its own that is never exposed.
 */
@ApplicationScoped
public class Warmup {

    private static final Logger LOG = Logger.getLogger(Warmup.class);
    static final String SAMPLES = "warmup/objects.json";

    @Inject
    AdmissionHandler handler;
    @Inject
    WarmupSettings settings;

    /** What the warm-up did, once it has finished, failed or found itself off; null while it runs. */
    private volatile String outcome;

    /**
     * Started when the HTTP routes are built, not at StartupEvent: that comes once the rest of the start is done,
     * and the warm-up would then run alone instead of beside it.
     */
    void onRoutes(@Observes Router router) {
        if (settings.rehearsals() <= 0) {
            finish("off (clbguard.warmup.rehearsals=0)");
            return;
        }
        Thread t = new Thread(this::run, "clbguard-warmup");
        t.setDaemon(true);
        t.start();
    }

    /** True once the warm-up has finished, failed or is off: it never keeps the pod unready for good. */
    public boolean done() {
        return outcome != null;
    }

    /** For the readiness data: what the warm-up did. */
    public String state() {
        String o = outcome;
        return o == null ? "running" : o;
    }

    void run() {
        long start = System.nanoTime();
        long deadline = start + settings.maxTime().toNanos();
        int judged = 0;
        try {
            List<Sample> samples = samples(KubeJson.mapper());
            AdmissionMetrics scratch = AdmissionMetrics.scratch(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            while (judged < settings.rehearsals() && System.nanoTime() < deadline) {
                Sample s = samples.get(judged % samples.size());
                if (!handler.rehearse(s.body(), s.webhook(), scratch)) {
                    throw new IllegalStateException(SAMPLES + " holds a sample that needs a CLB lookup");
                }
                judged++;
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            LOG.debugf("warm-up: %d sample admissions judged in %d ms", judged, ms);
            finish(judged + " sample admissions in " + ms + " ms");
        } catch (IOException | RuntimeException e) {
            // Only speed is lost: the calls themselves will load what the warm-up did not.
            LOG.warn("warm-up stopped after " + judged + " sample admissions; the first calls will be slower: " + e);
            finish("stopped after " + judged + ": " + e.getMessage());
        }
    }

    private void finish(String what) {
        outcome = what;
    }

    record Sample(Webhook webhook, byte[] body) {
    }

    /** Each sample object as a CREATE and as an UPDATE of itself, to each webhook, as kube-apiserver sends them. */
    static List<Sample> samples(ObjectMapper mapper) throws IOException {
        JsonNode objects;
        try (InputStream in = Warmup.class.getClassLoader().getResourceAsStream(SAMPLES)) {
            if (in == null) {
                throw new IOException(SAMPLES + " is missing from the application");
            }
            objects = mapper.readTree(in);
        }
        List<Sample> samples = new ArrayList<>();
        int n = 0;
        for (JsonNode object : objects) {
            for (Operation op : List.of(Operation.CREATE, Operation.UPDATE)) {
                for (Webhook webhook : Webhook.values()) {
                    samples.add(new Sample(webhook, mapper.writeValueAsBytes(review(mapper, object, op, ++n))));
                }
            }
        }
        return samples;
    }

    private static ObjectNode review(ObjectMapper mapper, JsonNode object, Operation op, int n) {
        String apiVersion = object.path("apiVersion").asText();
        int slash = apiVersion.indexOf('/');
        ObjectNode review = mapper.createObjectNode().put("apiVersion", AdmissionCodec.API_VERSION).put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "warmup-" + n);
        request.putObject("kind").put("group", slash < 0 ? "" : apiVersion.substring(0, slash))
                .put("version", apiVersion.substring(slash + 1)).put("kind", object.path("kind").asText());
        request.put("name", object.path("metadata").path("name").asText())
                .put("namespace", object.path("metadata").path("namespace").asText())
                .put("operation", op.name());
        request.putObject("userInfo").put("username", "system:serviceaccount:clbguard:warmup");
        request.set("object", object);
        request.set("oldObject", op == Operation.UPDATE ? object : null);
        request.put("dryRun", false);
        return review;
    }
}
