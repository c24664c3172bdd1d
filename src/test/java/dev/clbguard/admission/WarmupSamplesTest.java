package dev.clbguard.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.clbguard.kube.KubeJson;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.PolicyCatalog;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.PolicyFiles;
import dev.clbguard.policy.PolicySet;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policyfiles.PolicySources;

/** The warm-up's samples take the path a real call takes, reach the default policies and never need the cloud. */
class WarmupSamplesTest {

    private final AdmissionCodec codec = new AdmissionCodec(KubeJson.mapper());

    @Test
    void everySampleIsAnAdmissionReviewTheFastDecoderReads() throws IOException {
        List<Warmup.Sample> samples = Warmup.samples(KubeJson.mapper());
        Set<ResourceKind> kinds = EnumSet.noneOf(ResourceKind.class);
        Set<Operation> operations = EnumSet.noneOf(Operation.class);
        for (Warmup.Sample s : samples) {
            // The streaming pass is what calls take; a sample it cannot read would warm the slow path instead.
            assertNotNull(StreamedEnvelope.read(codec.mapper(), s.body(), AdmissionCodec::objectType),
                    new String(s.body()));
            IncomingReview in = codec.decode(s.body(), s.webhook());
            assertNull(in.undecodable(), in.undecodable());
            assertNotNull(in.review(), "a sample of a kind clbguard does not judge");
            kinds.add(in.review().kind());
            operations.add(in.review().operation());
        }
        assertEquals(EnumSet.allOf(ResourceKind.class), kinds);
        assertEquals(EnumSet.of(Operation.CREATE, Operation.UPDATE), operations);
        assertEquals(samples.size(), samples.stream().map(s -> new String(s.body())).distinct().count());
    }

    @Test
    void theSamplesRunEveryDefaultPolicyWithoutACloudLookup() throws IOException {
        PolicySet defaults = PolicyCatalog.bind(PolicyFiles.parse(PolicySources.read(Path.of("policies")),
                PolicyCatalog.byId(), Set.of("kube-system", "clbguard")).configs());
        Set<String> planned = new TreeSet<>();
        for (Warmup.Sample s : Warmup.samples(KubeJson.mapper())) {
            PolicyEngine.Plan plan = PolicyEngine.plan(codec.decode(s.body(), s.webhook()).review(), defaults);
            assertTrue(plan.clbIds().isEmpty(), "a sample names a CLB, so warming up would call the cloud: " + plan.clbIds());
            plan.steps().forEach(step -> planned.add(step.bound().policy().id()));
        }
        Set<String> all = defaults.policies().stream().map(b -> b.policy().id()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(all, planned);
    }
}
