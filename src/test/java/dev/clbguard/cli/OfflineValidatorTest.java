package dev.clbguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.clbguard.facts.ClbDirectory;
import dev.clbguard.facts.SeededClbDirectory;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Mode;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Policy;
import dev.clbguard.policy.PolicyConfig;
import dev.clbguard.policy.PolicyContext;
import dev.clbguard.policy.PolicySet;
import dev.clbguard.policy.ResourceKind;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.ClbLookup;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.TkeAnnotations;

/**
 * How CLB facts reach the policies offline: one batch for the whole run, seeded facts, and --offline's
 * "not checked". The CLB policies themselves are other engineers'; a small policy of the same shape stands in.
 */
class OfflineValidatorTest {

    static final ClusterProfile PROFILE = new ClusterProfile("cls-7k2m9q4p", "ap-guangzhou", "vpc-4f8q2w1e", false,
            null, "qcloud");

    /** Denies a Service naming a CLB that does not exist or still has listeners, like the existing-CLB rules. */
    static final class NamedClbIsFree implements Policy {
        @Override
        public String id() {
            return "test-named-clb";
        }

        @Override
        public Set<ResourceKind> kinds() {
            return Set.of(ResourceKind.SERVICE);
        }

        @Override
        public Set<String> clbIds(ObjectReview review, PolicyConfig config) {
            String id = Meta.annotation(review.object(), TkeAnnotations.SERVICE_EXISTED_LBID);
            return id == null ? Set.of() : Set.of(id);
        }

        @Override
        public List<Verdict> evaluate(ObjectReview review, PolicyContext ctx) {
            String id = Meta.annotation(review.object(), TkeAnnotations.SERVICE_EXISTED_LBID);
            if (id == null) {
                return List.of();
            }
            ClbLookup lookup = ctx.facts().get(id);
            if (lookup instanceof ClbLookup.Missing) {
                return List.of(Verdict.deny(id(), review, "names " + id
                        + ", which does not exist [E4011]; fix the id"));
            }
            if (lookup instanceof ClbLookup.Found f && !f.clb().listeners().isEmpty()) {
                return List.of(Verdict.deny(id(), review, "names " + id
                        + ", which has listeners; free it"));
            }
            return List.of();
        }
    }

    static final String MANIFESTS = """
            apiVersion: v1
            kind: Service
            metadata: {name: a, namespace: shop, annotations: {service.kubernetes.io/tke-existed-lbid: lb-free0001}}
            spec: {type: LoadBalancer, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: b, namespace: shop, annotations: {service.kubernetes.io/tke-existed-lbid: lb-busy0001}}
            spec: {type: LoadBalancer, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: c, namespace: shop, annotations: {service.kubernetes.io/tke-existed-lbid: lb-nothere1}}
            spec: {type: LoadBalancer, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: d, namespace: shop, annotations: {service.kubernetes.io/tke-existed-lbid: lb-busy0001}}
            spec: {type: LoadBalancer, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: e, namespace: shop}
            spec: {type: LoadBalancer, ports: [{port: 80}]}
            """;

    static List<ManifestReader.Manifest> manifests() {
        ManifestReader.Result r = new ManifestReader("default",
                new ByteArrayInputStream(MANIFESTS.getBytes(StandardCharsets.UTF_8))).read(List.of("-"));
        assertEquals(List.of(), r.errors());
        return r.manifests();
    }

    static PolicySet set(Mode mode) {
        return new PolicySet(List.of(new PolicySet.Bound(new NamedClbIsFree(), PolicyConfig.defaults("test-named-clb", mode))));
    }

    static List<String> lines(List<OfflineValidator.Finding> findings) {
        return findings.stream().map(Report::line).toList();
    }

    @Test
    void seededFactsAreFetchedInOneBatchForTheWholeRun() {
        SeededClbDirectory seed = SeededClbDirectory.read(Path.of("src/test/resources/cli/clb-state.yaml"));
        List<Set<String>> calls = new ArrayList<>();
        ClbDirectory counting = (ids, budget) -> {
            calls.add(Set.copyOf(ids));
            return seed.lookup(ids, budget);
        };
        List<OfflineValidator.Finding> findings = new OfflineValidator(set(Mode.ENFORCE), PROFILE, counting,
                Duration.ofSeconds(5)).validate(manifests());
        assertEquals(List.of(
                "DENY test-named-clb Service shop/b: names lb-busy0001, which has listeners; free it",
                "DENY test-named-clb Service shop/c: names lb-nothere1, which does not exist [E4011]; fix the id",
                "DENY test-named-clb Service shop/d: names lb-busy0001, which has listeners; free it"), lines(findings));
        assertEquals(List.of(Set.of("lb-free0001", "lb-busy0001", "lb-nothere1")), calls);
    }

    @Test
    void warnModeTurnsDenialsIntoWarnings() {
        List<OfflineValidator.Finding> findings = new OfflineValidator(set(Mode.WARN), PROFILE,
                SeededClbDirectory.read(Path.of("src/test/resources/cli/clb-state.yaml")), Duration.ofSeconds(5))
                .validate(manifests());
        assertEquals(3, findings.size());
        findings.forEach(f -> assertEquals(Verdict.Effect.WARN, f.effect()));
    }

    @Test
    void offlineReportsClbRulesAsNotCheckedEvenWhenThePolicyWouldDeny() {
        PolicySet strict = new PolicySet(List.of(new PolicySet.Bound(new NamedClbIsFree(),
                PolicyConfig.defaults("test-named-clb", Mode.ENFORCE).withLookupFailure(dev.clbguard.policy.LookupFailure.DENY))));
        List<OfflineValidator.Finding> findings = new OfflineValidator(OfflineValidator.warnWhenUnchecked(strict), PROFILE,
                OfflineValidator.NOT_CHECKED, Duration.ofSeconds(5)).validate(manifests());
        assertEquals(List.of(
                "WARN test-named-clb Service shop/a: CLB lb-free0001 could not be checked (--offline: not checked); admitted unchecked",
                "WARN test-named-clb Service shop/b: CLB lb-busy0001 could not be checked (--offline: not checked); admitted unchecked",
                "WARN test-named-clb Service shop/c: CLB lb-nothere1 could not be checked (--offline: not checked); admitted unchecked",
                "WARN test-named-clb Service shop/d: CLB lb-busy0001 could not be checked (--offline: not checked); admitted unchecked"),
                lines(findings));
    }

    @Test
    void aLookupThatFailsDeniesInEnforceModeSoCiDoesNotPassUnchecked() {
        ClbDirectory down = (ids, budget) -> OfflineValidator.unknown(ids, "RequestLimitExceeded");
        List<OfflineValidator.Finding> findings = new OfflineValidator(set(Mode.ENFORCE), PROFILE, down,
                Duration.ofSeconds(5)).validate(manifests());
        assertEquals(4, findings.size());
        assertEquals("DENY test-named-clb Service shop/a: CLB lb-free0001 could not be checked (RequestLimitExceeded);"
                + " retry shortly, or set onLookupFailure: allow-with-warning", Report.line(findings.get(0)));
    }

    @Test
    void noLookupWhenNoPolicyNeedsOne() {
        ClbDirectory never = (ids, budget) -> {
            throw new AssertionError("looked up " + ids);
        };
        List<ManifestReader.Manifest> plain = manifests().subList(4, 5);
        assertEquals(List.of(), new OfflineValidator(set(Mode.ENFORCE), PROFILE, never, Duration.ofSeconds(5)).validate(plain));
    }
}
