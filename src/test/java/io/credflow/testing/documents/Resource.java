package io.credflow.testing.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON:API request document of one resource, built by name instead of by position: {@code
 * Resource.of("credential").id(id).attribute("name", "renamed").build()}. Attributes keep their
 * order; a {@code null} attribute is sent as JSON {@code null}. The typed builders ({@link
 * AuthClients}, {@link Credentials}, {@link Components}) make theirs with it.
 */
public final class Resource {
  private final String type;
  private String id;
  private final Map<String, Object> attributes = new LinkedHashMap<>();
  private final Map<String, JsonNode> relationships = new LinkedHashMap<>();

  private Resource(String type) {
    this.type = type;
  }

  /** A document of a resource of {@code type} ("tenant", "auth-client", ...). */
  public static Resource of(String type) {
    return new Resource(type);
  }

  /** The resource's id: a PATCH names the resource it changes. */
  public Resource id(String value) {
    id = value;
    return this;
  }

  public Resource attribute(String name, Object value) {
    attributes.put(name, value);
    return this;
  }

  public Resource attributes(Map<String, ?> values) {
    attributes.putAll(values);
    return this;
  }

  /** A to-one relationship {@code name} to the resource {@code type}/{@code id}. */
  public Resource relationship(String name, String relatedType, String relatedId) {
    relationships.put(name, rel(relatedType, relatedId));
    return this;
  }

  /** A to-many relationship {@code name} to resources of {@code type} (possibly none). */
  public Resource relationship(String name, String relatedType, List<String> relatedIds) {
    ObjectNode r = Api.JSON.createObjectNode();
    ArrayNode data = r.putArray("data");
    for (String related : relatedIds) {
      data.addObject().put("type", relatedType).put("id", related);
    }
    relationships.put(name, r);
    return this;
  }

  /** A relationship given as JSON, e.g. a malformed one. */
  public Resource relationship(String name, JsonNode value) {
    relationships.put(name, value);
    return this;
  }

  /**
   * {@code {"data": {"type", "id"?, "attributes", "relationships"?}}}: attributes always (maybe
   * empty), relationships only when there are any.
   */
  public ObjectNode build() {
    ObjectNode doc = Api.JSON.createObjectNode();
    ObjectNode data = doc.putObject("data");
    data.put("type", type);
    if (id != null) {
      data.put("id", id);
    }
    data.set("attributes", Api.JSON.valueToTree(attributes));
    if (!relationships.isEmpty()) {
      data.putObject("relationships").setAll(relationships);
    }
    return doc;
  }

  /** {@code {"data": {"type": type, "id": id}}}: the value of a to-one relationship. */
  public static ObjectNode rel(String type, String id) {
    ObjectNode r = Api.JSON.createObjectNode();
    r.putObject("data").put("type", type).put("id", id);
    return r;
  }
}
