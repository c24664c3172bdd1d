package dev.clbguard.policy.rules;

import static dev.clbguard.policy.PolicyTestKit.create;
import static dev.clbguard.policy.PolicyTestKit.lbService;
import static dev.clbguard.policy.PolicyTestKit.run;
import static dev.clbguard.policy.PolicyTestKit.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.clbguard.policy.Origin;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.tke.Ownership;
import dev.clbguard.policy.tke.TkeAnnotations;
import io.fabric8.kubernetes.api.model.Service;

class ServiceSkipModeTest {

    private final ServiceSkipModeDefault mutate = new ServiceSkipModeDefault();
    private final ServiceSkipModeRequired validate = new ServiceSkipModeRequired();

    static Service mine(String... kv) {
        Service svc = lbService("api", kv);
        svc.getSpec().setLoadBalancerClass(Ownership.LOAD_BALANCER_CLASS);
        return svc;
    }

    @Test
    void mutateSetsSkipOnceOnAClbguardServiceAtCreate() {
        assertTrue(mutate.mutating());
        Service svc = mine();
        List<Verdict> vs = run(mutate, create(svc, Origin.MUTATING_CALL));
        assertEquals(1, vs.size());
        // The warning kubectl prints says what was done, not what the user should do.
        assertEquals("service-skip-mode-default: Service shop/api is of class clbguard.dev/clb, so clbguard set"
                + " service.cloud.tencent.com/mode=skip: TKE's service-controller leaves its CLB to clbguard",
                vs.get(0).message());
        vs.get(0).mutation().accept(svc);
        assertEquals("skip", svc.getMetadata().getAnnotations().get(TkeAnnotations.SERVICE_MODE));
        assertEquals(List.of(), run(mutate, create(svc, Origin.MUTATING_CALL)), "idempotent");
    }

    @Test
    void mutateLeavesOtherServicesAndUserValuesAlone() {
        assertEquals(List.of(), run(mutate, create(lbService("api"), Origin.MUTATING_CALL)), "TKE's Service");
        Service other = lbService("api");
        other.getSpec().setLoadBalancerClass("example.com/other");
        assertEquals(List.of(), run(mutate, create(other, Origin.MUTATING_CALL)));
        assertEquals(List.of(), run(mutate, create(mine(TkeAnnotations.SERVICE_MODE, "normal"), Origin.MUTATING_CALL)),
                "a user value is the validating policy's to judge");
    }

    @Test
    void validateDeniesAnotherModeAlways() {
        var vs = run(validate, create(mine(TkeAnnotations.SERVICE_MODE, "normal"), Origin.VALIDATING_CALL));
        assertEquals(Verdict.Effect.DENY, vs.get(0).effect());
        assertTrue(vs.get(0).message().contains("Service shop/api has service.cloud.tencent.com/mode='normal'"),
                vs.get(0).message());
        assertEquals(Verdict.Effect.DENY, run(validate, update(mine(TkeAnnotations.SERVICE_MODE, "skip"),
                mine(TkeAnnotations.SERVICE_MODE, "normal"))).get(0).effect());
    }

    @Test
    void validateDeniesAMissingModeAtCreateOrWhenRemovedAndWarnsOnAnOlderService() {
        assertEquals(Verdict.Effect.DENY, run(validate, create(mine(), Origin.VALIDATING_CALL)).get(0).effect());
        assertEquals(Verdict.Effect.DENY, run(validate, update(mine(TkeAnnotations.SERVICE_MODE, "skip"), mine()))
                .get(0).effect());
        assertEquals(Verdict.Effect.WARN, run(validate, update(mine(), mine())).get(0).effect());
        assertEquals(List.of(), run(validate, create(mine(TkeAnnotations.SERVICE_MODE, "skip"), Origin.VALIDATING_CALL)));
        assertEquals(List.of(), run(validate, create(lbService("api"), Origin.VALIDATING_CALL)));
    }
}
