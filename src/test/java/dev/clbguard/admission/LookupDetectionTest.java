package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.clbguard.kube.KubeJson;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Mode;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyCatalog;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.PolicySet;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.TkeAnnotations;

/**
 * /validate answers on the event loop when {@link PolicyEngine#clbIds} predicts no lookup: the prediction must be
 * exactly what the engine then fetches, or a lookup would block the event loop (or be skipped).
 */
class LookupDetectionTest {

    private static final ClusterProfile PROFILE = new ClusterProfile("cls-7k2m9q4p", "ap-guangzhou", "vpc-4f8q2w1e",
            true, "100012345678", "qcloud");

    /** Stands for the existing-CLB policies: declares the CLB a Service or Ingress names. */
    private static final Policy PROBE = new Policy() {
        @Override
        public String id() {
            return "probe-existing-clb";
        }

        @Override
        public Set<ResourceKind> kinds() {
            return Set.of(ResourceKind.SERVICE, ResourceKind.INGRESS);
        }

        @Override
        public Set<String> clbIds(ObjectReview review, PolicyConfig config) {
            String id = Meta.annotation(review.object(), review.kind() == ResourceKind.SERVICE
                    ? TkeAnnotations.SERVICE_EXISTED_LBID : TkeAnnotations.INGRESS_EXIST_LBID);
            return id == null ? Set.of() : Set.of(id);
        }

        @Override
        public List<Verdict> evaluate(ObjectReview review, PolicyContext context) {
            return List.of();
        }
    };

    static Stream<Path> fixtures() {
        return Fixtures.all().stream();
    }

    private static PolicySet withProbe() {
        List<PolicySet.Bound> bound = new ArrayList<>(defaults().policies());
        bound.add(new PolicySet.Bound(PROBE, PolicyConfig.defaults(PROBE.id(), Mode.ENFORCE)));
        return new PolicySet(bound);
    }

    private static PolicySet defaults() {
        return PolicyCatalog.bind(PolicyCatalog.byId().keySet().stream().map(id -> PolicyConfig.defaults(id, Mode.ENFORCE)).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void predictedIdsAreTheIdsTheEngineFetches(Path fixture) {
        AdmissionCodec codec = new AdmissionCodec(KubeJson.mapper());
        for (PolicySet set : List.of(defaults(), withProbe())) {
            for (Webhook phase : new Webhook[] { Webhook.VALIDATE, Webhook.MUTATE }) {
                ObjectReview review = codec.decode(Fixtures.read(fixture).getBytes(), phase).review();
                if (review == null) {
                    continue;
                }
                AtomicReference<Set<String>> fetched = new AtomicReference<>(Set.of());
                PolicyEngine.evaluate(review, set, PROFILE, ids -> {
                    fetched.set(Set.copyOf(ids));
                    return ClbFacts.NONE;
                });
                assertEquals(fetched.get(), Set.copyOf(PolicyEngine.plan(review, set).clbIds()), fixture.getFileName() + " " + phase);
            }
        }
    }

    @Test
    void probeDoesSeeTheExistingClbFixtures() {
        // Guards the test above against comparing empty sets only: 016 names an existing CLB.
        ObjectReview review = new AdmissionCodec(KubeJson.mapper()).decode(Fixtures.body("016").getBytes(), Webhook.VALIDATE).review();
        assertTrue(!PolicyEngine.plan(review, withProbe()).clbIds().isEmpty());
        // Being deleted: nothing is judged, so nothing is looked up.
        review.object().getMetadata().setDeletionTimestamp("2026-11-23T09:00:00Z");
        assertTrue(PolicyEngine.plan(review, withProbe()).clbIds().isEmpty());
    }
}
