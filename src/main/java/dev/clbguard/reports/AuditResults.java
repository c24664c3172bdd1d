package dev.clbguard.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.clbguard.policy.Decision;
import dev.clbguard.policy.Verdict;
import dev.clbguard.policy.tke.MessageCodes;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** The background audit's decision about one object, as one result per policy that ran (passes included). */
public final class AuditResults {

    private AuditResults() {
    }

    public static List<ObjectResult> of(HasMetadata obj, Decision d) {
        Map<String, List<String>> messages = new LinkedHashMap<>();
        List<Verdict> verdicts = new ArrayList<>(d.denials());
        verdicts.addAll(d.warnings());
        for (Verdict v : verdicts) {
            messages.computeIfAbsent(v.policyId(), k -> new ArrayList<>()).add(v.message());
        }
        var m = obj.getMetadata();
        List<ObjectResult> out = new ArrayList<>(d.outcomes().size());
        d.outcomes().forEach((policy, outcome) -> {
            String message = messages.containsKey(policy) ? String.join("; ", messages.get(policy)) : null;
            out.add(new ObjectResult(obj.getApiVersion(), obj.getKind(), m.getNamespace(), m.getName(), m.getUid(),
                    policy, outcome(outcome), message, MessageCodes.of(message).orElse(null)));
        });
        return out;
    }

    static Outcome outcome(Decision.Outcome o) {
        return switch (o) {
            case ALLOWED, PATCHED -> Outcome.PASS;
            case WARNED -> Outcome.WARN;
            case DENIED -> Outcome.FAIL;
            case ERROR -> Outcome.ERROR;
        };
    }
}
