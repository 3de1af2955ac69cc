package io.credflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Components;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.documents.Resource;
import java.util.List;
import java.util.Map;

/**
 * Builds the usual test world through the API: a tenant with a contract and workspace, a REST API
 * V2 component, and users with roles. Each call asserts its own success so a broken step fails
 * loudly where it happened.
 */
public final class World {
  public static final List<String> REST_API_TYPES = Components.REST_API_TYPES;

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
      String memberId) {

    /** The workspace's credentials and events as the member on {@code server}. */
    public WorkspaceApi member(TestServer server) {
      return new WorkspaceApi(server.as(memberKey), workspace);
    }
  }

  public Tenancy tenancy(String label) {
    Api admin = server.admin();
    String tenant = tenant(admin, label);
    String contract = contract(admin, tenant, label + " contract");
    String workspace = workspace(admin, contract, label + " workspace");
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
        apiKey(tenantAdmin),
        tenantAdmin.id(),
        apiKey(member),
        member.id());
  }

  /** Creates a tenant named {@code name}; returns its id. */
  public static String tenant(Api admin, String name) {
    return created(
        admin.post("/v2/tenants", Resource.of("tenant").attribute("name", name).build()));
  }

  /** Creates a contract of {@code tenant} named {@code name}; returns its id. */
  public static String contract(Api admin, String tenant, String name) {
    return created(admin.post("/v2/contracts", named("contract", name, "tenant", tenant)));
  }

  /** Creates a workspace under {@code contract} named {@code name}; returns its id. */
  public static String workspace(Api admin, String contract, String name) {
    return created(admin.post("/v2/workspaces", named("workspace", name, "contract", contract)));
  }

  private static ObjectNode named(String type, String name, String parentType, String parent) {
    return Resource.of(type)
        .attribute("name", name)
        .relationship(parentType, parentType, parent)
        .build();
  }

  /** A REST API V2 component of {@code tenant} accepting {@code types}; returns its id. */
  public String component(String tenant, List<String> types) {
    return Components.restApiV2().types(types).tenant(tenant).create(server.admin());
  }

  /** An Instagram component (OAuthFieldView, the seed's scopes) deployed at the tenant. */
  public String instagramComponent(String tenant) {
    return Components.instagram().tenant(tenant).create(server.admin());
  }

  public Api.Response user(String email) {
    Api.Response r =
        server.admin().post("/v2/users", Resource.of("user").attribute("email", email).build());
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r;
  }

  /** The API key a user's creation answered with (shown once). */
  public static String apiKey(Api.Response createdUser) {
    return createdUser.body().path("meta").path("api_key").asText();
  }

  public static void member(Api api, String levelPlural, String id, String userId, String role) {
    Api.Response r =
        api.post(
            "/v2/" + levelPlural + "/" + id + "/members",
            Resource.of("member")
                .attribute("role", role)
                .relationship("user", "user", userId)
                .build());
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
    return AuthClients.of(type)
        .credentialsAsGiven(credentials)
        .tenant(tenant)
        .components(component)
        .build();
  }

  public static ObjectNode credentialDoc(String name, String authClient, Object credentials) {
    return Credentials.named(name).authClient(authClient).secretsAsGiven(credentials).build();
  }

  public static ObjectNode doc(
      String type, Map<String, Object> attributes, Map<String, JsonNode> relationships) {
    Resource doc = Resource.of(type).attributes(attributes);
    relationships.forEach(doc::relationship);
    return doc.build();
  }

  public static JsonNode rel(String type, String id) {
    return Resource.rel(type, id);
  }

  public static String created(Api.Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.id();
  }
}
