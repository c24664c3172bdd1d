package dev.clbguard.admission;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.clbguard.policy.Verdict;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.zjsonpatch.JsonDiff;

/**
 * Applies mutations to a copy of the object and diffs it with the original into an RFC 6902 patch. Both sides
 * go through the same model serialization, so the diff holds only what the mutations changed and its paths
 * exist in the request's own JSON.
 */
public final class Patches {

    private Patches() {
    }

    /** The JSON Patch bytes, or null when the mutations change nothing (idempotent reinvocation). */
    public static byte[] diff(ObjectMapper mapper, HasMetadata object, List<Verdict> mutations) {
        if (mutations.isEmpty()) {
            return null;
        }
        JsonNode before = mapper.valueToTree(object);
        HasMetadata copy;
        try {
            copy = mapper.treeToValue(before, object.getClass());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot copy " + object.getKind(), e);
        }
        for (Verdict v : mutations) {
            v.mutation().accept(copy);
        }
        JsonNode patch = JsonDiff.asJson(before, mapper.valueToTree(copy));
        if (patch.isEmpty()) {
            return null;
        }
        try {
            return mapper.writeValueAsBytes(patch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write patch", e);
        }
    }
}
