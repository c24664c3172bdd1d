package dev.clbguard.kube;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Holder;
import dev.clbguard.policy.clb.Owners;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;

/**
 * How a CLB's holders are kept in a {@code coordination.k8s.io/v1} Lease of clbguard's namespace: one Lease per CLB
 * ({@code clb-claim-<id>}, labelled {@value #LABEL}{@code =<id>} so the leader can watch them all), whose
 * resourceVersion makes every change of the CLB's holders one compare-and-swap. Every holder is kept (sharing
 * Services and grouped Ingresses hold one CLB together) in the annotation {@value #HOLDERS}, as JSON; the spec
 * says the same for {@code kubectl get lease}: the first holder, the last renewal, the claim window.
 * Built with Jackson's tree model, so the native image needs no reflection for it.
 */
public final class ClaimLease {

    /** Its value is the CLB id; present on every claim Lease and on no other. */
    public static final String LABEL = "clbguard.dev/claimed-clb";
    public static final String HOLDERS = "clbguard.dev/holders";
    private static final String PREFIX = "clb-claim-";

    private ClaimLease() {
    }

    /** CLB ids ({@code lb-} and 8 lowercase letters or digits) are valid object names already. */
    public static String name(String clbId) {
        return PREFIX + clbId;
    }

    /** The CLB a claim Lease is for. */
    public static String clbId(Lease lease) {
        return lease.getMetadata().getLabels().get(LABEL);
    }

    /** The Lease recording {@code holders} of {@code clbId}, carrying {@code resourceVersion} (null: a create). */
    public static Lease of(String namespace, String clbId, List<Holder> holders, Duration window, String resourceVersion) {
        Instant renewed = holders.stream().map(Holder::renewed).max(Instant::compareTo).orElse(Instant.EPOCH);
        String first = holders.isEmpty() ? "" : holders.get(0).claim().object().toString();
        return new LeaseBuilder().withNewMetadata().withName(name(clbId)).withNamespace(namespace)
                .withResourceVersion(resourceVersion).addToLabels(LABEL, clbId)
                .addToLabels("app.kubernetes.io/managed-by", "clbguard").addToAnnotations(HOLDERS, encode(holders))
                .endMetadata().withNewSpec()
                .withHolderIdentity(holders.size() > 1 ? first + " and " + (holders.size() - 1) + " more" : first)
                .withLeaseDurationSeconds((int) Math.max(1, (window.toMillis() + 999) / 1000))
                .withRenewTime(ZonedDateTime.ofInstant(renewed, ZoneOffset.UTC)).endSpec().build();
    }

    /**
     * The holders a Lease records. One whose list clbguard cannot read (edited by hand) throws: taking the CLB over
     * could admit a second object beside a holder it cannot see, so such a claim fails until the Lease is mended.
     */
    public static List<Holder> holders(Lease lease) {
        var annotations = lease.getMetadata().getAnnotations();
        String json = annotations == null ? null : annotations.get(HOLDERS);
        String clbId = clbId(lease);
        try {
            List<Holder> out = new ArrayList<>();
            for (JsonNode n : KubeJson.mapper().readTree(json)) {
                List<String> ports = new ArrayList<>();
                n.path("ports").forEach(p -> ports.add(p.asText()));
                Owners.Name object = new Owners.Name(n.path("kind").asText(), n.path("namespace").asText(), n.path("name").asText());
                out.add(new Holder(new Claim(object, n.path("uid").asText(null), clbId, n.path("shares").asBoolean(),
                        ports, ""), Instant.parse(n.path("renewed").asText())));
            }
            return out;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("Lease " + lease.getMetadata().getNamespace() + "/" + lease.getMetadata().getName()
                    + " has no holder list clbguard can read (annotation " + HOLDERS + "); delete it to free " + clbId);
        }
    }

    private static String encode(List<Holder> holders) {
        ArrayNode list = KubeJson.mapper().createArrayNode();
        for (Holder h : holders) {
            Claim c = h.claim();
            ObjectNode n = list.addObject().put("kind", c.object().kind()).put("namespace", c.object().namespace())
                    .put("name", c.object().name()).put("uid", c.uid()).put("shares", c.shares());
            c.ports().forEach(n.putArray("ports")::add);
            n.put("renewed", h.renewed().toString());
        }
        return list.toString();
    }
}
