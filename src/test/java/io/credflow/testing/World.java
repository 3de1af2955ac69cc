package io.credflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Builds the usual test world through the API: a tenant with a contract and workspace, a REST API
 * V2 component, and users with roles. Each call asserts its own success so a broken step fails
 * loudly where it happened.
 */
public final class World {
  public static final List<String> REST_API_TYPES = List.of("oauth2", "basic", "api_key", "noauth");

  private final TestServer server;

  public World(TestServer server) {
    this.server = server;
  }

  /** One tenant's ids and the API keys of its admin and member. */
  public record Tenancy(
      String tenant,
      String contract,
      String workspace,
      String component,
      String adminKey,
      String adminId,
      String memberKey,
      String memberId) {}

  public Tenancy tenancy(String label) {
    Api admin = server.admin();
    String tenant =
        created(admin.post("/v2/tenants", doc("tenant", Map.of("name", label), Map.of())));
    String contract =
        created(
            admin.post(
                "/v2/contracts",
                doc(
                    "contract",
                    Map.of("name", label + " contract"),
                    Map.of("tenant", rel("tenant", tenant)))));
    String workspace =
        created(
            admin.post(
                "/v2/workspaces",
                doc(
                    "workspace",
                    Map.of("name", label + " workspace"),
                    Map.of("contract", rel("contract", contract)))));
    String component = component(tenant, REST_API_TYPES);
    Api.Response tenantAdmin = user(label + "-admin@example.com");
    Api.Response member = user(label + "-member@example.com");
    member(admin, "tenants", tenant, tenantAdmin.id(), "admin");
    member(admin, "workspaces", workspace, member.id(), "member");
    return new Tenancy(
        tenant,
        contract,
        workspace,
        component,
        tenantAdmin.body().path("meta").path("api_key").asText(),
        tenantAdmin.id(),
        member.body().path("meta").path("api_key").asText(),
        member.id());
  }

  public String component(String tenant, List<String> types) {
    Map<String, Object> descriptor =
        Map.of(
            "title",
            "REST API V2",
            "authClientTypes",
            types,
            "credentials",
            Map.of(
                "fields", Map.of("auth", Map.of("required", false, "viewClass", "HTTPAuthView"))));
    return created(
        server
            .admin()
            .post(
                "/v2/components",
                doc(
                    "component",
                    Map.of("name", "REST API V2", "descriptor", descriptor),
                    Map.of("tenant", rel("tenant", tenant)))));
  }

  /** An Instagram component (OAuthFieldView, the seed's scopes) deployed at the tenant. */
  public String instagramComponent(String tenant) {
    Map<String, Object> descriptor =
        Map.of(
            "title",
            "Instagram",
            "authClientTypes",
            List.of("oauth2_instagram"),
            "credentials",
            Map.of(
                "fields",
                Map.of("auth", Map.of("required", true, "viewClass", "OAuthFieldView")),
                "oauth2",
                Map.of("scopes", List.of("user_profile", "user_media"))));
    return created(
        server
            .admin()
            .post(
                "/v2/components",
                doc(
                    "component",
                    Map.of("name", "Instagram", "descriptor", descriptor),
                    Map.of("tenant", rel("tenant", tenant)))));
  }

  public Api.Response user(String email) {
    Api.Response r =
        server.admin().post("/v2/users", doc("user", Map.of("email", email), Map.of()));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r;
  }

  public static void member(Api api, String levelPlural, String id, String userId, String role) {
    Api.Response r =
        api.post(
            "/v2/" + levelPlural + "/" + id + "/members",
            doc("member", Map.of("role", role), Map.of("user", rel("user", userId))));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  /** Creates an auth-client owned by the tenant; returns its id. */
  public String authClient(
      Api api, String tenant, String component, String type, Object credentials) {
    return created(
        api.post("/v2/auth-clients", authClientDoc(tenant, component, type, credentials)));
  }

  public static ObjectNode authClientDoc(
      String tenant, String component, String type, Object credentials) {
    ObjectNode doc =
        doc(
            "auth-client",
            Map.of("type", type, "name", type + " client", "credentials", credentials),
            Map.of("tenant", rel("tenant", tenant)));
    ObjectNode rels = (ObjectNode) doc.path("data").path("relationships");
    rels.putObject("components")
        .putArray("data")
        .addObject()
        .put("type", "component")
        .put("id", component);
    return doc;
  }

  public static ObjectNode credentialDoc(String name, String authClient, Object credentials) {
    return doc(
        "credential",
        Map.of("name", name, "credentials", credentials),
        Map.of("auth_client", rel("auth-client", authClient)));
  }

  public static ObjectNode doc(
      String type, Map<String, Object> attributes, Map<String, JsonNode> relationships) {
    ObjectNode doc = Api.JSON.createObjectNode();
    ObjectNode data = doc.putObject("data");
    data.put("type", type);
    data.set("attributes", Api.JSON.valueToTree(attributes));
    if (!relationships.isEmpty()) {
      ObjectNode rels = data.putObject("relationships");
      relationships.forEach(rels::set);
    }
    return doc;
  }

  public static JsonNode rel(String type, String id) {
    ObjectNode r = Api.JSON.createObjectNode();
    r.putObject("data").put("type", type).put("id", id);
    return r;
  }

  public static String created(Api.Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.id();
  }
}
