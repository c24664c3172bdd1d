package dev.clbguard.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;

import dev.clbguard.kube.LocatedDocuments;
import dev.clbguard.policy.ResourceKind;

/**
 * What kube-apiserver would refuse in one Service or Ingress before any webhook runs (JSON types, unknown fields,
 * {@link StrictDecoding}) or in its own validation (enumerated values, {@link SupportedValues}): each an input error
 * at the field's line, in the API server's words. The API server stops at decoding; both are reported here so that
 * one run shows everything to fix.
 */
final class ApiServerRefusals {

    private ApiServerRefusals() {
    }

    /** The refusals of the object at {@code pointer} of {@code doc}, in line order; empty when the API server takes it. */
    static List<ManifestReader.InputError> of(String file, LocatedDocuments.Document doc, String pointer, String where,
            ResourceKind kind, JsonNode node, Class<?> type, String defaultNamespace) {
        List<StrictDecoding.Refusal> refusals = new ArrayList<>(StrictDecoding.check(node, type));
        refusals.addAll(SupportedValues.check(kind, node));
        refusals.sort(Comparator.comparing((StrictDecoding.Refusal r) -> doc.at(pointer + r.pointer()).getLineNr())
                .thenComparing(r -> doc.at(pointer + r.pointer()).getColumnNr()));
        String subject = where + kind.kind() + " " + identity(node, defaultNamespace) + " ";
        List<ManifestReader.InputError> out = new ArrayList<>();
        for (StrictDecoding.Refusal r : refusals) {
            JsonLocation at = doc.at(pointer + r.pointer());
            out.add(new ManifestReader.InputError(file, at.getLineNr(), at.getColumnNr(), subject + r.path()
                    + ": the API server would refuse this: " + r.message() + fix(doc.written(pointer + r.pointer()), r)));
        }
        return out;
    }

    /** A boolean or number where a string belongs: quote it, as written (YAML reads True, 5000 and 0x50 as such). */
    private static String fix(String written, StrictDecoding.Refusal r) {
        return written != null && r.message().endsWith(" of type string") ? "; quote the value: \"" + written + "\"" : "";
    }

    /** "shop/web" from the tree, before the model is read; "(no name)" when it has none. */
    private static String identity(JsonNode node, String defaultNamespace) {
        JsonNode meta = node.path("metadata");
        String ns = meta.path("namespace").isTextual() && !meta.path("namespace").asText().isBlank()
                ? meta.path("namespace").asText() : defaultNamespace;
        String name = meta.path("name").isTextual() ? meta.path("name").asText()
                : meta.path("generateName").isTextual() ? meta.path("generateName").asText() + "…" : "(no name)";
        return ns + "/" + name;
    }
}
