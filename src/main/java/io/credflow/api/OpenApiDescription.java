package io.credflow.api;

import static io.credflow.api.OpenApiOperation.jsonOf;
import static io.credflow.api.OpenApiSchemas.any;
import static io.credflow.api.OpenApiSchemas.object;
import static io.credflow.api.OpenApiSchemas.oneOf;
import static io.credflow.api.OpenApiSchemas.orNull;
import static io.credflow.api.OpenApiSchemas.ref;
import static io.credflow.api.OpenApiSchemas.requestDocument;
import static io.credflow.api.OpenApiSchemas.string;
import static io.credflow.api.OpenApiSchemas.toMany;
import static io.credflow.api.OpenApiSchemas.toOne;
import static io.credflow.api.OpenApiSchemas.type;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.PathItem.HttpMethod;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;

/**
 * The OpenAPI 3.1 description of every HTTP API route, served at {@value #PATH}: built with
 * swagger-core's models and written by its 3.1 serializer, once.
 *
 * <p>One method per route group, one statement per operation: a route added to a {@code …Routes}
 * class gets its operation in the group's method here (the conformance test names any route that
 * has none, and any operation that has no route). A resource's plain create, read, list, update and
 * delete each take one helper, which names the operation and its schemas after the resource.
 * Examples name the ids a client would fill in as {@code TENANT_ID}, {@code WORKSPACE_ID}, {@code
 * COMPONENT_ID}, {@code AUTH_CLIENT_ID}, {@code OAUTH2_AUTH_CLIENT_ID}, {@code CREDENTIAL_ID},
 * {@code FLOW_ID}, {@code USER_ID} and {@code CONTRACT_ID}; request URLs point at {@code
 * https://api.example.com/}.
 */
public final class OpenApiDescription {
  /** Where the description is served. */
  public static final String PATH = "/v2/openapi.json";

  private static final String RESOURCE_EXAMPLES_AT = "2026-12-06T09:00:00Z";

  private final OpenAPI api;
  private String tag = "";

  private OpenApiDescription() {
    Components components = new Components();
    OpenApiSchemas.register(components);
    OpenApiErrors.register(components);
    components.addSecuritySchemes(
        "apiKey",
        new SecurityScheme()
            .type(SecurityScheme.Type.HTTP)
            .scheme("bearer")
            .description("Authorization: Bearer API_KEY (a cfk_… key)."));
    components.addSecuritySchemes(
        "emailAndKey",
        new SecurityScheme()
            .type(SecurityScheme.Type.HTTP)
            .scheme("basic")
            .description("HTTP Basic with EMAIL:API_KEY, as the integration platform sends it."));
    api =
        new OpenAPI(SpecVersion.V31)
            .openapi("3.1.0")
            .info(
                new Info()
                    .title("Credflow HTTP API")
                    .version("v2")
                    .description(
                        "Authorization core for integration platforms: tenancy, components,"
                            + " auth-clients, credentials, OAuth2 authorization, requests and"
                            + " flows. JSON:API 1.1 documents; docs/api.md has the prose."))
            .components(components)
            .paths(new Paths())
            .security(
                List.of(
                    new SecurityRequirement().addList("apiKey"),
                    new SecurityRequirement().addList("emailAndKey")));
  }

  /** The description as a JSON document, built once. */
  public static String json() {
    return Built.JSON;
  }

  /** The description as swagger-core's model, built anew. */
  static OpenAPI build() {
    OpenApiDescription d = new OpenApiDescription();
    d.operations();
    d.tenancy();
    d.components();
    d.authClients();
    d.credentials();
    d.authorizations();
    d.requests();
    d.flows();
    d.runs();
    d.webhooks();
    d.subscriptions();
    d.sortResponses();
    return d.api;
  }

  private static final class Built {
    static final String JSON = write(build());

    private static String write(OpenAPI api) {
      try {
        return Json31.mapper().writeValueAsString(api);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("the OpenAPI description cannot be written", e);
      }
    }
  }

  // ---- the route groups ----

  private void operations() {
    group("Operations", "Health, metrics and this description.");
    op(HttpMethod.GET, "/health", "health", "Process and database health", false)
        .answers(
            200,
            "Healthy.",
            "application/json",
            ref("Health"),
            jsonOf("{\"status\":\"ok\",\"checks\":{\"process\":\"ok\",\"database\":\"ok\"}}"))
        .answers(
            503,
            "The database does not answer.",
            "application/json",
            ref("Health"),
            jsonOf(
                "{\"status\":\"unavailable\",\"checks\":{\"process\":\"ok\","
                    + "\"database\":\"unavailable\"}}"));
    op(HttpMethod.GET, "/health/live", "healthLive", "Liveness, for a load balancer", false)
        .answers(
            200,
            "The process serves (also while it stops).",
            "application/json",
            ref("Probe"),
            jsonOf("{\"status\":\"ok\"}"))
        .answers(
            503,
            "The process stopped listening: a request still reaching it on an open connection.",
            "application/json",
            ref("Probe"),
            jsonOf(
                "{\"status\":\"unavailable\",\"reason\":\"shutting_down\",\"detail\":"
                    + "\"this process is shutting down\"}"));
    op(HttpMethod.GET, "/health/ready", "healthReady", "Readiness, for a load balancer", false)
        .answers(
            200,
            "Send traffic: the database answers, migrations are done, no stop has begun.",
            "application/json",
            ref("Probe"),
            jsonOf(
                "{\"status\":\"ready\",\"checks\":{\"shutdown\":\"not_started\","
                    + "\"database\":\"ok\",\"migrations\":\"done\"}}"))
        .answers(
            503,
            "Send no traffic: a stop began, the database does not answer, or migrations run.",
            "application/json",
            ref("Probe"),
            jsonOf(
                "{\"status\":\"unavailable\",\"reason\":\"shutting_down\",\"detail\":"
                    + "\"this process is shutting down\",\"checks\":{\"shutdown\":\"started\","
                    + "\"database\":\"not_checked\",\"migrations\":\"done\"}}"));
    schema(
        "Probe",
        object(
            "status",
            oneOf("ok", "ready", "unavailable"),
            "reason?",
            oneOf("shutting_down", "database_unavailable", "migrations_pending"),
            "detail?",
            string(),
            "checks?",
            type("object")));
    op(HttpMethod.GET, "/metrics", "metrics", "Prometheus metrics (global admins)", true)
        .answers(
            200,
            "Prometheus text: request timers by method, route and status; flow counters.",
            "text/plain",
            string(),
            "# HELP credflow_flow_queue_depth …\ncredflow_flow_queue_depth 0.0\n")
        .errors(403);
    op(HttpMethod.GET, PATH, "openApi", "This description (OpenAPI 3.1)", false)
        .answers(
            200,
            "The OpenAPI 3.1 description of every route.",
            "application/json",
            type("object"),
            jsonOf("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Credflow HTTP API\"}}"))
        .errors(406);
  }

  private void tenancy() {
    group("Tenancy", "Tenants, contracts, workspaces, users and their memberships.");
    Resource tenant = new Resource("Tenant", "tenant", TENANT);
    Resource contract = new Resource("Contract", "contract", CONTRACT);
    Resource workspace = new Resource("Workspace", "workspace", WORKSPACE);
    create(
            tenant,
            "/v2/tenants",
            "Create a tenant (global admins)",
            "{\"data\":{\"type\":\"tenant\",\"attributes\":{\"name\":\"Acme\"}}}")
        .errors(403);
    read(tenant, "/v2/tenants/{id}", "Read a tenant").errors(404);
    create(
            contract,
            "/v2/contracts",
            "Create a contract of a tenant",
            "{\"data\":{\"type\":\"contract\",\"attributes\":{\"name\":\"Acme Sales\"},"
                + "\"relationships\":{\"tenant\":{\"data\":{\"type\":\"tenant\","
                + "\"id\":\"TENANT_ID\"}}}}}")
        .errors(403, 404);
    read(contract, "/v2/contracts/{id}", "Read a contract").errors(404);
    create(
            workspace,
            "/v2/workspaces",
            "Create a workspace of a contract",
            "{\"data\":{\"type\":\"workspace\",\"attributes\":{\"name\":\"Integrations\"},"
                + "\"relationships\":{\"contract\":{\"data\":{\"type\":\"contract\","
                + "\"id\":\"CONTRACT_ID\"}}}}}")
        .errors(403, 404);
    list(workspace, "/v2/workspaces", "The workspaces the caller can see");
    read(workspace, "/v2/workspaces/{id}", "Read a workspace").errors(404);
    op(HttpMethod.POST, "/v2/users", "createUser", "Create a user and its first API key")
        .description(
            "The user joins the one tenant, contract or workspace its relationship names, with"
                + " role (default member). meta.api_key is the only time the key is shown. An"
                + " email taken by a user the caller sees is 409 email_taken; one taken elsewhere"
                + " 422 email_unavailable.")
        .body(
            "UserCreate",
            "{\"data\":{\"type\":\"user\",\"attributes\":{\"email\":\"ada@example.com\","
                + "\"role\":\"member\"},\"relationships\":{\"workspace\":{\"data\":"
                + "{\"type\":\"workspace\",\"id\":\"WORKSPACE_ID\"}}}}}")
        .answers(
            201,
            "Created; meta.api_key is the user's key, shown this once.",
            "UserCreated",
            jsonOf(
                "{\"data\":"
                    + USER
                    + ",\"meta\":{\"api_key\":\"cfk_3q8Zf0h2Vn7LwX1pR5tK9mB4cY6dE2sA8uJ0gH3iO7\"}}"))
        .errors(403, 404);
    read(new Resource("User", "user", USER), "/v2/users/{id}", "Read a user").errors(404);
    for (String level : List.of("tenant", "contract", "workspace")) {
      members(level);
    }
    schema("TenantCreate", requestDocument("tenant", false, object("name", string()), null));
    schema(
        "ContractCreate",
        requestDocument(
            "contract", false, object("name", string()), object("tenant", toOne("tenant"))));
    schema(
        "WorkspaceCreate",
        requestDocument(
            "workspace", false, object("name", string()), object("contract", toOne("contract"))));
    schema(
        "UserCreate",
        requestDocument(
            "user",
            false,
            object("email", string(), "role?", oneOf("admin", "member")),
            type("object").description("At most one of tenant, contract or workspace.")));
    schema(
        "UserCreated",
        object("data", ref("User"), "meta", object("api_key", string("Shown this once."))));
    schema("Members", object("data", OpenApiSchemas.arrayOf(ref("Member"))));
    schema(
        "MemberCreate",
        requestDocument(
            "member",
            false,
            object("role", oneOf("admin", "member")),
            object("user", toOne("user"))));
  }

  private void members(String level) {
    String base = "/v2/" + level + "s/{id}/members";
    String capital = Character.toUpperCase(level.charAt(0)) + level.substring(1);
    op(HttpMethod.POST, base, "add" + capital + "Member", "Make a user a member of the " + level)
        .body(
            "MemberCreate",
            "{\"data\":{\"type\":\"member\",\"attributes\":{\"role\":\"member\"},"
                + "\"relationships\":{\"user\":{\"data\":{\"type\":\"user\","
                + "\"id\":\"USER_ID\"}}}}}")
        .answers(201, "Added.", "MemberDocument", single(member(level)))
        .errors(403, 404);
    op(HttpMethod.GET, base, "list" + capital + "Members", "The members of the " + level)
        .answers(200, "Every member (not paged).", "Members", memberList(level))
        .errors(403, 404);
    op(
            HttpMethod.DELETE,
            base + "/{user_id}",
            "remove" + capital + "Member",
            "End a membership of the " + level)
        .noContent("Ended.")
        .errors(403, 404, 409);
  }

  private void components() {
    group("Components", "Components and their descriptors (component.json).");
    String deploy =
        "{\"data\":{\"type\":\"component\",\"attributes\":{\"name\":\"REST API V2\","
            + "\"descriptor\":{\"title\":\"REST API V2\",\"authClientTypes\":[\"noauth\","
            + "\"basic\",\"api_key\",\"oauth2\"]}},\"relationships\":{\"tenant\":{\"data\":"
            + "{\"type\":\"tenant\",\"id\":\"TENANT_ID\"}}}}}";
    Resource component = new Resource("Component", "component", COMPONENT);
    create(component, "/v2/components", "Deploy a component", deploy)
        .description(
            "Deployed at a tenant or a workspace (relationship). Descriptor rules: each failure is"
                + " a 422 at the member, e.g. /data/attributes/descriptor/authClientTypes/0.")
        .errors(403, 404);
    list(component, "/v2/components", "The components the caller can see");
    read(component, "/v2/components/{id}", "Read a component").errors(404);
    update(
            component,
            "/v2/components/{id}",
            "Rename or redeploy",
            "{\"data\":{\"type\":\"component\",\"id\":\"COMPONENT_ID\","
                + "\"attributes\":{\"name\":\"REST API V2 (new)\"}}}")
        .errors(403, 404);
    delete(component, "/v2/components/{id}", "Delete a component").errors(403, 404, 409);
    createAndUpdate(
        "Component",
        "component",
        type("object").description("Exactly one of tenant or workspace."),
        "name",
        string(),
        "descriptor",
        type("object"));
  }

  private void authClients() {
    group("Auth-clients", "How a component's credentials authenticate: settings per type.");
    op(HttpMethod.POST, "/v2/auth-clients", "createAuthClient", "Create an auth-client")
        .description(
            "attributes.credentials by type: noauth {}, basic {name}, api_key {name, value?, in},"
                + " oauth2 {client_id, client_secret, auth_uri, token_uri, …}, oauth2_instagram"
                + " {client_id, client_secret}. Secrets are never returned (\"********\"); a"
                + " duplicate client secret is a meta.warnings entry.")
        .body(
            "AuthClientCreate",
            "{\"data\":{\"type\":\"auth-client\",\"attributes\":{\"type\":\"api_key\","
                + "\"name\":\"Shop API key\",\"credentials\":{\"name\":\"X-Api-Key\","
                + "\"in\":\"header\"}},\"relationships\":{\"components\":{\"data\":"
                + "[{\"type\":\"component\",\"id\":\"COMPONENT_ID\"}]},\"tenant\":{\"data\":"
                + "{\"type\":\"tenant\",\"id\":\"TENANT_ID\"}}}}}")
        .answers(201, "Created.", "AuthClientCreated", single(AUTH_CLIENT))
        .errors(403, 404);
    Resource authClient = new Resource("AuthClient", "auth-client", AUTH_CLIENT);
    list(
            authClient,
            "/v2/auth-clients",
            "The auth-clients the caller sees",
            filter("workspace_id", "Only those this workspace can use.", "WORKSPACE_ID"),
            filter("filter[component]", "Only those linked to this component.", "COMPONENT_ID"),
            filter("filter[type]", "Only those of this type.", "api_key"))
        .errors(404);
    read(authClient, "/v2/auth-clients/{id}", "Read an auth-client").errors(404);
    update(
            authClient,
            "/v2/auth-clients/{id}",
            "Change an auth-client",
            "{\"data\":{\"type\":\"auth-client\",\"id\":\"AUTH_CLIENT_ID\","
                + "\"attributes\":{\"name\":\"Shop API key (EU)\"}}}")
        .description(
            "type never changes; for oauth2 a new client_id or endpoint is 422 immutable_member."
                + " Sending \"********\" for a secret keeps the stored one.")
        .errors(403, 404);
    delete(authClient, "/v2/auth-clients/{id}", "Delete an auth-client").errors(403, 404, 409);
    schema(
        "AuthClientCreate",
        requestDocument(
            "auth-client",
            false,
            object(
                "type",
                oneOf("oauth2", "basic", "api_key", "noauth", "oauth2_instagram"),
                "name",
                string(),
                "credentials?",
                type("object")),
            object("components", toMany("component"))));
    schema(
        "AuthClientUpdate",
        requestDocument(
            "auth-client", true, object("name?", string(), "credentials?", type("object")), null));
    schema(
        "AuthClientCreated",
        object(
            "data",
            ref("AuthClient"),
            "meta?",
            object(
                "warnings",
                OpenApiSchemas.arrayOf(
                    object("code", string(), "detail", string(), "auth_client", string())))));
  }

  private void credentials() {
    group("Credentials", "A workspace's credentials, their tokens, checks and events.");
    String base = "/v2/workspaces/{ws}/credentials";
    Resource credential = new Resource("Credential", "credential", CREDENTIAL);
    create(
            credential,
            base,
            "Create a credential",
            "{\"data\":{\"type\":\"credential\",\"attributes\":{\"name\":\"Shop (prod)\","
                + "\"credentials\":{\"value\":\"shop-key-0123456789\"}},\"relationships\":"
                + "{\"auth_client\":{\"data\":{\"type\":\"auth-client\","
                + "\"id\":\"AUTH_CLIENT_ID\"}}}}}")
        .description(
            "attributes.credentials by the auth-client's type: noauth {}, basic {username?,"
                + " password}, api_key {value?}, oauth2 {state} after Authenticate or"
                + " {access_token, refresh_token?, expires_in?} to import tokens.")
        .errors(404, 502);
    list(
            credential,
            base,
            "The workspace's credentials",
            filter("filter[component]", "Only those of this component.", "COMPONENT_ID"),
            filter("filter[auth_client]", "Only those of this auth-client.", "AUTH_CLIENT_ID"),
            filter("filter[state]", "ready, needs_reauth or error.", "ready"))
        .errors(404);
    read(credential, base + "/{id}", "Read a credential (never a secret)").errors(404);
    update(
            credential,
            base + "/{id}",
            "Rename or give new secrets",
            "{\"data\":{\"type\":\"credential\",\"id\":\"CREDENTIAL_ID\","
                + "\"attributes\":{\"name\":\"Shop (production)\"}}}")
        .errors(403, 404, 502);
    delete(credential, base + "/{id}", "Delete (and revoke) a credential").errors(403, 404, 409);
    op(HttpMethod.POST, base + "/{id}/access", "accessCredential", "The real authorization")
        .description(
            "For runtimes that make the call themselves: the real header (or query parameter),"
                + " refreshed first within 60 s of expiry. Every call is audited.")
        .query("reason", "Why, for the audit (at most 500 characters).", "nightly sync")
        .answers(
            200,
            "The authorization to send.",
            "CredentialAccessDocument",
            jsonOf(
                "{\"data\":{\"type\":\"credential-access\",\"id\":\"5e1f0c2d9a8b7c6d5e4f3a2b\","
                    + "\"attributes\":{\"header\":{\"name\":\"X-Api-Key\","
                    + "\"value\":\"shop-key-0123456789\"},\"expires_at\":null}}}"))
        .errors(404, 409, 502);
    op(HttpMethod.POST, base + "/{id}/refresh", "refreshCredential", "Refresh the tokens now")
        .description(
            "meta.refresh.outcome is refreshed or not_needed; a refused grant is 409 needs_reauth,"
                + " a refresh not possible yet 409 not_refreshable_yet, a provider failure 502.")
        .answers(
            200,
            "The credential and what happened.",
            "CredentialRefreshed",
            jsonOf(
                "{\"data\":"
                    + CREDENTIAL
                    + ",\"meta\":{\"refresh\":{\"outcome\":\"not_needed\",\"detail\":\"no refresh"
                    + " was needed: the credential has no token to refresh\"}}}"))
        .errors(404, 409, 502);
    op(HttpMethod.POST, base + "/{id}/verify", "verifyCredential", "Check the credential works")
        .answers(
            200,
            "How the check went (also when it failed: ok is false).",
            "CredentialVerificationDocument",
            jsonOf(
                "{\"data\":{\"type\":\"credential-verification\","
                    + "\"id\":\"5e1f0c2d9a8b7c6d5e4f3a2b\",\"attributes\":{\"ok\":true,"
                    + "\"checked_at\":\""
                    + RESOURCE_EXAMPLES_AT
                    + "\",\"network\":false,\"status\":null,\"detail\":\"the api_key credential"
                    + " has its key\"},\"relationships\":{\"credential\":{\"data\":"
                    + "{\"type\":\"credential\",\"id\":\"5e1f0c2d9a8b7c6d5e4f3a2b\"}}}}}"))
        .errors(404, 409);
    op(HttpMethod.GET, "/v2/audit", "listAudit", "The audit trail (admins, their tenancy)")
        .query("filter[workspace]", "Only this workspace's records.", "WORKSPACE_ID")
        .query("filter[actor]", "Only this actor's (a user or API key id).", "USER_ID")
        .query("filter[subject]", "Only records about this subject id.", "CREDENTIAL_ID")
        .query("filter[type]", "Only this action.", "credential.access")
        .query("filter[since]", "Only records at or after this time.", "2026-12-01T00:00:00Z")
        .query("filter[until]", "Only records before this time.", "2026-12-31T00:00:00Z")
        .paged()
        .answers(200, "A page of audit records, newest first.", "AuditRecordList", list(AUDIT))
        .errors(403, 404);
    op(HttpMethod.GET, "/v2/workspaces/{ws}/events", "listEvents", "The credential events")
        .query("filter[credential]", "Only this credential's.", "CREDENTIAL_ID")
        .paged()
        .answers(200, "A page of events, oldest first.", "EventList", list(EVENT))
        .errors(404);
    createAndUpdate(
        "Credential",
        "credential",
        object("auth_client", toOne("auth-client"), "component?", toOne("component")),
        "name",
        string(),
        "credentials?",
        type("object"),
        "verify_request?",
        orNull(type("object")));
    schema(
        "CredentialRefreshed",
        object(
            "data",
            ref("Credential"),
            "meta",
            object(
                "refresh",
                object("outcome", oneOf("refreshed", "not_needed"), "detail?", string()))));
  }

  private void authorizations() {
    group("Authorization", "The OAuth2 round trip behind Authenticate.");
    op(
            HttpMethod.POST,
            "/v2/workspaces/{ws}/authorizations",
            "startAuthorization",
            "Start an OAuth2 authorization")
        .description(
            "Answers the provider's authorize URL (with state, PKCE and the fixed redirect_uri),"
                + " valid 10 minutes. With credential_name the callback saves the credential"
                + " itself.")
        .body(
            "AuthorizationStart",
            "{\"data\":{\"type\":\"authorization\",\"attributes\":{\"credential_name\":"
                + "\"CRM\"},\"relationships\":{\"auth_client\":{\"data\":{\"type\":"
                + "\"auth-client\",\"id\":\"OAUTH2_AUTH_CLIENT_ID\"}}}}}")
        .answers(201, "Started.", "AuthorizationDocument", single(AUTHORIZATION))
        .errors(404);
    op(
            HttpMethod.GET,
            "/callback/oauth2",
            "authorizationCallback",
            "The provider's redirect",
            false)
        .description(
            "No API key: the state is the proof. A small HTML page that tells the opener window,"
                + " or JSON when the request accepts application/json.")
        .query("state", "The state of the authorization.", "STATE")
        .query("code", "The provider's authorization code.", "provider-code")
        .query("error", "The provider's error instead of a code (e.g. access_denied).", null)
        .query("error_description", "The provider's words for it.", null)
        .answers(
            200,
            "Recorded.",
            "application/json",
            ref("CallbackResult"),
            jsonOf(
                "{\"status\":\"ok\",\"code\":\"authorized\",\"detail\":\"the authorization is"
                    + " complete\",\"credential\":null}"))
        .answers(200, "Recorded.", "text/html", string(), "<!doctype html>…")
        .answers(
            400,
            "A wrong, expired or reused state, or the provider's error; nothing changed.",
            "application/json",
            ref("CallbackResult"),
            jsonOf(
                "{\"status\":\"error\",\"code\":\"invalid_state\",\"detail\":\"this authorization"
                    + " is unknown or has expired; start again\",\"credential\":null}"))
        .answers(400, "Not recorded.", "text/html", string(), "<!doctype html>…")
        .answers(
            422,
            "The code exchange would call an endpoint the outbound guard refuses.",
            "application/json",
            ref("CallbackResult"),
            jsonOf(
                "{\"status\":\"error\",\"code\":\"outbound_refused\",\"detail\":\"…\","
                    + "\"credential\":null}"))
        .answers(
            502,
            "The provider failed the code exchange.",
            "application/json",
            ref("CallbackResult"),
            jsonOf(
                "{\"status\":\"error\",\"code\":\"provider_unavailable\",\"detail\":\"…\","
                    + "\"credential\":null}"));
    schema(
        "AuthorizationStart",
        requestDocument(
            "authorization",
            false,
            object("credential_name?", string()),
            object(
                "auth_client",
                toOne("auth-client"),
                "component?",
                toOne("component"),
                "credential?",
                toOne("credential"))));
  }

  private void requests() {
    group("Requests", "The REST API component's HTTP request, sent with a credential.");
    op(
            HttpMethod.POST,
            "/v2/workspaces/{ws}/requests",
            "sendRequest",
            "Send an HTTP request with a credential")
        .description(
            "The config's fields are the component's (docs/tokens.md § The request executor)."
                + " A failed call is 502 upstream_error, rebound 503, a request the outbound"
                + " guard refuses 422 outbound_refused.")
        .body(
            "RequestSend",
            "{\"data\":{\"type\":\"request\",\"attributes\":{\"config\":{\"reader\":"
                + "{\"method\":\"GET\",\"url\":\"\\\"https://api.example.com/items\\\"\","
                + "\"headers\":[{\"key\":\"Accept\",\"value\":\"\\\"application/json\\\"\"}]},"
                + "\"errorPolicy\":\"byComponent\",\"maxRetries\":3},\"message\":{\"body\":"
                + "{\"x\":1}}},\"relationships\":{\"credential\":{\"data\":{\"type\":"
                + "\"credential\",\"id\":\"CREDENTIAL_ID\"}}}}}")
        .answers(
            200,
            "The upstream's answer (also an error the policy turns into a result).",
            "RequestResultDocument",
            jsonOf(
                "{\"data\":{\"type\":\"request-result\",\"attributes\":{\"statusCode\":200,"
                    + "\"HTTPHeaders\":{\"content-type\":\"application/json\"},"
                    + "\"responseBody\":{\"items\":[]}}}}"))
        .errors(404, 502, 503);
    op(
            HttpMethod.GET,
            "/v2/workspaces/{ws}/attachments/{id}",
            "getAttachment",
            "The bytes of an attachment")
        .description(
            "An attachmentUrl of a request or a run step with downloadAsAttachment: the bytes with"
                + " their Content-Type, as a download. Send Accept: */* (or none).")
        .answers(
            200,
            "The bytes, as the upstream sent them.",
            "*/*",
            type("string").format("binary"),
            null)
        .header(200, "Content-Disposition", "attachment; filename=\"ID\"")
        .errors(404);
    schema(
        "RequestSend",
        requestDocument(
            "request",
            false,
            object("config", ref("RequestConfig"), "message?", any()),
            object("credential", toOne("credential"))));
  }

  private void flows() {
    group("Flows", "Flows: a trigger and ordered steps; drafts and publishing.");
    String base = "/v2/workspaces/{ws}/flows";
    Resource flow = new Resource("Flow", "flow", FLOW);
    create(flow, base, "Create a flow", FLOW_CREATE)
        .description(
            "Problems are a 422 listing every one at its pointer"
                + " (/data/attributes/steps/1/config/reader/url); nothing is stored.")
        .errors(404);
    list(flow, base, "The workspace's flows").errors(404);
    read(flow, base + "/{id}", "Read a flow").errors(404);
    update(
            flow,
            base + "/{id}",
            "Rename, activate or change a flow",
            "{\"data\":{\"type\":\"flow\",\"id\":\"FLOW_ID\",\"attributes\":"
                + "{\"name\":\"Orders to CRM (v2)\"}}}")
        .errors(404);
    op(HttpMethod.PUT, base + "/{id}/draft", "saveFlowDraft", "Keep a draft of the flow")
        .body(
            "FlowDraftSave",
            "{\"data\":{\"type\":\"flow-draft\",\"id\":\"FLOW_ID\",\"attributes\":{\"trigger\":"
                + "{\"type\":\"webhook\"},\"steps\":[{\"id\":\"order\",\"component\":{\"id\":"
                + "\"COMPONENT_ID\"},\"function\":\"httpRequest\",\"credential\":{\"id\":"
                + "\"CREDENTIAL_ID\"},\"config\":{\"reader\":{\"method\":\"GET\",\"url\":"
                + "\"\\\"https://api.example.com/orders\\\"\"}}}]}}}")
        .answers(200, "The draft.", "FlowDraftDocument", single(DRAFT))
        .errors(404);
    read(new Resource("FlowDraft", "draft", DRAFT), base + "/{id}/draft", "Read the flow's draft")
        .errors(404);
    op(HttpMethod.POST, base + "/{id}/publish", "publishFlowDraft", "Publish the draft")
        .description(
            "The draft becomes the next version and is dropped; every credential must be usable"
                + " (422 credential_unusable).")
        .answers(200, "The flow.", "FlowDocument", single(FLOW))
        .errors(404, 409, 422);
    op(HttpMethod.DELETE, base + "/{id}/draft", "discardFlowDraft", "Discard the draft")
        .noContent("Discarded.")
        .errors(404, 409);
    op(HttpMethod.DELETE, base + "/{id}", "deleteFlow", "Delete a flow with its runs")
        .noContent("Deleted.")
        .errors(404, 409);
    createAndUpdate(
        "Flow",
        "flow",
        null,
        "name?",
        string(),
        "status?",
        oneOf("draft", "active", "inactive"),
        "trigger?",
        type("object"),
        "steps?",
        OpenApiSchemas.arrayOf(type("object")));
    schema(
        "FlowDraftSave",
        requestDocument(
            "flow-draft",
            true,
            object("trigger", type("object"), "steps", OpenApiSchemas.arrayOf(type("object"))),
            null));
  }

  private void runs() {
    group("Runs", "Runs of flows: start, follow, cancel and retry.");
    String flowRuns = "/v2/workspaces/{ws}/flows/{id}/runs";
    String run = "/v2/workspaces/{ws}/runs/{id}";
    op(HttpMethod.POST, flowRuns, "startRun", "Start a run of an active flow")
        .body(
            "RunStart",
            "{\"data\":{\"type\":\"run\",\"attributes\":{\"message\":{\"body\":"
                + "{\"order\":42},\"passthrough\":{}}}}}")
        .answers(202, "Started; it goes on in the background.", "RunDocument", single(RUN))
        .header(202, "Location", "The run's address.")
        .errors(404);
    list(new Resource("Run", "run", RUN), flowRuns, "The flow's runs, newest first").errors(404);
    op(HttpMethod.GET, run, "getRun", "Read a run with its steps")
        .answers(200, "The run.", "RunDocument", single(RUN_WITH_STEPS))
        .errors(404);
    op(HttpMethod.POST, run + "/cancel", "cancelRun", "Cancel a running run")
        .answers(200, "The run, cancelled.", "RunDocument", single(RUN_WITH_STEPS))
        .errors(404, 409);
    op(HttpMethod.POST, run + "/retry", "retryRun", "Run a failed run again from its failed step")
        .answers(202, "Running again.", "RunDocument", single(RUN_WITH_STEPS))
        .errors(404, 409);
    schema(
        "RunStart",
        requestDocument(
            "run",
            false,
            object("message?", object("body?", any(), "passthrough?", type("object"))),
            null));
  }

  private void subscriptions() {
    group(
        "Event webhooks",
        "Subscriptions to credential and run events, delivered signed (Credflow-Signature) and"
            + " retried for 24 h; workspace admins.");
    String base = "/v2/workspaces/{ws}/webhooks";
    op(HttpMethod.POST, base, "createWebhook", "Subscribe a URL to events")
        .description(
            "Without a secret, one is generated and answered in this response only; reads say"
                + " secret_set.")
        .body(
            "WebhookCreate",
            "{\"data\":{\"type\":\"webhook\",\"attributes\":{\"url\":"
                + "\"https://api.example.com/credflow-events\",\"event_types\":"
                + "[\"credential.needs_reauth\",\"run.failed\"]}}}")
        .answers(201, "Subscribed.", "WebhookDocument", single(WEBHOOK_CREATED))
        .errors(403, 404);
    Resource webhook = new Resource("Webhook", "subscription", WEBHOOK);
    list(webhook, base, "The workspace's subscriptions").errors(403, 404);
    read(webhook, base + "/{id}", "Read a subscription (never its secret)").errors(403, 404);
    op(HttpMethod.PATCH, base + "/{id}", "updateWebhook", "Change a subscription")
        .description("url, event_types, active, or a new secret (write-only).")
        .body(
            "WebhookUpdate",
            "{\"data\":{\"type\":\"webhook\",\"id\":\"WEBHOOK_ID\",\"attributes\":"
                + "{\"event_types\":[\"credential.needs_reauth\",\"credential.expiring_soon\","
                + "\"run.failed\"]}}}")
        .answers(200, "Changed.", "WebhookDocument", single(WEBHOOK))
        .errors(403, 404);
    op(HttpMethod.DELETE, base + "/{id}", "deleteWebhook", "Unsubscribe")
        .noContent("Deleted, with its deliveries.")
        .errors(403, 404);
    op(
            HttpMethod.GET,
            base + "/{id}/deliveries",
            "listWebhookDeliveries",
            "Deliveries and attempts")
        .paged()
        .answers(200, "A page of deliveries, newest first.", "WebhookDeliveryList", list(DELIVERY))
        .errors(403, 404);
    op(
            HttpMethod.POST,
            base + "/{id}/deliveries/{delivery}/retry",
            "retryWebhookDelivery",
            "Send a delivery again now")
        .answers(202, "Queued to be sent at once.", "WebhookDeliveryDocument", single(DELIVERY))
        .errors(403, 404);
    op(HttpMethod.POST, base + "/{id}/ping", "pingWebhook", "Send a webhook.ping event")
        .answers(202, "Queued to be sent at once.", "WebhookDeliveryDocument", single(DELIVERY))
        .errors(403, 404);
    createAndUpdate(
        "Webhook",
        "webhook",
        null,
        "url",
        string().format("uri"),
        "event_types",
        OpenApiSchemas.arrayOf(string()),
        "secret?",
        string(),
        "active?",
        type("boolean"));
  }

  private void webhooks() {
    group("Webhooks", "A flow's webhook trigger: no API key, optionally signed.");
    for (HttpMethod method :
        List.of(
            HttpMethod.POST, HttpMethod.GET, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)) {
      String name =
          method.name().charAt(0) + method.name().substring(1).toLowerCase(java.util.Locale.ROOT);
      OpenApiOperation hook =
          op(method, "/hooks/{hook}", "hook" + name, "Start a run of a webhook flow", false)
              .description(
                  "The run's message body is {method, headers, query, body}. With a"
                      + " signatureHeader the header holds the hex HMAC-SHA256 of the raw body"
                      + " under the flow's secret (optionally sha256=…), else 403. 404 an unknown"
                      + " hook, 409 a flow that is not active, 413 a body over 1 MiB.")
              .answers(
                  202,
                  "A run started.",
                  "HookAccepted",
                  jsonOf(
                      "{\"data\":{\"type\":\"run\",\"id\":\"9c0d1e2f3a4b5c6d7e8f9a0b\","
                          + "\"attributes\":{\"status\":\"running\"}}}"))
              .errors(400, 403, 404, 409, 413);
      if (method != HttpMethod.GET && method != HttpMethod.DELETE) {
        hook.rawBody("{\"order\":{\"id\":42}}");
      }
    }
  }

  // ---- building ----

  private void group(String name, String description) {
    tag = name;
    api.addTagsItem(new Tag().name(name).description(description));
  }

  /** An authenticated operation of the current group. */
  private OpenApiOperation op(HttpMethod method, String path, String id, String summary) {
    return op(method, path, id, summary, true);
  }

  private OpenApiOperation op(
      HttpMethod method, String path, String id, String summary, boolean authenticated) {
    Operation operation = new Operation().operationId(id).summary(summary).addTagsItem(tag);
    PathItem item = api.getPaths().computeIfAbsent(path, p -> new PathItem());
    if (item.readOperationsMap().containsKey(method)) {
      throw new IllegalStateException(method + " " + path + " is described twice");
    }
    item.operation(method, operation);
    return new OpenApiOperation(operation, path, authenticated);
  }

  /**
   * A resource whose operations take the usual form: {@code name} makes the operation ids ({@code
   * getFlow}, {@code listFlows}) and the schema names ({@code FlowDocument}, {@code FlowList},
   * {@code FlowCreate}); {@code noun} the answers' words; {@code example} the resource in them.
   */
  private record Resource(String name, String noun, String example) {}

  /** A filter of a list: a query parameter with an example value, as {@link #list} sends it. */
  private record Filter(String name, String description, String example) {}

  /** POST a {@code …Create} body, answered 201 with the created resource. */
  private OpenApiOperation create(Resource r, String path, String summary, String body) {
    return op(HttpMethod.POST, path, "create" + r.name(), summary)
        .body(r.name() + "Create", body)
        .answers(201, "Created.", r.name() + "Document", single(r.example()));
  }

  /** GET one resource. */
  private OpenApiOperation read(Resource r, String path, String summary) {
    return op(HttpMethod.GET, path, "get" + r.name(), summary)
        .answers(200, "The " + r.noun() + ".", r.name() + "Document", single(r.example()));
  }

  /**
   * GET a page of resources: the filters first, then {@code page[size]} and {@code page[after]}.
   */
  private OpenApiOperation list(Resource r, String path, String summary, Filter... filters) {
    OpenApiOperation list = op(HttpMethod.GET, path, "list" + r.name() + "s", summary);
    for (Filter f : filters) {
      list.query(f.name(), f.description(), f.example());
    }
    return list.paged()
        .answers(200, "A page of " + r.noun() + "s.", r.name() + "List", list(r.example()));
  }

  /** PATCH an {@code …Update} body, answered 200 with the resource as it is now. */
  private OpenApiOperation update(Resource r, String path, String summary, String body) {
    return op(HttpMethod.PATCH, path, "update" + r.name(), summary)
        .body(r.name() + "Update", body)
        .answers(
            200, "The " + r.noun() + " as it is now.", r.name() + "Document", single(r.example()));
  }

  /** DELETE, answered 204. */
  private OpenApiOperation delete(Resource r, String path, String summary) {
    return op(HttpMethod.DELETE, path, "delete" + r.name(), summary).noContent("Deleted.");
  }

  private static Filter filter(String name, String description, String example) {
    return new Filter(name, description, example);
  }

  /**
   * The {@code …Create} body of {@code type} with {@code attributes} (members as {@link
   * OpenApiSchemas#object} takes them) and {@code relationships} (or null), and its {@code …Update}
   * body: the same attributes, each optional, as a PATCH changes only what it names.
   */
  private void createAndUpdate(
      String name, String type, Schema<?> relationships, Object... attributes) {
    Object[] optional = attributes.clone();
    for (int i = 0; i < optional.length; i += 2) {
      String member = (String) optional[i];
      optional[i] = member.endsWith("?") ? member : member + "?";
    }
    schema(name + "Create", requestDocument(type, false, object(attributes), relationships));
    schema(name + "Update", requestDocument(type, true, object(optional), null));
  }

  private void schema(String name, Schema<?> schema) {
    api.getComponents().addSchemas(name, schema);
  }

  /** Successes first, then the errors, each in the order of its status. */
  private void sortResponses() {
    api.getPaths()
        .values()
        .forEach(
            item ->
                item.readOperations()
                    .forEach(
                        o -> {
                          ApiResponses sorted = new ApiResponses();
                          o.getResponses().entrySet().stream()
                              .sorted(java.util.Map.Entry.comparingByKey())
                              .forEach(e -> sorted.addApiResponse(e.getKey(), e.getValue()));
                          o.setResponses(sorted);
                        }));
  }

  // ---- examples ----

  private static JsonNode single(String resource) {
    ObjectNode doc = JsonApi.object();
    doc.set("data", jsonOf(resource));
    return doc;
  }

  private static JsonNode list(String resource) {
    ObjectNode doc = JsonApi.object();
    doc.putArray("data").add(jsonOf(resource));
    doc.putObject("links").putNull("next");
    return doc;
  }

  private static JsonNode memberList(String level) {
    ObjectNode doc = JsonApi.object();
    doc.putArray("data").add(jsonOf(member(level)));
    return doc;
  }

  private static String member(String level) {
    return "{\"type\":\"member\",\"id\":\"3a4b5c6d7e8f9a0b1c2d3e4f\",\"attributes\":{\"role\":"
        + "\"member\",\"level\":\""
        + level
        + "\",\"created_at\":\""
        + RESOURCE_EXAMPLES_AT
        + "\"},\"relationships\":{\"user\":{\"data\":{\"type\":\"user\","
        + "\"id\":\"3a4b5c6d7e8f9a0b1c2d3e4f\"}},\""
        + level
        + "\":{\"data\":{\"type\":\""
        + level
        + "\",\"id\":\"1b4e28ba2fa1411d8b5a0c2e\"}}}}";
  }

  private static final String TENANT =
      "{\"type\":\"tenant\",\"id\":\"1b4e28ba2fa1411d8b5a0c2e\",\"attributes\":{\"name\":\"Acme\","
          + "\"created_at\":\"2026-12-06T09:00:00Z\"}}";
  private static final String CONTRACT =
      "{\"type\":\"contract\",\"id\":\"2c5f39cb3fb2522e9c6b1d3f\",\"attributes\":{\"name\":"
          + "\"Acme Sales\",\"created_at\":\"2026-12-06T09:00:00Z\"},\"relationships\":{\"tenant\":"
          + "{\"data\":{\"type\":\"tenant\",\"id\":\"1b4e28ba2fa1411d8b5a0c2e\"}}}}";
  private static final String WORKSPACE =
      "{\"type\":\"workspace\",\"id\":\"4d6a4adc4ac3633fad7c2e4a\",\"attributes\":{\"name\":"
          + "\"Integrations\",\"created_at\":\"2026-12-06T09:00:00Z\"},\"relationships\":"
          + "{\"contract\":{\"data\":{\"type\":\"contract\",\"id\":\"2c5f39cb3fb2522e9c6b1d3f\"}},"
          + "\"tenant\":{\"data\":{\"type\":\"tenant\",\"id\":\"1b4e28ba2fa1411d8b5a0c2e\"}}}}";
  private static final String USER =
      "{\"type\":\"user\",\"id\":\"3a4b5c6d7e8f9a0b1c2d3e4f\",\"attributes\":{\"email\":"
          + "\"ada@example.com\",\"global_admin\":false,\"created_at\":\"2026-12-06T09:00:00Z\"}}";
  private static final String COMPONENT =
      "{\"type\":\"component\",\"id\":\"6f8b5bed5bd4744abe8d3f5b\",\"attributes\":{\"name\":"
          + "\"REST API V2\",\"descriptor\":{\"title\":\"REST API V2\",\"authClientTypes\":"
          + "[\"noauth\",\"basic\",\"api_key\",\"oauth2\"]},\"created_at\":"
          + "\"2026-12-06T09:00:00Z\",\"updated_at\":\"2026-12-06T09:00:00Z\"},\"relationships\":"
          + "{\"tenant\":{\"data\":{\"type\":\"tenant\",\"id\":\"1b4e28ba2fa1411d8b5a0c2e\"}}}}";
  private static final String AUTH_CLIENT =
      "{\"type\":\"auth-client\",\"id\":\"7a9c6cfe6ce5855bcf9e4a6c\",\"attributes\":{\"type\":"
          + "\"api_key\",\"name\":\"Shop API key\",\"credentials\":{\"name\":\"X-Api-Key\","
          + "\"in\":\"header\"},\"level\":\"tenant\",\"created_at\":\"2026-12-06T09:00:00Z\","
          + "\"updated_at\":\"2026-12-06T09:00:00Z\"},\"relationships\":{\"components\":{\"data\":"
          + "[{\"type\":\"component\",\"id\":\"6f8b5bed5bd4744abe8d3f5b\"}]},\"tenant\":{\"data\":"
          + "{\"type\":\"tenant\",\"id\":\"1b4e28ba2fa1411d8b5a0c2e\"}}}}";
  private static final String CREDENTIAL =
      "{\"type\":\"credential\",\"id\":\"5e1f0c2d9a8b7c6d5e4f3a2b\",\"attributes\":{\"name\":"
          + "\"Shop (prod)\",\"type\":\"api_key\",\"state\":\"ready\",\"error\":null,"
          + "\"expires_at\":null,\"scope\":null,\"has_refresh_token\":false,\"header\":{\"name\":"
          + "\"X-Api-Key\",\"value\":\"********\"},\"verify_request\":null,\"verification\":null,"
          + "\"flow_count\":0,\"created_at\":\"2026-12-06T09:00:00Z\",\"updated_at\":"
          + "\"2026-12-06T09:00:00Z\"},\"relationships\":{\"auth_client\":{\"data\":{\"type\":"
          + "\"auth-client\",\"id\":\"7a9c6cfe6ce5855bcf9e4a6c\"}},\"component\":{\"data\":"
          + "{\"type\":\"component\",\"id\":\"6f8b5bed5bd4744abe8d3f5b\"}},\"workspace\":{\"data\":"
          + "{\"type\":\"workspace\",\"id\":\"4d6a4adc4ac3633fad7c2e4a\"}}}}";
  private static final String WEBHOOK_ATTRIBUTES =
      "\"url\":\"https://ops.example.com/credflow-events\",\"event_types\":"
          + "[\"credential.needs_reauth\",\"run.failed\"],\"active\":true,\"secret_set\":true,"
          + "\"created_at\":\"2026-12-06T09:00:00Z\",\"updated_at\":\"2026-12-06T09:00:00Z\"";
  private static final String WEBHOOK =
      "{\"type\":\"webhook\",\"id\":\"8b0d7cff7df6966cdf0f5b7d\",\"attributes\":{"
          + WEBHOOK_ATTRIBUTES
          + "}}";
  private static final String WEBHOOK_CREATED =
      "{\"type\":\"webhook\",\"id\":\"8b0d7cff7df6966cdf0f5b7d\",\"attributes\":{"
          + WEBHOOK_ATTRIBUTES
          + ",\"secret\":\"3q2-7wAAAQAb9U2x8cV0yL1mN4pR6tS8uW0yZ2aB4cD\"}}";
  private static final String DELIVERY =
      "{\"type\":\"webhook-delivery\",\"id\":\"9c1e8d008e07a77de0106c8e\",\"attributes\":"
          + "{\"event_id\":\"ad2f9e119f18b88ef1217d9f\",\"event_type\":\"webhook.ping\","
          + "\"status\":\"delivered\",\"attempt_count\":1,\"created_at\":"
          + "\"2026-12-06T09:00:00Z\",\"attempts\":[{\"number\":1,\"at\":"
          + "\"2026-12-06T09:00:00Z\",\"duration_ms\":42,\"status_code\":200,\"error\":null}]}}";
  private static final String AUDIT =
      "{\"type\":\"audit-record\",\"id\":\"42\",\"attributes\":{\"at\":"
          + "\"2026-12-06T09:00:00Z\",\"action\":\"credential.access\",\"actor\":{\"type\":"
          + "\"user\",\"id\":\"3c5f3fcb3fb2522e9c6b1d3a\",\"user_id\":"
          + "\"3c5f3fcb3fb2522e9c6b1d3a\",\"email\":\"ada@example.com\"},\"subject\":"
          + "{\"type\":\"credential\",\"id\":\"5e1f0c2d9a8b7c6d5e4f3a2b\"},\"workspace\":"
          + "\"4d6a4adc4ac3633fad7c2e4a\",\"contract\":null,\"tenant\":null,\"client_address\":"
          + "\"203.0.113.7\",\"reason\":\"nightly export\",\"uses\":1,\"detail\":{}}}";
  private static final String EVENT =
      "{\"type\":\"event\",\"id\":\"17\",\"attributes\":{\"type\":\"credential.created\","
          + "\"detail\":\"created\",\"at\":\"2026-12-06T09:00:00Z\"},\"relationships\":"
          + "{\"credential\":{\"data\":{\"type\":\"credential\",\"id\":\"5e1f0c2d9a8b7c6d5e4f3a2b\"}},"
          + "\"workspace\":{\"data\":{\"type\":\"workspace\",\"id\":\"4d6a4adc4ac3633fad7c2e4a\"}}}}";
  private static final String AUTHORIZATION =
      "{\"type\":\"authorization\",\"id\":\"q2Jx9Vd0LrT5mC8sK1wZ4bN7\",\"attributes\":"
          + "{\"authorize_url\":\"https://crm.example.com/oauth/authorize?response_type=code"
          + "&client_id=credflow&state=q2Jx9Vd0LrT5mC8sK1wZ4bN7\",\"state\":"
          + "\"q2Jx9Vd0LrT5mC8sK1wZ4bN7\",\"redirect_uri\":"
          + "\"https://credflow.example.com/callback/oauth2\",\"expires_at\":"
          + "\"2026-12-06T09:10:00Z\"}}";
  private static final String FLOW_STEPS =
      "[{\"id\":\"order\",\"name\":\"Read the order\",\"component\":{\"id\":"
          + "\"COMPONENT_ID\"},\"function\":\"httpRequest\",\"credential\":{\"id\":"
          + "\"CREDENTIAL_ID\"},\"config\":{\"reader\":{\"method\":\"GET\",\"url\":"
          + "\"\\\"https://api.example.com/orders/\\\" & body.body.id\"}}}]";
  private static final String FLOW_CREATE =
      "{\"data\":{\"type\":\"flow\",\"attributes\":{\"name\":\"Orders to CRM\",\"status\":"
          + "\"draft\",\"trigger\":{\"type\":\"webhook\",\"signatureHeader\":\"X-Signature\","
          + "\"secret\":\"at-least-16-characters\"},\"steps\":"
          + FLOW_STEPS
          + "}}}";
  private static final String FLOW =
      "{\"type\":\"flow\",\"id\":\"8b0d7d0f7df6966cd0af5b7d\",\"attributes\":{\"name\":"
          + "\"Orders to CRM\",\"status\":\"draft\",\"version\":1,\"trigger\":{\"type\":"
          + "\"webhook\",\"signatureHeader\":\"X-Signature\",\"url\":"
          + "\"https://credflow.example.com/hooks/0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978\","
          + "\"signed\":true},\"steps\":"
          + FLOW_STEPS
          + ",\"created_at\":\"2026-12-06T09:00:00Z\",\"updated_at\":\"2026-12-06T09:00:00Z\"},"
          + "\"relationships\":{\"workspace\":{\"data\":{\"type\":\"workspace\",\"id\":"
          + "\"4d6a4adc4ac3633fad7c2e4a\"}}}}";
  private static final String DRAFT =
      "{\"type\":\"flow-draft\",\"id\":\"8b0d7d0f7df6966cd0af5b7d\",\"attributes\":{\"trigger\":"
          + "{\"type\":\"webhook\"},\"steps\":"
          + FLOW_STEPS
          + ",\"base_version\":1,\"saved_at\":\"2026-12-06T09:00:00Z\"},\"relationships\":"
          + "{\"flow\":{\"data\":{\"type\":\"flow\",\"id\":\"8b0d7d0f7df6966cd0af5b7d\"}}}}";
  private static final String RUN_ATTRIBUTES =
      "\"status\":\"succeeded\",\"trigger\":\"manual\",\"flow_version\":1,\"step_index\":1,"
          + "\"error\":null,\"failed_step\":null,\"message\":{\"body\":{\"order\":42}},"
          + "\"created_at\":\"2026-12-06T09:00:00Z\",\"finished_at\":\"2026-12-06T09:00:01Z\","
          + "\"request_id\":\"3f2a9c1e-7b4d-4e8a-9c0f-1d2e3f4a5b6c\"";
  private static final String RUN_RELATIONSHIPS =
      "\"relationships\":{\"flow\":{\"data\":{\"type\":\"flow\",\"id\":"
          + "\"8b0d7d0f7df6966cd0af5b7d\"}},\"workspace\":{\"data\":{\"type\":\"workspace\","
          + "\"id\":\"4d6a4adc4ac3633fad7c2e4a\"}}}";
  private static final String RUN =
      "{\"type\":\"run\",\"id\":\"9c0d1e2f3a4b5c6d7e8f9a0b\",\"attributes\":{"
          + RUN_ATTRIBUTES
          + "},"
          + RUN_RELATIONSHIPS
          + "}";
  private static final String RUN_WITH_STEPS =
      "{\"type\":\"run\",\"id\":\"9c0d1e2f3a4b5c6d7e8f9a0b\",\"attributes\":{"
          + RUN_ATTRIBUTES
          + ",\"steps\":[{\"index\":0,\"id\":\"order\",\"name\":\"Read the order\","
          + "\"credential\":\"5e1f0c2d9a8b7c6d5e4f3a2b\",\"status\":\"succeeded\",\"attempts\":1,"
          + "\"rebounds\":0,\"output\":{\"statusCode\":200,\"HTTPHeaders\":{},\"responseBody\":"
          + "{\"id\":42}},\"error\":null,\"not_before\":null,\"started_at\":"
          + "\"2026-12-06T09:00:00Z\",\"finished_at\":\"2026-12-06T09:00:01Z\",\"input\":{\"body\":"
          + "{\"order\":42},\"passthrough\":[\"trigger\"],\"attachments\":[]}}]},"
          + RUN_RELATIONSHIPS
          + "}";
}
