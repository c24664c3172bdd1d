package dev.clbguard.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.clbguard.policy.rules.ClbAnnotations;
import dev.clbguard.policy.rules.ClbTransitions;
import dev.clbguard.policy.rules.ElasticServiceTypes;
import dev.clbguard.policy.rules.IngressClassDefault;
import dev.clbguard.policy.rules.IngressExistingClb;
import dev.clbguard.policy.rules.ServiceExistingClb;
import dev.clbguard.policy.rules.ServiceSkipModeDefault;
import dev.clbguard.policy.rules.ServiceSkipModeRequired;

/** Every policy clbguard implements; {@code policies/*.yaml} chooses which run and how. */
public final class PolicyCatalog {

    private static final List<Policy> ALL = List.of(
            new ElasticServiceTypes(),
            new IngressClassDefault(),
            new ServiceSkipModeDefault(),
            new ServiceSkipModeRequired(),
            new ClbAnnotations(),
            new ClbTransitions(),
            new ServiceExistingClb(),
            new IngressExistingClb());

    private PolicyCatalog() {
    }

    public static Map<String, Policy> byId() {
        Map<String, Policy> m = new LinkedHashMap<>();
        for (Policy p : ALL) {
            m.put(p.id(), p);
        }
        return m;
    }

    /** Binds parsed configs to their implementations, in catalog order; policies no file mentions do not run. */
    public static PolicySet bind(List<PolicyConfig> configs) {
        Map<String, PolicyConfig> byId = new LinkedHashMap<>();
        for (PolicyConfig c : configs) {
            byId.put(c.id(), c);
        }
        return new PolicySet(ALL.stream().filter(p -> byId.containsKey(p.id()))
                .map(p -> new PolicySet.Bound(p, byId.get(p.id()))).toList());
    }
}
