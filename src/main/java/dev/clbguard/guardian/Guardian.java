package dev.clbguard.guardian;

import dev.clbguard.facts.SweptClb;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import dev.clbguard.facts.SweptClb;
import dev.clbguard.facts.ClbCloud;
import dev.clbguard.facts.CloudException;
import dev.clbguard.live.LiveIndex;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.tke.Meta;
import dev.clbguard.policy.tke.TkeTags;
import dev.clbguard.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One sweep at a time: list this cluster's CLBs by the {@code tke-clusterId} tag, judge them against the live
 * objects ({@link GuardianDecision}), report, and — only with repair on — fix what was found, each write checked
 * again against a fresh read just before it is made. Plain Java with an injected clock, so tests drive sweeps.
 *
 * <p>Interlocks: nothing is judged before both informers have synced; a uid is gone only after two
 * observations a grace period apart ({@link Sightings}); no repair while the live-object cache is empty; at
 * most {@code repairRate} cloud writes a minute; each repair is one idempotent call, re-checked first, so a
 * kill at any point leaves either the old state or the repaired one.
 */
public final class Guardian {

    private static final Logger LOG = Logger.getLogger(Guardian.class);

    public record Options(String clusterId, Duration grace, Duration convergeTimeout, boolean repair, int repairRate) {
    }

    private final ClbCloud cloud;
    private final LiveIndex index;
    private final KubernetesClient client;
    private final EventRecorder events;
    private final MeterRegistry registry;
    private final Options options;
    private final LongSupplier clock;
    private final Sightings sightings = new Sightings();
    private final RepairBudget budget;
    /** uid → what was said of a stuck object: its Event and its TKE Event are looked up once, not every sweep. */
    private final Map<String, String> stuckSaid = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile GuardianReport report;

    public Guardian(ClbCloud cloud, LiveIndex index, KubernetesClient client, MeterRegistry registry, Options options,
            LongSupplier clockMillis) {
        this.cloud = cloud;
        this.index = index;
        this.client = client;
        this.events = new EventRecorder(client);
        this.registry = registry;
        this.options = options;
        this.clock = clockMillis;
        this.budget = new RepairBudget(options.repairRate());
    }

    /** The last completed sweep, or null before the first. */
    public GuardianReport report() {
        return report;
    }

    public synchronized GuardianReport sweep() {
        long start = System.nanoTime();
        long now = clock.getAsLong();
        if (!index.synced()) {
            // An absent uid proves nothing before the first full list: no sightings, no findings.
            return publish(start, now, 0, "the Service and Ingress informers have not synced yet", List.of());
        }
        List<SweptClb> clbs = cloud.listByTag(TkeTags.CLUSTER_ID, options.clusterId());
        Live live = new Live(index);
        List<GuardianDecision.Finding> findings = GuardianDecision.sweep(options.clusterId(), clbs, live, sightings, now,
                options.grace());
        String held = !options.repair() ? null
                : index.size() == 0 ? "the live-object cache is empty: every owner would look gone" : null;
        List<GuardianReport.Item> items = new ArrayList<>();
        for (GuardianDecision.Finding f : findings) {
            String outcome = f.repair() == null ? "none" : !options.repair() ? "off" : held != null ? "held"
                    : repair(f.repair(), now);
            LOG.warnf("guardian: %s: %s (repair: %s)", f.kind().label, f.message(), outcome);
            items.add(new GuardianReport.Item(f.kind().label, f.clb().id(), f.clb().name(), f.clb().createTime(),
                    f.clb().vips(), null, f.message(), outcome));
        }
        items.addAll(notConverged(now, clbs));
        return publish(start, now, clbs.size(), held, items);
    }

    private GuardianReport publish(long start, long now, int swept, String held, List<GuardianReport.Item> items) {
        GuardianReport r = new GuardianReport(Instant.ofEpochMilli(now).toString(),
                (System.nanoTime() - start) / 1_000_000, swept, options.repair(), held, List.copyOf(items));
        report = r;
        if (held != null && swept == 0) {
            LOG.infof("guardian: sweep skipped: %s", held);
        }
        return r;
    }

    /** Checks the repair again against a fresh read, then makes it: one call, idempotent. */
    private String repair(GuardianDecision.Repair planned, long now) {
        String lbId = planned instanceof GuardianDecision.Repair.Untag u ? u.lbId()
                : ((GuardianDecision.Repair.Delete) planned).lbId();
        String kind = planned instanceof GuardianDecision.Repair.Untag ? "untag" : "delete";
        try {
            Optional<ClbInfo> fresh = cloud.describe(lbId);
            if (fresh.isEmpty()) {
                return count(kind, "gone");
            }
            ClbInfo c = fresh.get();
            SweptClb again = new SweptClb(c.id(), c.name(), null, c.vips(), c.tags());
            GuardianDecision.Finding now2 = GuardianDecision.judge(options.clusterId(), again, new Live(index), sightings,
                    now, options.grace(), new HashSet<>());
            if (now2 == null || !planned.equals(now2.repair())) {
                // An owner came back, or the tags changed since the listing: never act on the old picture.
                return count(kind, "changed");
            }
            if (!budget.tryAcquire(clock.getAsLong())) {
                return count(kind, "deferred");
            }
            if (planned instanceof GuardianDecision.Repair.Untag u) {
                cloud.untag(u.lbId(), u.keys());
            } else {
                cloud.delete(lbId);
            }
            LOG.infof("guardian: repaired CLB %s: %s", lbId,
                    planned instanceof GuardianDecision.Repair.Untag u ? "removed tags " + u.keys() : "deleted");
            return count(kind, "done");
        } catch (CloudException e) {
            LOG.warnf("guardian: repair of CLB %s failed in Tencent Cloud [%s]; next sweep tries again", lbId, e.code());
            return count(kind, "failed [" + e.code() + "]");
        }
    }

    private String count(String kind, String result) {
        Counter.builder("clbguard.guardian.repairs").description("Guardian repairs by kind and result")
                .tags("kind", kind, "result", result.startsWith("failed") ? "failed" : result).register(registry)
                .increment();
        return result;
    }

    /** Live CLB objects without their CLB id past the timeout: a finding and a Warning Event each. */
    private List<GuardianReport.Item> notConverged(long now, List<SweptClb> clbs) {
        List<GuardianReport.Item> out = new ArrayList<>();
        List<LiveIndex.Entry> stuck = index.all().stream()
                .filter(e -> Convergence.stuck(e.object(), now, options.convergeTimeout()))
                .sorted(Comparator.comparing(LiveIndex.Entry::describe)).toList();
        stuckSaid.keySet().retainAll(stuck.stream().map(LiveIndex.Entry::uid).toList());
        for (LiveIndex.Entry e : stuck) {
            // Said once per object (a Warning Event, one cloud read, one read of its Events), then reported as
            // it was: a sweep of a cluster at rest makes no API call for objects it already reported.
            String message = stuckSaid.computeIfAbsent(e.uid(), uid -> {
                String m = "guardian: " + e.describe() + " has no " + Convergence.idAnnotation(e.object()) + " "
                        + Duration.ofMillis(now - Instant.parse(e.object().getMetadata().getCreationTimestamp())
                                .toEpochMilli()).toMinutes()
                        + " min after creation; " + clbFacts(e.object()) + "; " + lastEvent(e.object());
                events.warning(e.object(), "NotConverged", m);
                return m;
            });
            out.add(new GuardianReport.Item(GuardianDecision.Kind.NOT_CONVERGED.label, Convergence.existingId(e.object()),
                    null, null, List.of(), e.describe(), message, "none"));
        }
        return out;
    }

    private String clbFacts(HasMetadata obj) {
        String id = Convergence.existingId(obj);
        if (id == null) {
            return "it names no existing CLB (one is to be created for it)";
        }
        try {
            Optional<ClbInfo> c = cloud.describe(id);
            if (c.isEmpty()) {
                return "the CLB it names, " + id + ", does not exist in this region";
            }
            return "the CLB it names, " + id + " (" + c.get().name() + "), has tags " + new java.util.TreeMap<>(c.get().tags())
                    + " and " + c.get().listeners().size() + " listener(s)";
        } catch (CloudException ex) {
            return "the CLB it names, " + id + ", could not be described [" + ex.code() + "]";
        }
    }

    /** The latest Event another controller (TKE's) recorded on the object, if any. */
    private String lastEvent(HasMetadata obj) {
        try {
            var m = obj.getMetadata();
            Optional<Event> last = client.v1().events().inNamespace(m.getNamespace()).list().getItems().stream()
                    .filter(ev -> ev.getInvolvedObject() != null && m.getUid().equals(ev.getInvolvedObject().getUid()))
                    .filter(ev -> ev.getSource() == null || !"clbguard".equals(ev.getSource().getComponent()))
                    .max(Comparator.comparing(ev -> String.valueOf(ev.getLastTimestamp())));
            return last.map(ev -> "TKE's last Event: " + ev.getReason() + ": " + ev.getMessage())
                    .orElse("no Event from TKE's controllers on it");
        } catch (KubernetesClientException ex) {
            return "its Events could not be read (" + ex.getCode() + ")";
        }
    }

    /** The live objects as the decision sees them: by uid, and by the CLB ids they name. */
    private static final class Live implements GuardianDecision.Live {
        private final LiveIndex index;
        private final Set<String> named = new HashSet<>();

        Live(LiveIndex index) {
            this.index = index;
            for (LiveIndex.Entry e : index.all()) {
                String existing = Convergence.existingId(e.object());
                if (existing != null) {
                    named.add(existing);
                }
                String recorded = Meta.annotation(e.object(), Convergence.idAnnotation(e.object()));
                if (recorded != null && !recorded.isBlank()) {
                    named.add(recorded.trim());
                }
            }
        }

        @Override
        public boolean alive(String uid) {
            return index.owner(uid).isPresent();
        }

        @Override
        public boolean names(String lbId) {
            return named.contains(lbId);
        }
    }
}
