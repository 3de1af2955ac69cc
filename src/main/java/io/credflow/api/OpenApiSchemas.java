package io.credflow.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schemas (2020-12, as OpenAPI 3.1 has them) of the API's documents: the error document,
 * every resource as {@link Representations} writes it, and its single and list documents. A schema
 * requires the members a client may count on and leaves room for members added later; an object
 * member named {@code "x?"} is optional.
 */
final class OpenApiSchemas {
  static final String REF = "#/components/schemas/";

  private OpenApiSchemas() {}

  // ---- building blocks ----

  static Schema<?> type(String... types) {
    return new JsonSchema().types(new LinkedHashSet<>(List.of(types)));
  }

  static Schema<?> string() {
    return type("string");
  }

  static Schema<?> string(String description) {
    return type("string").description(description);
  }

  static Schema<?> nullableString() {
    return type("string", "null");
  }

  static Schema<?> instant() {
    return type("string").format("date-time");
  }

  static Schema<?> nullableInstant() {
    return type("string", "null").format("date-time");
  }

  static Schema<?> integer() {
    return type("integer");
  }

  static Schema<?> bool() {
    return type("boolean");
  }

  /** Any JSON value. */
  static Schema<?> any() {
    return new JsonSchema();
  }

  static Schema<?> constant(String value) {
    return type("string")._const(value);
  }

  static Schema<?> oneOf(String... values) {
    JsonSchema s = new JsonSchema();
    s.setTypes(new LinkedHashSet<>(List.of("string")));
    s.setEnum(new ArrayList<>(List.of((Object[]) values)));
    return s;
  }

  static Schema<?> ref(String name) {
    return new JsonSchema().$ref(REF + name);
  }

  static Schema<?> arrayOf(Schema<?> items) {
    return type("array").items(items);
  }

  /**
   * An object of {@code members}: name and schema, one after the other; a name ending in {@code ?}
   * is optional, every other one required.
   */
  static Schema<?> object(Object... members) {
    Schema<?> s = type("object");
    List<String> required = new ArrayList<>();
    for (int i = 0; i < members.length; i += 2) {
      String name = (String) members[i];
      Schema<?> schema = (Schema<?>) members[i + 1];
      if (name.endsWith("?")) {
        name = name.substring(0, name.length() - 1);
      } else {
        required.add(name);
      }
      s.addProperty(name, schema);
    }
    if (!required.isEmpty()) {
      s.setRequired(required);
    }
    return s;
  }

  /** The value or null. */
  static Schema<?> orNull(Schema<?> schema) {
    return new JsonSchema().oneOf(List.of(schema, type("null")));
  }

  /** A to-one relationship: {@code {"data": {"type", "id"}}}. */
  static Schema<?> toOne(String type) {
    return object("data", object("type", constant(type), "id", string()));
  }

  /** A to-many relationship: {@code {"data": [{"type", "id"}]}}. */
  static Schema<?> toMany(String type) {
    return object("data", arrayOf(object("type", constant(type), "id", string())));
  }

  /** A resource object of {@code type} with {@code attributes} and, unless empty, relationships. */
  static Schema<?> resource(String type, Schema<?> attributes, Schema<?> relationships) {
    return relationships == null
        ? object("type", constant(type), "id", string(), "attributes", attributes)
        : object(
            "type",
            constant(type),
            "id",
            string(),
            "attributes",
            attributes,
            "relationships",
            relationships);
  }

  /**
   * A request document for {@code type}: {@code data} with its {@code attributes} and, unless null,
   * its {@code relationships}; {@code withId} when the document names the resource it changes.
   */
  static Schema<?> requestDocument(
      String type, boolean withId, Schema<?> attributes, Schema<?> relationships) {
    List<Object> members = new ArrayList<>(List.of("type", constant(type)));
    members.addAll(List.of(withId ? "id" : "id?", string()));
    if (attributes != null) {
      members.addAll(List.of("attributes", attributes));
    }
    if (relationships != null) {
      members.addAll(List.of("relationships", relationships));
    }
    return object("data", object(members.toArray()));
  }

  // ---- the components ----

  /** Adds every schema to {@code components}, with a single and a list document per resource. */
  static void register(Components components) {
    components.addSchemas("Error", error());
    components.addSchemas(
        "Errors",
        object("errors", arrayOf(ref("Error")).minItems(1))
            .description("A JSON:API error document: every problem of the request at once."));
    components.addSchemas(
        "Links",
        object("next", nullableString().description("The next page, null on the last page.")));
    resources()
        .forEach(
            (name, schema) -> {
              components.addSchemas(name, schema);
              components.addSchemas(name + "Document", object("data", ref(name)));
              components.addSchemas(
                  name + "List", object("data", arrayOf(ref(name)), "links", ref("Links")));
            });
    components.addSchemas(
        "Health",
        object(
            "status",
            oneOf("ok", "unavailable"),
            "checks",
            object("process", oneOf("ok"), "database", oneOf("ok", "unavailable"))));
    components.addSchemas(
        "CallbackResult",
        object(
            "status",
            oneOf("ok", "error"),
            "code",
            string(),
            "detail",
            string(),
            "credential",
            nullableString()));
    components.addSchemas(
        "HookAccepted",
        object(
            "data",
            object(
                "type",
                constant("run"),
                "id",
                string(),
                "attributes",
                object("status", ref("RunStatus")))));
    components.addSchemas(
        "RunStatus", oneOf("running", "succeeded", "failed", "cancelled").description("A run's."));
    components.addSchemas(
        "RequestConfig",
        object(
                "reader",
                object(
                    "method",
                    oneOf("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
                    "url",
                    string("A JSONata expression, e.g. a quoted literal \"\\\"https://…\\\"\"."),
                    "headers?",
                    arrayOf(object("key", string(), "value", string())),
                    "body?",
                    any()))
            .description(
                "The REST API V2 component's request configuration: see docs/tokens.md and"
                    + " docs/component-fields.md for every field."));
  }

  private static Schema<?> error() {
    return object(
            "status",
            type("string").pattern("^[1-5][0-9][0-9]$").description("The HTTP status, a string."),
            "code",
            string("Stable and machine-readable, e.g. invalid_json."),
            "title",
            string(),
            "detail",
            string("A sentence a person can act on."),
            "source?",
            object(
                    "pointer?",
                    string("The JSON pointer of the member at fault."),
                    "parameter?",
                    string("The query parameter at fault."))
                .additionalProperties(false))
        .additionalProperties(false);
  }

  private static Map<String, Schema<?>> resources() {
    Map<String, Schema<?>> r = new LinkedHashMap<>();
    r.put("Tenant", resource("tenant", object("name", string(), "created_at", instant()), null));
    r.put(
        "Contract",
        resource(
            "contract",
            object("name", string(), "created_at", instant()),
            object("tenant", toOne("tenant"))));
    r.put(
        "Workspace",
        resource(
            "workspace",
            object("name", string(), "created_at", instant()),
            object("contract", toOne("contract"), "tenant", toOne("tenant"))));
    r.put(
        "User",
        resource(
            "user",
            object("email", string(), "global_admin", bool(), "created_at", instant()),
            null));
    r.put(
        "Member",
        resource(
            "member",
            object(
                "role",
                oneOf("admin", "member"),
                "level",
                oneOf("tenant", "contract", "workspace"),
                "created_at",
                instant()),
            object("user", toOne("user"))));
    r.put(
        "Component",
        resource(
            "component",
            object(
                "name",
                string(),
                "descriptor",
                type("object").description("The component's component.json."),
                "created_at",
                instant(),
                "updated_at",
                instant()),
            type("object").description("tenant or workspace: where it is deployed.")));
    r.put(
        "AuthClient",
        resource(
            "auth-client",
            object(
                "type",
                oneOf("oauth2", "basic", "api_key", "noauth", "oauth2_instagram"),
                "name",
                string(),
                "credentials",
                type("object").description("The type's settings; secrets read \"********\"."),
                "level",
                oneOf("tenant", "contract", "workspace", "component"),
                "created_at",
                instant(),
                "updated_at",
                instant()),
            object("components", toMany("component"))));
    r.put("Credential", credential());
    r.put(
        "CredentialVerification",
        resource(
            "credential-verification", verification(), object("credential", toOne("credential"))));
    r.put(
        "CredentialAccess",
        resource(
            "credential-access",
            object(
                "header",
                orNull(object("name", string(), "value", string())),
                "query?",
                object("name", string(), "value", string()),
                "expires_at",
                nullableInstant()),
            null));
    r.put(
        "Webhook",
        resource(
            "webhook",
            object(
                "url",
                string().format("uri"),
                "event_types",
                arrayOf(string()),
                "active",
                type("boolean"),
                "secret_set",
                type("boolean"),
                "secret?",
                string("only in the creation's answer, when Credflow generated it"),
                "created_at",
                instant(),
                "updated_at",
                instant()),
            null));
    r.put(
        "WebhookDelivery",
        resource(
            "webhook-delivery",
            object(
                "event_id",
                string(),
                "event_type",
                string(),
                "status",
                oneOf("pending", "delivered", "failed"),
                "attempt_count",
                type("integer"),
                "created_at",
                instant(),
                "attempts?",
                arrayOf(type("object"))),
            null));
    r.put(
        "AuditRecord",
        resource(
            "audit-record",
            object(
                "at",
                instant(),
                "action",
                string("e.g. credential.access, auth_client.created, account.sign_in"),
                "actor",
                object("type", string(), "id", string()),
                "subject",
                object("type", string(), "id", string()),
                "workspace?",
                orNull(string()),
                "contract?",
                orNull(string()),
                "tenant?",
                orNull(string()),
                "client_address?",
                orNull(string()),
                "reason?",
                orNull(string()),
                "uses?",
                type("integer"),
                "detail?",
                type("object")),
            null));
    r.put(
        "Event",
        resource(
            "event",
            object(
                "type", string("e.g. credential.refreshed"), "detail", string(), "at", instant()),
            object("credential", toOne("credential"), "workspace", toOne("workspace"))));
    r.put(
        "Authorization",
        resource(
            "authorization",
            object(
                "authorize_url",
                string().format("uri"),
                "state",
                string(),
                "redirect_uri",
                string().format("uri"),
                "expires_at",
                instant()),
            null));
    r.put(
        "RequestResult",
        object(
            "type",
            constant("request-result"),
            "attributes",
            object(
                "statusCode",
                integer(),
                "HTTPHeaders",
                type("object"),
                "responseBody?",
                any(),
                "attachmentUrl?",
                string().format("uri"))));
    r.put("Flow", flow());
    r.put(
        "FlowDraft",
        resource(
            "flow-draft",
            object(
                "trigger",
                type("object"),
                "steps",
                arrayOf(type("object")),
                "base_version",
                integer(),
                "saved_at",
                instant()),
            object("flow", toOne("flow"))));
    r.put("Run", run());
    return r;
  }

  private static Schema<?> credential() {
    return resource(
        "credential",
        object(
            "name",
            string(),
            "type",
            oneOf("oauth2", "basic", "api_key", "noauth", "oauth2_instagram"),
            "state",
            oneOf("ready", "needs_reauth", "error"),
            "error",
            orNull(object("code", string(), "detail", string(), "at", instant())),
            "expires_at",
            nullableInstant(),
            "scope",
            nullableString(),
            "has_refresh_token",
            bool(),
            "header",
            orNull(object("name", string(), "value", string("The secret part masked."))),
            "query?",
            object("name", string(), "value", constant("********")),
            "verify_request",
            orNull(type("object")),
            "verification",
            orNull(verification()),
            "flow_count",
            integer(),
            "created_at",
            instant(),
            "updated_at",
            instant()),
        object(
            "auth_client",
            toOne("auth-client"),
            "component",
            toOne("component"),
            "workspace",
            toOne("workspace")));
  }

  private static Schema<?> verification() {
    return object(
        "ok",
        bool(),
        "checked_at",
        instant(),
        "network",
        bool(),
        "status",
        type("integer", "null"),
        "detail",
        string());
  }

  private static Schema<?> flow() {
    return resource(
        "flow",
        object(
            "name",
            string(),
            "status",
            oneOf("draft", "active", "inactive"),
            "version",
            integer(),
            "trigger",
            object("type", oneOf("manual", "webhook", "schedule", "poll")),
            "steps",
            arrayOf(
                object(
                    "id",
                    string(),
                    "component",
                    object("id", string()),
                    "credential",
                    object("id", string()),
                    "config",
                    type("object"))),
            "created_at",
            instant(),
            "updated_at",
            instant()),
        object("workspace", toOne("workspace")));
  }

  private static Schema<?> run() {
    Schema<?> step =
        object(
            "index",
            integer(),
            "id",
            string(),
            "name",
            nullableString(),
            "credential",
            string(),
            "status",
            oneOf("pending", "running", "waiting", "succeeded", "failed", "cancelled"),
            "attempts",
            integer(),
            "rebounds",
            integer(),
            "input?",
            object(
                "body", any(), "passthrough", arrayOf(string()), "attachments", arrayOf(string())),
            "output",
            any(),
            "error",
            nullableString(),
            "not_before?",
            nullableInstant(),
            "started_at?",
            nullableInstant(),
            "finished_at?",
            nullableInstant());
    return resource(
        "run",
        object(
            "status",
            ref("RunStatus"),
            "trigger",
            string(),
            "flow_version",
            integer(),
            "step_index",
            integer(),
            "error",
            nullableString(),
            "failed_step",
            type("integer", "null"),
            "message",
            any(),
            "created_at",
            instant(),
            "finished_at",
            nullableInstant(),
            "request_id",
            nullableString()
                .description(
                    "The X-Request-Id of the request that started the run; null for a schedule"
                        + " or a poll."),
            "steps?",
            arrayOf(step).description("Each step of the run's version; on a single run only.")),
        object("flow", toOne("flow"), "workspace", toOne("workspace")));
  }
}
