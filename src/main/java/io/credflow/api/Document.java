package io.credflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.common.Ids;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON:API request document with one resource object in {@code data}. Checks the document's
 * shape, its type, and that it has no member the endpoint does not know, naming each member to fix.
 */
final class Document {
  private static final Set<String> TOP_MEMBERS = Set.of("data", "meta", "jsonapi");
  private static final Set<String> DATA_MEMBERS =
      Set.of("type", "id", "lid", "attributes", "relationships", "meta");

  private final JsonNode data;
  private final JsonNode attributes;
  private final JsonNode relationships;

  private Document(JsonNode data) {
    this.data = data;
    this.attributes = data.path("attributes");
    this.relationships = data.path("relationships");
  }

  /**
   * Reads the body of {@code ctx} as a document of {@code type}, allowing only {@code
   * allowedAttributes} and {@code allowedRelationships}.
   */
  static Document read(
      Context ctx, String type, Set<String> allowedAttributes, Set<String> allowedRelationships) {
    Pointers.remember(ctx, allowedRelationships);
    JsonNode root = JsonApi.readBody(ctx);
    if (!root.isObject()) {
      throw ApiException.atPointer(
          400, "invalid_document", "the body must be a JSON:API document object", "");
    }
    unknown(root, TOP_MEMBERS, "", "the document");
    JsonNode data = root.get("data");
    if (data == null || !data.isObject()) {
      throw ApiException.atPointer(
          400, "invalid_document", "the document needs a \"data\" resource object", "/data");
    }
    unknown(data, DATA_MEMBERS, "/data", "data");
    JsonNode t = data.get("type");
    if (t == null || !t.isTextual()) {
      throw ApiException.atPointer(
          400, "missing_type", "data.type is required and must be \"" + type + "\"", "/data/type");
    }
    if (!t.asText().equals(type)) {
      throw ApiException.atPointer(
          409,
          "type_mismatch",
          "this endpoint takes resources of type \"" + type + "\", not \"" + t.asText() + "\"",
          "/data/type");
    }
    Document doc = new Document(data);
    doc.checkObject(doc.attributes, Pointers.ATTRIBUTES, "attributes");
    doc.checkObject(doc.relationships, Pointers.RELATIONSHIPS, "relationships");
    unknown(doc.attributes, allowedAttributes, Pointers.ATTRIBUTES, type + " attributes");
    unknown(
        doc.relationships, allowedRelationships, Pointers.RELATIONSHIPS, type + " relationships");
    return doc;
  }

  private void checkObject(JsonNode node, String pointer, String name) {
    if (!node.isMissingNode() && !node.isObject()) {
      throw ApiException.atPointer(400, "invalid_document", name + " must be an object", pointer);
    }
  }

  private static void unknown(JsonNode node, Set<String> allowed, String pointer, String what) {
    if (!node.isObject()) {
      return;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiException.atPointer(
            422,
            "unknown_member",
            what
                + " have no member \""
                + name
                + "\""
                + (allowed.isEmpty() ? "" : "; known members are " + new TreeSet<>(allowed)),
            pointer + "/" + escape(name));
      }
    }
  }

  /** The id in {@code data}, which must match the path's id on PATCH. */
  void requireIdMatching(String pathId) {
    JsonNode id = data.get("id");
    if (id == null || !id.isTextual()) {
      throw ApiException.atPointer(
          400,
          "missing_id",
          "data.id is required on update and must be \"" + pathId + "\"",
          "/data/id");
    }
    if (!id.asText().equals(pathId)) {
      throw ApiException.atPointer(
          409,
          "id_mismatch",
          "data.id \"" + id.asText() + "\" differs from the URL's id",
          "/data/id");
    }
  }

  void refuseClientId() {
    if (data.has("id")) {
      throw ApiException.atPointer(
          403,
          "client_id_unsupported",
          "ids are made by the server: leave out data.id",
          "/data/id");
    }
  }

  boolean hasAttribute(String name) {
    return attributes.has(name);
  }

  /**
   * For a change ({@code PATCH}): refuses any of {@code names} sent as {@code null}, which would
   * otherwise read as absent and leave the member as it was.
   */
  void refuseNullAttributes(Set<String> names) {
    for (String name : names) {
      if (hasAttribute(name) && value(name, false).isEmpty()) {
        throw ApiException.atPointer(
            422,
            "invalid_value",
            "attribute \"" + name + "\" cannot be null; leave it out to keep it as it is",
            Pointers.ATTRIBUTES + "/" + name);
      }
    }
  }

  /** A string attribute; {@code required} ones that are missing are a 422. */
  Optional<String> string(String name, boolean required) {
    JsonNode v = attributes.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw ApiException.atPointer(
            422, "missing_attribute", "attribute \"" + name + "\" is required", attr(name));
      }
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw ApiException.atPointer(
          422, "invalid_type", "attribute \"" + name + "\" must be a string", attr(name));
    }
    return Optional.of(v.asText());
  }

  /** Any JSON attribute, as plain Java values; missing is empty, required missing is 422. */
  Optional<Object> value(String name, boolean required) {
    JsonNode v = attributes.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw ApiException.atPointer(
            422, "missing_attribute", "attribute \"" + name + "\" is required", attr(name));
      }
      return Optional.empty();
    }
    return Optional.of(JsonApi.toPlain(v));
  }

  /** A to-one relationship's id, checking its identifier's type. */
  Optional<String> toOne(String name, String type, boolean required) {
    String pointer = Pointers.relationship(name);
    JsonNode rel = relationships.get(name);
    if (rel == null) {
      if (required) {
        throw ApiException.atPointer(
            422,
            "missing_relationship",
            "relationship \""
                + name
                + "\" is required: {\"data\":{\"type\":\""
                + type
                + "\",\"id\":…}}",
            pointer);
      }
      return Optional.empty();
    }
    JsonNode linkage = rel.isObject() ? rel.get("data") : null;
    if (linkage == null || !linkage.isObject()) {
      throw ApiException.atPointer(
          422,
          "invalid_relationship",
          "relationship \"" + name + "\" must be {\"data\":{\"type\":\"" + type + "\",\"id\":…}}",
          Pointers.linkage(name));
    }
    return Optional.of(identifier(linkage, type, Pointers.linkage(name)));
  }

  /** A to-many relationship's ids. */
  Optional<List<String>> toMany(String name, String type, boolean required) {
    String pointer = Pointers.relationship(name);
    JsonNode rel = relationships.get(name);
    if (rel == null) {
      if (required) {
        throw ApiException.atPointer(
            422,
            "missing_relationship",
            "relationship \""
                + name
                + "\" is required: {\"data\":[{\"type\":\""
                + type
                + "\",\"id\":…}]}",
            pointer);
      }
      return Optional.empty();
    }
    JsonNode linkage = rel.isObject() ? rel.get("data") : null;
    if (linkage == null || !linkage.isArray()) {
      throw ApiException.atPointer(
          422,
          "invalid_relationship",
          "relationship \"" + name + "\" must be {\"data\":[{\"type\":\"" + type + "\",\"id\":…}]}",
          Pointers.linkage(name));
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < linkage.size(); i++) {
      ids.add(identifier(linkage.get(i), type, Pointers.linkage(name) + "/" + i));
    }
    return Optional.of(ids);
  }

  /** Which of {@code names} are present among the relationships. */
  List<String> presentRelationships(List<String> names) {
    return names.stream().filter(relationships::has).toList();
  }

  private static String identifier(JsonNode linkage, String type, String pointer) {
    if (!linkage.isObject()) {
      throw ApiException.atPointer(
          422, "invalid_relationship", "a resource identifier must be {\"type\",\"id\"}", pointer);
    }
    JsonNode t = linkage.get("type");
    JsonNode id = linkage.get("id");
    if (t == null || !t.isTextual() || !t.asText().equals(type)) {
      throw ApiException.atPointer(
          409,
          "type_mismatch",
          "the identifier's type must be \"" + type + "\"",
          pointer + "/type");
    }
    if (id == null || !id.isTextual()) {
      throw ApiException.atPointer(
          422, "invalid_relationship", "the identifier needs a string \"id\"", pointer + "/id");
    }
    if (!Ids.looksLikeId(id.asText())) {
      throw ApiException.atPointer(
          404, "not_found", type + " " + shorten(id.asText()) + " was not found", pointer + "/id");
    }
    return id.asText();
  }

  private static String shorten(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
  }

  private static String attr(String name) {
    return Pointers.attribute(escape(name));
  }

  /** JSON pointer escaping (RFC 6901). */
  static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
