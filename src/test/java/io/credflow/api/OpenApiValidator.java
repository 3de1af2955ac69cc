package io.credflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.credflow.testing.Api;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks JSON against the schemas of an OpenAPI 3.1 description with a JSON Schema 2020-12
 * validator (OpenAPI 3.1's schemas are JSON Schema 2020-12). A schema is checked as the root of a
 * document that also holds the description's {@code components}, so that its {@code
 * #/components/schemas/…} references resolve as they do in the description.
 */
final class OpenApiValidator {
  private static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private final JsonNode description;
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  OpenApiValidator(JsonNode description) {
    this.description = description;
  }

  /** What is wrong with {@code instance} under {@code schema}; empty when it is valid. */
  List<String> problems(JsonNode schema, JsonNode instance) {
    if (schema.isMissingNode()) {
      return List.of("no schema is documented");
    }
    Schema compiled = schemas.computeIfAbsent(schema.toString(), s -> compile(schema));
    return compiled.validate(instance.toString(), InputFormat.JSON).stream()
        .map(Object::toString)
        .toList();
  }

  /** The response object {@code response} names, following a {@code $ref}. */
  JsonNode response(JsonNode response) {
    String ref = response.path("$ref").asText("");
    return ref.startsWith("#/") ? description.at(ref.substring(1)) : response;
  }

  private Schema compile(JsonNode schema) {
    ObjectNode root = Api.JSON.createObjectNode();
    root.put("$schema", DIALECT);
    root.setAll((ObjectNode) schema.deepCopy());
    root.set("components", description.path("components"));
    return registry.getSchema(root.toString(), InputFormat.JSON);
  }
}
