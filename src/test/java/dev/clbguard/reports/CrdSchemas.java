package dev.clbguard.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.clbguard.config.KubeJson;

/**
 * The report CRDs shipped in webhook-config/overlays/policy-reports, and validation of an object against a
 * CRD's openAPIV3Schema as the API server would apply it. The API server prunes fields a structural schema
 * does not name; here an unknown field is an error instead, so a misspelt or misplaced field fails the test
 * rather than vanishing silently in a cluster.
 */
final class CrdSchemas {

    static final Path DIR = Path.of("webhook-config/overlays/policy-reports");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Draft 4, which OpenAPI v3 schemas follow, knowing Kubernetes' x-kubernetes-* markers (no validation of their own). */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
            b -> b.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV4())
                    .keywords(List.of(new NonValidationKeyword("x-kubernetes-list-type"),
                            new NonValidationKeyword("x-kubernetes-map-type"),
                            new NonValidationKeyword("x-kubernetes-preserve-unknown-fields")))
                    .build()));

    private CrdSchemas() {
    }

    static Path file(ReportApi api, boolean cluster) {
        String plural = cluster ? api.clusterPlural : api.plural;
        return DIR.resolve(api.group + "_" + plural + ".yaml");
    }

    static JsonNode crd(ReportApi api, boolean cluster) {
        try {
            return YAML.readTree(Files.readString(file(api, cluster)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems of {@code object} against the CRD's schema; empty when it would be stored as written. */
    static Set<String> problems(ReportApi api, boolean cluster, Object object) {
        JsonNode crd = crd(api, cluster);
        JsonNode version = crd.path("spec").path("versions").get(0);
        if (!api.version.equals(version.path("name").asText())) {
            throw new AssertionError(file(api, cluster) + " serves " + version.path("name") + ", not " + api.version);
        }
        ObjectNode schema = version.path("schema").path("openAPIV3Schema").deepCopy();
        strict(schema);
        JsonSchema validator = FACTORY.getSchema(schema);
        JsonNode instance = object instanceof JsonNode n ? n : KubeJson.mapper().valueToTree(object);
        return validator.validate(instance).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }

    /** additionalProperties: false wherever a schema lists properties and keeps no unknown fields. */
    private static void strict(JsonNode schema) {
        if (!(schema instanceof ObjectNode o)) {
            return;
        }
        if (o.has("properties") && !o.has("additionalProperties")
                && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            o.put("additionalProperties", false);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("properties").fields(); it.hasNext();) {
            strict(it.next().getValue());
        }
        strict(o.get("items"));
        strict(o.get("additionalProperties"));
    }
}
