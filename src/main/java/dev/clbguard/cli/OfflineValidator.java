package dev.clbguard.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.kube.KubeJson;
import dev.clbguard.facts.ClbDirectory;
import dev.clbguard.policy.ClusterProfile;
import dev.clbguard.policy.Decision;
import dev.clbguard.policy.FactsSource;
import dev.clbguard.policy.LookupFailure;
import dev.clbguard.policy.ObjectReview;
import dev.clbguard.policy.Operation;
import dev.clbguard.policy.Origin;
import dev.clbguard.policy.PolicyEngine;
import dev.clbguard.policy.PolicySet;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.clb.Claim;
import dev.clbguard.policy.clb.Claims;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbLookup;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Judges manifests as the API server would see them on {@code kubectl apply}: a CREATE that first passes the
 * mutating policies (their patches applied, their notes kept as warnings), then the validating ones with
 * {@link Origin#OFFLINE}. The CLB facts of all manifests are fetched in one batch before any is judged, so a
 * thousand manifests cost one round of cloud calls, not a thousand. The input is judged as one set: an object naming
 * a CLB that an earlier one names is judged against it, as admission judges it against live objects.
 */
public final class OfflineValidator {

    /** One verdict (a denial or a warning) about one manifest. */
    public record Finding(ManifestReader.Manifest manifest, Verdict verdict) {

        public Verdict.Effect effect() {
            return verdict.effect();
        }

        public String policy() {
            return verdict.policyId();
        }

        /** "Kind ns/name" as the policies saw it (after the mutating policies' changes). */
        public String describe() {
            return verdict.subject();
        }

        /** The whole line, as the webhook would have said it. */
        public String message() {
            return verdict.message();
        }

        /** What is wrong, for output that shows policy and object apart. */
        public String cause() {
            return verdict.detail();
        }
    }

    /** The --offline directory: every CLB is Unknown, so each CLB rule says it did not check. */
    public static final ClbDirectory NOT_CHECKED = (ids, budget) -> unknown(ids, "--offline: not checked");

    private final PolicySet policies;
    private final ClusterProfile profile;
    private final ClbDirectory directory;
    private final Duration budget;

    public OfflineValidator(PolicySet policies, ClusterProfile profile, ClbDirectory directory, Duration budget) {
        this.policies = policies;
        this.profile = profile;
        this.directory = directory;
        this.budget = budget;
    }

    public List<Finding> validate(List<ManifestReader.Manifest> manifests) {
        List<PolicyEngine.Plan> plans = new ArrayList<>(manifests.size());
        List<Decision> mutations = new ArrayList<>(manifests.size());
        List<HasMetadata> objects = new ArrayList<>(manifests.size());
        for (ManifestReader.Manifest m : manifests) {
            ObjectReview mutate = new ObjectReview(m.kind(), Operation.CREATE, m.object(), null, false, Origin.MUTATING_CALL);
            Decision d = PolicyEngine.evaluate(mutate, policies, profile, FactsSource.NONE);
            mutations.add(d);
            objects.add(patched(m.object(), d));
            plans.add(PolicyEngine.plan(new ObjectReview(m.kind(), Operation.CREATE, objects.get(objects.size() - 1), null,
                    false, Origin.MANIFEST), policies));
        }
        FactsSource fetched = prefetch(plans);
        // The input is one set, applied together: each object is judged against the CLBs the earlier ones name, as
        // TKE will tag the CLB for one of them and fail the other.
        Map<String, List<Claim>> earlier = new LinkedHashMap<>();
        Claims claims = id -> List.copyOf(earlier.getOrDefault(id, List.of()));
        FactsSource facts = ids -> fetched.fetch(ids).withClaims(claims);
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < manifests.size(); i++) {
            ManifestReader.Manifest m = manifests.get(i);
            add(out, m, mutations.get(i));
            add(out, m, PolicyEngine.evaluate(plans.get(i), profile, facts));
            Claim.of(objects.get(i), "at " + m.file() + ":" + m.line())
                    .ifPresent(c -> earlier.computeIfAbsent(c.clbId(), k -> new ArrayList<>()).add(c));
        }
        return out;
    }

    private static void add(List<Finding> out, ManifestReader.Manifest m, Decision d) {
        d.denials().forEach(v -> out.add(new Finding(m, v)));
        d.warnings().forEach(v -> out.add(new Finding(m, v)));
    }

    /** The object as the mutating webhook would leave it; the original when nothing applies. */
    private static HasMetadata patched(HasMetadata object, Decision d) {
        if (d.mutations().isEmpty() || !d.allowed()) {
            return object;
        }
        HasMetadata copy = KubeJson.mapper().convertValue(object, object.getClass());
        d.mutations().forEach(v -> v.mutation().accept(copy));
        return copy;
    }

    /** Looks up the CLBs of every plan at once, then serves each evaluation its share. */
    private FactsSource prefetch(List<PolicyEngine.Plan> plans) {
        Set<String> wanted = new LinkedHashSet<>();
        plans.forEach(p -> wanted.addAll(p.clbIds()));
        if (wanted.isEmpty()) {
            return FactsSource.NONE;
        }
        ClbFacts all = directory.lookup(wanted, budget);
        return ids -> {
            Map<String, ClbLookup> subset = new LinkedHashMap<>();
            ids.forEach(id -> subset.put(id, all.get(id)));
            return new ClbFacts(subset);
        };
    }

    /** Offline, a CLB rule has nothing to check: it says so in a warning, whatever its onLookupFailure says. */
    public static PolicySet warnWhenUnchecked(PolicySet set) {
        return new PolicySet(set.policies().stream().map(b -> new PolicySet.Bound(b.policy(),
                b.config().withLookupFailure(LookupFailure.ALLOW_WITH_WARNING))).toList());
    }

    static ClbFacts unknown(Set<String> ids, String reason) {
        Map<String, ClbLookup> out = new LinkedHashMap<>();
        ids.forEach(id -> out.put(id, new ClbLookup.Unknown(id, reason)));
        return new ClbFacts(out);
    }
}
