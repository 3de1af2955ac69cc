package io.credflow.api;

import static io.credflow.api.ApiFixtures.fixture;
import static io.credflow.api.ApiFixtures.ids;
import static io.credflow.api.ApiFixtures.oauth2Credentials;
import static io.credflow.api.ApiFixtures.pointers;
import static io.credflow.api.ApiFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.authclient.ApiKeySettings;
import io.credflow.authclient.AuthClient;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.Secret;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Components;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.documents.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthClientApiTest {
  private static final String CREDENTIALS = "/data/attributes/credentials";
  private static final String MASK = "********";

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.configuredDatabase().tenancy("authclients");

  /** A component of the shared tenant that accepts oauth2_instagram (OAuthFieldView + scopes). */
  private static String instagramComponent;

  private final TestServer server = credflow.server();
  private final World world = credflow.world();
  private final World.Tenancy shared = credflow.tenancy();

  /** A noauth auth-client named "n" for the shared tenancy's component, owner still open. */
  private final AuthClients.Builder plainForShared =
      AuthClients.noauth().name("n").components(shared.component());

  @BeforeAll
  static void instagramComponent() {
    instagramComponent =
        Components.named("Instagram", fixture("component-instagram.json"))
            .tenant(credflow.tenancy().tenant())
            .create(credflow.admin());
  }

  private static Api admin() {
    return credflow.admin();
  }

  private static Api.Response post(ObjectNode doc) {
    return admin().post("/v2/auth-clients", doc);
  }

  private static Api.Response tenantOwned(String type, Object credentials) {
    World.Tenancy shared = credflow.tenancy();
    return AuthClients.of(type)
        .credentialsAsGiven(credentials)
        .components(type.equals("oauth2_instagram") ? instagramComponent : shared.component())
        .tenant(shared.tenant())
        .post(admin());
  }

  private static ObjectNode patchDoc(String id, Map<String, Object> attributes) {
    return Resource.of("auth-client").id(id).attributes(attributes).build();
  }

  /** PATCHes auth-client {@code id}'s {@code attributes} as the global admin. */
  private static Api.Response patch(String id, Map<String, Object> attributes) {
    return admin().patch("/v2/auth-clients/" + id, patchDoc(id, attributes));
  }

  private static AuthClient stored(String id) {
    return credflow.server().credflow().services().authClients().findUnchecked(id).orElseThrow();
  }

  private static String storedClientSecret(String id) {
    return switch (stored(id).settings()) {
      case OAuth2Settings o -> o.clientSecret().reveal();
      case InstagramSettings i -> i.clientSecret().reveal();
      default -> throw new AssertionError("not an OAuth auth-client: " + id);
    };
  }

  private static void assertNoWarnings(Api.Response r) {
    assertThat(r.body().path("meta").path("warnings").size()).as(r.text()).isZero();
  }

  // create

  @Test
  void createWhenSeedNoauthBodyWithIdsSubstitutedThen201WithLocation() {
    String body =
        fixture("auth-client-noauth.json")
            .toString()
            .replace("COMPONENT_ID", shared.component())
            .replace("TENANT_ID", shared.tenant());

    Api.Response r = admin().post("/v2/auth-clients", body);

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.header("Location")).contains("/v2/auth-clients/" + r.id());
    assertThat(r.data().path("type").asText()).isEqualTo("auth-client");
    assertThat(r.attributes().path("type").asText()).isEqualTo("noauth");
    assertThat(r.attributes().path("name").asText()).isEqualTo("No Auth");
    assertThat(r.attributes().path("credentials").isObject()).isTrue();
    assertThat(r.attributes().path("credentials").size()).isZero();
    JsonNode rels = r.data().path("relationships");
    assertThat(rels.path("components").path("data").get(0).path("id").asText())
        .isEqualTo(shared.component());
    assertThat(rels.path("tenant").path("data").path("id").asText()).isEqualTo(shared.tenant());
    assertNoWarnings(r);
    assertThat(admin().get("/v2/auth-clients/" + r.id()).status()).isEqualTo(200);
  }

  @Test
  void createWhenEachOfTheFiveTypesHasValidCredentialsThen201() {
    Map<String, Object> byType = new java.util.LinkedHashMap<>();
    byType.put("noauth", Map.of());
    byType.put("basic", Map.of("name", "svc-user"));
    byType.put("api_key", Map.of("name", "X-Api-Key", "value", "shared-key", "in", "header"));
    byType.put("oauth2", oauth2Credentials(unique("cid"), "s1"));
    byType.put("oauth2_instagram", Map.of("client_id", unique("ig"), "client_secret", "s2"));

    byType.forEach(
        (type, credentials) -> {
          Api.Response r = tenantOwned(type, credentials);

          assertThat(r.status()).as(type + ": " + r.text()).isEqualTo(201);
          assertThat(r.attributes().path("type").asText()).isEqualTo(type);
          assertThat(admin().get("/v2/auth-clients/" + r.id()).attributes().path("type").asText())
              .isEqualTo(type);
        });
  }

  @Test
  void createWhenOAuth2WithOnlyRequiredMembersThenReadsShowTheDefaults() {
    Api.Response r = tenantOwned("oauth2", oauth2Credentials(unique("cid"), "s"));

    JsonNode c = r.attributes().path("credentials");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(c.path("token_expires_in").asLong()).isEqualTo(3600);
    assertThat(c.path("client_auth").asText()).isEqualTo("post");
    assertThat(c.path("pkce").asBoolean()).isTrue();
    OAuth2Settings s = (OAuth2Settings) stored(r.id()).settings();
    assertThat(s.effectiveRefreshUri()).isEqualTo(s.tokenUri());
  }

  @Test
  void createWhenSeedOAuth2CredentialsWithRealEndpointsThenTheirValuesAreKept() {
    ObjectNode seed = (ObjectNode) fixture("auth-client-credentials.json").get("oauth2").deepCopy();
    seed.put("client_id", unique("seed"));
    seed.put("auth_uri", "https://idp.example.com/authorize");
    seed.put("token_uri", "https://idp.example.com/token");

    Api.Response r = tenantOwned("oauth2", seed);

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode c = r.attributes().path("credentials");
    assertThat(c.path("refresh_token_uri").asText()).isEqualTo("http://example.com");
    assertThat(c.path("token_expires_in").asLong()).isEqualTo(18000);
    assertThat(c.path("client_secret").asText()).isEqualTo(MASK);
  }

  @Test
  void createWhenSeedOAuth2CredentialsAsTheyAreThen422BecauseTheirEndpointsAreNotUrls() {
    Api.Response r = tenantOwned("oauth2", fixture("auth-client-credentials.json").get("oauth2"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r))
        .containsExactlyInAnyOrder(CREDENTIALS + "/auth_uri", CREDENTIALS + "/token_uri");
  }

  @Test
  void createWhenSeedBasicAndApiKeyCredentialsThen201() {
    JsonNode seed = fixture("auth-client-credentials.json");

    Api.Response basic = tenantOwned("basic", seed.get("basic"));
    Api.Response apiKey = tenantOwned("api_key", seed.get("api_key"));

    assertThat(basic.status()).as(basic.text()).isEqualTo(201);
    assertThat(basic.attributes().path("credentials").path("name").asText()).isEqualTo("USER_NAME");
    assertThat(apiKey.status()).as(apiKey.text()).isEqualTo(201);
    assertThat(apiKey.attributes().path("credentials").path("name").asText())
        .isEqualTo("HEADER_NAME");
    assertThat(apiKey.attributes().path("credentials").path("value").asText()).isEqualTo(MASK);
    assertThat(apiKey.attributes().path("credentials").path("in").asText()).isEqualTo("header");
  }

  /** A create that must fail: the auth-client type, its credentials, the pointers expected. */
  private record Invalid(String type, Map<String, Object> credentials, List<String> members) {}

  @Test
  void createWhenCredentialsAreInvalidForTheirTypeThen422WithAPointerPerMember() {
    List<Invalid> cases =
        List.of(
            new Invalid("noauth", Map.of("name", "x"), List.of("name")),
            new Invalid("basic", Map.of("name", 7, "password", "p"), List.of("name", "password")),
            new Invalid("api_key", Map.of("value", "k"), List.of("name")),
            new Invalid(
                "oauth2",
                Map.of("client_id", "c"),
                List.of("client_secret", "auth_uri", "token_uri")),
            new Invalid("oauth2_instagram", Map.of("client_secret", "s"), List.of("client_id")));

    for (Invalid c : cases) {
      Api.Response r = tenantOwned(c.type(), c.credentials());

      assertThat(r.status()).as(c.type() + ": " + r.text()).isEqualTo(422);
      assertThat(pointers(r))
          .as(c.type())
          .containsExactlyInAnyOrderElementsOf(
              c.members().stream().map(m -> CREDENTIALS + "/" + m).toList());
      r.body()
          .path("errors")
          .forEach(
              e -> {
                assertThat(e.path("status").asText()).isEqualTo("422");
                assertThat(e.path("detail").asText()).isNotBlank();
              });
    }
  }

  @Test
  void createWhenApiKeyHeaderNameIsInvalidOrPlacementUnknownThen422AtThatMember() {
    Api.Response badName = tenantOwned("api_key", Map.of("name", "X Api Key", "value", "k"));
    Api.Response badIn = tenantOwned("api_key", Map.of("name", "X-Key", "in", "cookie"));

    assertThat(badName.status()).as(badName.text()).isEqualTo(422);
    assertThat(pointers(badName)).containsExactly(CREDENTIALS + "/name");
    assertThat(badName.error().path("code").asText()).isEqualTo("invalid_header_name");
    assertThat(badIn.status()).as(badIn.text()).isEqualTo(422);
    assertThat(pointers(badIn)).containsExactly(CREDENTIALS + "/in");
  }

  @Test
  void createWhenApiKeyInQueryThen201AndReadShowsQuery() {
    Api.Response r = tenantOwned("api_key", Map.of("name", "api_key", "in", "query"));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().path("credentials").path("in").asText()).isEqualTo("query");
    assertThat(r.attributes().path("credentials").has("value")).isFalse();
  }

  @Test
  void createWhenOAuth2ExtraAuthParamsSetsAReservedNameThen422() {
    Map<String, Object> credentials = new HashMap<>(oauth2Credentials(unique("cid"), "s"));
    credentials.put("extra_auth_params", Map.of("redirect_uri", "https://evil.example.com"));

    Api.Response r = tenantOwned("oauth2", credentials);

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(CREDENTIALS + "/extra_auth_params");
  }

  @Test
  void createWhenUnknownMembersForTheTypeThen422NamingEach() {
    Map<String, Object> oauth2 = new HashMap<>(oauth2Credentials(unique("cid"), "s"));
    oauth2.put("exchange_uri", "https://x.example.com");
    Map<String, Object> instagram =
        Map.of(
            "client_id", "ig", "client_secret", "s", "refresh_token_uri", "https://x.example.com");

    Api.Response r1 = tenantOwned("oauth2", oauth2);
    Api.Response r2 = tenantOwned("oauth2_instagram", instagram);
    Api.Response r3 = tenantOwned("api_key", Map.of("name", "X-Key", "header", "X-Key"));

    assertThat(r1.status()).isEqualTo(422);
    assertThat(pointers(r1)).containsExactly(CREDENTIALS + "/exchange_uri");
    assertThat(r1.error().path("code").asText()).isEqualTo("unknown_member");
    assertThat(r2.status()).isEqualTo(422);
    assertThat(pointers(r2)).containsExactly(CREDENTIALS + "/refresh_token_uri");
    assertThat(r3.status()).isEqualTo(422);
    assertThat(pointers(r3)).containsExactly(CREDENTIALS + "/header");
  }

  @Test
  void createWhenUnknownMemberNameHoldsASlashOrTildeThenPointerEscapesIt() {
    Api.Response r = tenantOwned("noauth", Map.of("a/b", 1, "c~d", 2));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactlyInAnyOrder(CREDENTIALS + "/a~1b", CREDENTIALS + "/c~0d");
  }

  @Test
  void createWhenUnknownAttributeThen422AtIt() {
    ObjectNode doc = plainForShared.tenant(shared.tenant()).build();
    ((ObjectNode) doc.at("/data/attributes")).put("colour", "red");

    Api.Response r = post(doc);

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly("/data/attributes/colour");
  }

  @Test
  void createWhenTypeIsMisspelledThen422AtType() {
    Api.Response r = tenantOwned("Basic", Map.of("name", "u"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("code").asText()).isEqualTo("invalid_auth_client_type");
    assertThat(pointers(r)).containsExactly("/data/attributes/type");
  }

  @Test
  void createWhenComponentDoesNotAcceptTypeThen422NamesTheComponentAndItsTypes() {
    Api.Response r =
        AuthClients.instagram()
            .name("ig")
            .credential("client_id", "ig")
            .credential("client_secret", "s")
            .in(shared)
            .post(admin());

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly("/data/relationships/components/data/0");
    assertThat(r.error().path("detail").asText())
        .contains(shared.component())
        .contains("oauth2")
        .contains("basic")
        .contains("api_key")
        .contains("noauth");
  }

  @Test
  void createWhenSecondOfTwoComponentsDoesNotAcceptTypeThen422AtThatComponent() {
    Api.Response r =
        AuthClients.basic()
            .name("b")
            .credential("name", "u")
            .components(shared.component(), instagramComponent)
            .tenant(shared.tenant())
            .post(admin());

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly("/data/relationships/components/data/1");
    assertThat(r.error().path("detail").asText())
        .contains(instagramComponent)
        .contains("oauth2_instagram");
  }

  @Test
  void createWhenComponentsAreMissingOrEmptyThen422() {
    ObjectNode missing =
        Resource.of("auth-client")
            .attributes(Map.of("type", "noauth", "name", "n", "credentials", Map.of()))
            .relationship("tenant", "tenant", shared.tenant())
            .build();
    ObjectNode empty = AuthClients.noauth().name("n").tenant(shared.tenant()).build();

    Api.Response r1 = post(missing);
    Api.Response r2 = post(empty);

    assertThat(r1.status()).as(r1.text()).isEqualTo(422);
    assertThat(pointers(r1).get(0)).startsWith("/data/relationships/components");
    assertThat(r2.status()).as(r2.text()).isEqualTo(422);
    assertThat(pointers(r2).get(0)).startsWith("/data/relationships/components");
    assertThat(r2.error().path("code").asText()).isEqualTo("missing_components");
    assertThat(pointers(r2)).containsExactly("/data/relationships/components/data");
  }

  @Test
  void createWhenAComponentIsListedTwiceThen422AtTheRepeat() {
    Api.Response r =
        AuthClients.noauth()
            .name("n")
            .components(shared.component(), shared.component())
            .tenant(shared.tenant())
            .post(admin());

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly("/data/relationships/components/data/1");
  }

  @Test
  void createWhenOwnerIsInAnotherTenantThanTheComponentsThen422AtTheOwner() {
    World.Tenancy other = world.tenancy(unique("owner-elsewhere"));

    Api.Response r = plainForShared.contract(other.contract()).post(admin());

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly("/data/relationships/contract");
  }

  @Test
  void createWhenTwoOwnersAreNamedThen422() {
    ObjectNode doc = plainForShared.tenant(shared.tenant()).build();
    ((ObjectNode) doc.at("/data/relationships"))
        .set("workspace", Resource.rel("workspace", shared.workspace()));

    Api.Response r = post(doc);

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r).get(0)).startsWith("/data/relationships/");
  }

  @Test
  void createWhenNoOwnerThenComponentLevel() {
    Api.Response r = plainForShared.post(admin());

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().path("level").asText()).isEqualTo("component");
    assertThat(r.data().path("relationships").has("tenant")).isFalse();
    assertThat(r.data().path("relationships").has("workspace")).isFalse();
  }

  @Test
  void createWhenCallerIsAWorkspaceMemberThen403() {
    Api member = server.as(shared.memberKey());

    Api.Response atWorkspace = plainForShared.workspace(shared.workspace()).post(member);
    Api.Response atTenant = plainForShared.tenant(shared.tenant()).post(member);

    assertThat(atWorkspace.status()).as(atWorkspace.text()).isEqualTo(403);
    assertThat(atTenant.status()).as(atTenant.text()).isEqualTo(403);
  }

  @Test
  void createWhenTenantAdminMakesOneForTheirWorkspaceThen201() {
    Api.Response r =
        AuthClients.basic()
            .name("b")
            .credential("name", "u")
            .components(shared.component())
            .workspace(shared.workspace())
            .post(server.as(shared.adminKey()));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().path("level").asText()).isEqualTo("workspace");
  }

  // secrets

  @Test
  void readsWhenAuthClientsHaveSecretsThenPostGetAndListShowOnlyTheMask() {
    World.Tenancy t = world.tenancy(unique("masked"));
    String clientSecret = "client-secret-" + unique("zz");
    String apiKey = "shared-api-key-" + unique("zz");
    Api.Response oauth =
        AuthClients.oauth2()
            .clientId(unique("cid"))
            .clientSecret(clientSecret)
            .name("o")
            .in(t)
            .post(admin());
    Api.Response key =
        AuthClients.apiKey()
            .name("k")
            .credential("name", "X-Api-Key")
            .credential("value", apiKey)
            .in(t)
            .post(admin());

    Api.Response getOauth = admin().get("/v2/auth-clients/" + oauth.id());
    Api.Response getKey = admin().get("/v2/auth-clients/" + key.id());
    Api.Response list = admin().get("/v2/auth-clients?workspace_id=" + t.workspace());

    for (Api.Response r : List.of(oauth, getOauth)) {
      assertThat(r.attributes().path("credentials").path("client_secret").asText()).isEqualTo(MASK);
    }
    for (Api.Response r : List.of(key, getKey)) {
      assertThat(r.attributes().path("credentials").path("value").asText()).isEqualTo(MASK);
    }
    assertThat(ids(list)).containsExactly(oauth.id(), key.id());
    assertThat(list.body().at("/data/0/attributes/credentials/client_secret").asText())
        .isEqualTo(MASK);
    assertThat(list.body().at("/data/1/attributes/credentials/value").asText()).isEqualTo(MASK);
    for (Api.Response r : List.of(oauth, key, getOauth, getKey, list)) {
      assertThat(r.text()).doesNotContain(clientSecret).doesNotContain(apiKey);
    }
    assertThat(storedClientSecret(oauth.id())).isEqualTo(clientSecret);
  }

  // duplicate secrets

  @Test
  void createWhenSameClientIdAndSecretVisibleFromACommonWorkspaceThen201WithWarning() {
    String clientId = unique("dup");
    Api.Response first = tenantOwned("oauth2", oauth2Credentials(clientId, "same-secret"));

    Api.Response second = tenantOwned("oauth2", oauth2Credentials(clientId, "same-secret"));

    assertThat(first.status()).isEqualTo(201);
    assertNoWarnings(first);
    assertThat(second.status()).as(second.text()).isEqualTo(201);
    JsonNode warnings = second.body().path("meta").path("warnings");
    assertThat(warnings.size()).isEqualTo(1);
    assertThat(warnings.get(0).path("code").asText()).isEqualTo("duplicate_client_secret");
    assertThat(warnings.get(0).path("auth_client").asText()).isEqualTo(first.id());
    assertThat(warnings.get(0).path("detail").asText()).isNotBlank().doesNotContain("same-secret");
    assertThat(second.text()).doesNotContain("same-secret");
  }

  @Test
  void createWhenInstagramAuthClientRepeatsIdAndSecretThenWarning() {
    String clientId = unique("igdup");
    Api.Response first =
        tenantOwned("oauth2_instagram", Map.of("client_id", clientId, "client_secret", "ig-s"));

    Api.Response second =
        tenantOwned("oauth2_instagram", Map.of("client_id", clientId, "client_secret", "ig-s"));

    assertThat(second.status()).as(second.text()).isEqualTo(201);
    assertThat(second.body().at("/meta/warnings/0/code").asText())
        .isEqualTo("duplicate_client_secret");
    assertThat(second.body().at("/meta/warnings/0/auth_client").asText()).isEqualTo(first.id());
  }

  @Test
  void createWhenSameClientIdButAnotherSecretThenNoWarning() {
    String clientId = unique("nodup");
    tenantOwned("oauth2", oauth2Credentials(clientId, "secret-one"));

    Api.Response second = tenantOwned("oauth2", oauth2Credentials(clientId, "secret-two"));

    assertThat(second.status()).as(second.text()).isEqualTo(201);
    assertNoWarnings(second);
  }

  @Test
  void createWhenSameIdAndSecretButOwnedByWorkspacesThatShareNothingThenNoWarning() {
    World.Tenancy t = world.tenancy(unique("apart"));
    ApiFixtures.Place other = ApiFixtures.place(server, t.tenant(), unique("apart-2"));
    String clientId = unique("apart");
    AuthClients.Builder same = AuthClients.oauth2().clientId(clientId).clientSecret("shh");
    Api.Response first =
        same.name("one").components(t.component()).workspace(t.workspace()).post(admin());

    Api.Response second =
        same.name("two").components(t.component()).workspace(other.workspace()).post(admin());

    assertThat(first.status()).as(first.text()).isEqualTo(201);
    assertThat(second.status()).as(second.text()).isEqualTo(201);
    assertNoWarnings(second);
  }

  @Test
  void createWhenSameIdAndSecretAtTenantAndInOneOfItsWorkspacesThenWarning() {
    World.Tenancy t = world.tenancy(unique("nested"));
    String clientId = unique("nested");
    AuthClients.Builder same = AuthClients.oauth2().clientId(clientId).clientSecret("shh");
    Api.Response atTenant = same.name("tenant-wide").in(t).post(admin());

    Api.Response inWorkspace =
        same.name("ws").components(t.component()).workspace(t.workspace()).post(admin());

    assertThat(inWorkspace.status()).as(inWorkspace.text()).isEqualTo(201);
    assertThat(inWorkspace.body().at("/meta/warnings/0/auth_client").asText())
        .isEqualTo(atTenant.id());
  }

  @Test
  void createWhenComponentLevelAuthClientSharesIdAndSecretWithAWorkspaceOneThenWarning() {
    World.Tenancy t = world.tenancy(unique("component-level-dup"));
    String clientId = unique("cl");
    AuthClients.Builder same = AuthClients.oauth2().clientId(clientId).clientSecret("shh");
    Api.Response componentLevel = same.name("cl").components(t.component()).post(admin());

    Api.Response inWorkspace =
        same.name("ws").components(t.component()).workspace(t.workspace()).post(admin());

    assertThat(componentLevel.status()).as(componentLevel.text()).isEqualTo(201);
    assertThat(inWorkspace.body().at("/meta/warnings/0/auth_client").asText())
        .isEqualTo(componentLevel.id());
  }

  @Test
  void createWhenTheSameSecretIsHeldByAnAuthClientTheCallerCannotManageThenNoWarningConfirmsIt() {
    World.Tenancy t = world.tenancy(unique("guess"));
    String clientId = unique("guess");
    Api.Response tenantWide =
        AuthClients.oauth2()
            .clientId(clientId)
            .clientSecret("the-tenant-secret")
            .name("tenant-wide")
            .in(t)
            .post(server.as(t.adminKey()));
    assertThat(tenantWide.status()).as(tenantWide.text()).isEqualTo(201);
    // A workspace admin sees the tenant's auth-client (its secret masked) but may not change it.
    Api.Response wsAdmin = world.user(unique("ws-admin") + "@example.com");
    World.member(admin(), "workspaces", t.workspace(), wsAdmin.id(), "admin");
    Api workspaceAdmin = server.as(World.apiKey(wsAdmin));
    assertThat(workspaceAdmin.get("/v2/auth-clients/" + tenantWide.id()).status()).isEqualTo(200);

    for (String guess : List.of("a-wrong-guess", "the-tenant-secret")) {
      Api.Response mine =
          AuthClients.oauth2()
              .clientId(clientId)
              .clientSecret(guess)
              .name("guess " + guess)
              .components(t.component())
              .workspace(t.workspace())
              .post(workspaceAdmin);

      assertThat(mine.status()).as(mine.text()).isEqualTo(201);
      assertNoWarnings(mine);
      assertThat(mine.text()).doesNotContain(tenantWide.id());
    }
  }

  @Test
  void createWhenTheCallerManagesTheAuthClientWithTheSameSecretThenWarning() {
    World.Tenancy t = world.tenancy(unique("own-dup"));
    String clientId = unique("own-dup");
    Api tenantAdmin = server.as(t.adminKey());
    AuthClients.Builder same = AuthClients.oauth2().clientId(clientId).clientSecret("ours");
    Api.Response first = same.name("first").in(t).post(tenantAdmin);

    Api.Response second =
        same.name("second").components(t.component()).workspace(t.workspace()).post(tenantAdmin);

    assertThat(second.status()).as(second.text()).isEqualTo(201);
    assertThat(second.body().at("/meta/warnings/0/auth_client").asText()).isEqualTo(first.id());
  }

  @Test
  void createWhenSameIdAndSecretInAnotherTenantThenNoWarning() {
    World.Tenancy t1 = world.tenancy(unique("tenant-a"));
    World.Tenancy t2 = world.tenancy(unique("tenant-b"));
    String clientId = unique("cross");
    AuthClients.Builder same = AuthClients.oauth2().clientId(clientId).clientSecret("shh");
    same.name("a").in(t1).post(admin());

    Api.Response second = same.name("b").in(t2).post(admin());

    assertThat(second.status()).as(second.text()).isEqualTo(201);
    assertNoWarnings(second);
  }

  // visibility and lists

  @Test
  void listForWorkspaceWhenAuthClientsAtEveryLevelThenOnlyThoseTheWorkspaceCanUse() {
    World.Tenancy t = world.tenancy(unique("levels"));
    ApiFixtures.Place other = ApiFixtures.place(server, t.tenant(), unique("levels-2"));
    String wsComponent =
        ApiFixtures.component(
            server, ApiFixtures.plainDescriptor(List.of("noauth")), "workspace", t.workspace());
    List<String> c = List.of(t.component());
    String tenantLevel =
        AuthClients.noauth().name("t").components(c).tenant(t.tenant()).create(admin());
    String contractLevel =
        AuthClients.noauth().name("c").components(c).contract(t.contract()).create(admin());
    String workspaceLevel =
        AuthClients.noauth().name("w").components(c).workspace(t.workspace()).create(admin());
    String componentLevel = AuthClients.noauth().name("cl").components(c).create(admin());
    String workspaceComponentLevel =
        AuthClients.noauth().name("wcl").components(wsComponent).create(admin());
    String otherWorkspaceLevel =
        AuthClients.noauth().name("w2").components(c).workspace(other.workspace()).create(admin());

    Api.Response fromFirst = admin().get("/v2/auth-clients?workspace_id=" + t.workspace());
    Api.Response fromSecond = admin().get("/v2/auth-clients?workspace_id=" + other.workspace());

    assertThat(fromFirst.status()).as(fromFirst.text()).isEqualTo(200);
    assertThat(ids(fromFirst))
        .containsExactly(
            tenantLevel, contractLevel, workspaceLevel, componentLevel, workspaceComponentLevel);
    assertThat(ids(fromSecond)).containsExactly(tenantLevel, componentLevel, otherWorkspaceLevel);
    assertThat(
            List.of(tenantLevel, contractLevel, workspaceLevel, componentLevel).stream()
                .map(
                    id -> admin().get("/v2/auth-clients/" + id).attributes().path("level").asText())
                .toList())
        .containsExactly("tenant", "contract", "workspace", "component");
  }

  @Test
  void getWhenAuthClientIsOwnedByAnotherWorkspaceThen404ForItsMembersAndHiddenFromTheirList() {
    World.Tenancy t = world.tenancy(unique("hidden"));
    ApiFixtures.Place other = ApiFixtures.place(server, t.tenant(), unique("hidden-2"));
    ApiFixtures.Person outsider =
        ApiFixtures.person(
            server,
            unique("hidden-outsider") + "@example.com",
            "workspaces",
            other.workspace(),
            "member");
    String owned =
        AuthClients.noauth()
            .name("w")
            .components(t.component())
            .workspace(t.workspace())
            .create(admin());
    String tenantWide = AuthClients.noauth().name("t").in(t).create(admin());
    Api api = server.as(outsider.apiKey());

    Api.Response get = api.get("/v2/auth-clients/" + owned);
    Api.Response list = api.get("/v2/auth-clients");
    Api.Response listOwn = api.get("/v2/auth-clients?workspace_id=" + other.workspace());
    Api.Response listTheirs = api.get("/v2/auth-clients?workspace_id=" + t.workspace());

    assertThat(get.status()).as(get.text()).isEqualTo(404);
    assertThat(api.get("/v2/auth-clients/" + tenantWide).status()).isEqualTo(200);
    assertThat(ids(list)).contains(tenantWide).doesNotContain(owned);
    assertThat(ids(listOwn)).contains(tenantWide).doesNotContain(owned);
    assertThat(listTheirs.status()).isEqualTo(404);
    assertThat(server.as(t.memberKey()).get("/v2/auth-clients/" + owned).status()).isEqualTo(200);
  }

  @Test
  void getWhenAuthClientIsInAnotherTenantThen404() {
    World.Tenancy other = world.tenancy(unique("foreign"));
    String theirs = AuthClients.noauth().name("n").in(other).create(admin());

    Api.Response r = server.as(shared.adminKey()).get("/v2/auth-clients/" + theirs);

    assertThat(r.status()).isEqualTo(404);
    assertThat(ids(server.as(shared.adminKey()).get("/v2/auth-clients"))).doesNotContain(theirs);
  }

  @Test
  void listWhenFilteredByComponentOrTypeThenOnlyMatchingAuthClients() {
    World.Tenancy t = world.tenancy(unique("filters"));
    String secondComponent =
        ApiFixtures.component(
            server, ApiFixtures.plainDescriptor(List.of("basic", "noauth")), "tenant", t.tenant());
    String basicOnFirst =
        AuthClients.basic().name("b1").credential("name", "u").in(t).create(admin());
    String noauthOnBoth =
        AuthClients.noauth()
            .name("n")
            .components(t.component(), secondComponent)
            .tenant(t.tenant())
            .create(admin());
    String basicOnSecond =
        AuthClients.basic()
            .name("b2")
            .credential("name", "u")
            .components(secondComponent)
            .tenant(t.tenant())
            .create(admin());
    String base = "/v2/auth-clients?workspace_id=" + t.workspace();

    assertThat(ids(admin().get(base))).containsExactly(basicOnFirst, noauthOnBoth, basicOnSecond);
    assertThat(ids(admin().get(base + "&filter[component]=" + t.component())))
        .containsExactly(basicOnFirst, noauthOnBoth);
    assertThat(ids(admin().get(base + "&filter[component]=" + secondComponent)))
        .containsExactly(noauthOnBoth, basicOnSecond);
    assertThat(ids(admin().get(base + "&filter[type]=basic")))
        .containsExactly(basicOnFirst, basicOnSecond);
    assertThat(ids(admin().get(base + "&filter[type]=basic&filter[component]=" + secondComponent)))
        .containsExactly(basicOnSecond);
    assertThat(ids(admin().get(base + "&filter[type]=oauth2"))).isEmpty();
  }

  @Test
  void listWhenFilterTypeIsUnknownThen400() {
    Api.Response r = admin().get("/v2/auth-clients?filter[type]=Basic");

    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.error().path("source").path("parameter").asText()).isEqualTo("filter[type]");
  }

  @Test
  void listWhenPageSizeIsTwoThenLinksNextWalksEveryAuthClientOnceInCreationOrder() {
    World.Tenancy t = world.tenancy(unique("ac-pages"));
    List<String> made = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(AuthClients.noauth().in(t).create(admin()));
    }
    List<Integer> sizes = new java.util.ArrayList<>();

    List<String> walked =
        ApiFixtures.walk(
            admin(), "/v2/auth-clients?workspace_id=" + t.workspace() + "&page[size]=2", 2, sizes);

    assertThat(walked).containsExactlyElementsOf(made);
    assertThat(sizes).containsExactly(2, 2, 1);
  }

  // PATCH

  @Test
  void patchWhenTypeChangesThen422AtType() {
    String id = tenantOwned("basic", Map.of("name", "u")).id();

    Api.Response r = patch(id, Map.of("type", "noauth"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly("/data/attributes/type");
    assertThat(admin().get("/v2/auth-clients/" + id).attributes().path("type").asText())
        .isEqualTo("basic");
  }

  @Test
  void patchWhenTypeIsSentUnchangedThen200() {
    String id = tenantOwned("basic", Map.of("name", "u")).id();

    Api.Response r = patch(id, Map.of("type", "basic", "name", "again"));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.attributes().path("name").asText()).isEqualTo("again");
  }

  @Test
  void patchOAuth2WhenNameSecretLifetimeScopesAndComponentsChangeThen200AndAllAreStored() {
    String secondComponent =
        ApiFixtures.component(
            server, ApiFixtures.plainDescriptor(List.of("oauth2")), "tenant", shared.tenant());
    String id = tenantOwned("oauth2", oauth2Credentials(unique("cid"), "old-secret")).id();
    ObjectNode doc =
        Resource.of("auth-client")
            .id(id)
            .attribute("name", "renamed")
            .attribute(
                "credentials",
                Map.of(
                    "client_secret",
                    "new-secret",
                    "token_expires_in",
                    7200,
                    "scopes",
                    List.of("a", "b")))
            .relationship("components", "component", List.of(shared.component(), secondComponent))
            .build();

    Api.Response r = admin().patch("/v2/auth-clients/" + id, doc);

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode c = r.attributes().path("credentials");
    assertThat(r.attributes().path("name").asText()).isEqualTo("renamed");
    assertThat(c.path("client_secret").asText()).isEqualTo(MASK);
    assertThat(c.path("token_expires_in").asLong()).isEqualTo(7200);
    assertThat(c.path("scopes")).hasSize(2);
    assertThat(r.data().at("/relationships/components/data/1/id").asText())
        .isEqualTo(secondComponent);
    assertThat(r.text()).doesNotContain("new-secret");
    assertThat(storedClientSecret(id)).isEqualTo("new-secret");
    JsonNode read = admin().get("/v2/auth-clients/" + id).attributes();
    assertThat(read.path("name").asText()).isEqualTo("renamed");
    assertThat(read.path("credentials").path("token_expires_in").asLong()).isEqualTo(7200);
  }

  @Test
  void patchOAuth2WhenClientIdOrAnEndpointChangesThen422AtThatMemberAndNothingChanges() {
    String clientId = unique("fixed");
    String id = tenantOwned("oauth2", oauth2Credentials(clientId, "s")).id();

    for (Map.Entry<String, String> change :
        List.of(
            Map.entry("client_id", "another-client"),
            Map.entry("token_uri", "https://other.example.com/token"),
            Map.entry("auth_uri", "https://other.example.com/authorize"),
            Map.entry("refresh_token_uri", "https://other.example.com/refresh"))) {
      Api.Response r =
          patch(
              id,
              Map.of(
                  "name",
                  "should not stick",
                  "credentials",
                  Map.of(change.getKey(), change.getValue())));

      assertThat(r.status()).as(change + ": " + r.text()).isEqualTo(422);
      assertThat(pointers(r))
          .as(change.getKey())
          .containsExactly(CREDENTIALS + "/" + change.getKey());
    }
    JsonNode read = admin().get("/v2/auth-clients/" + id).attributes();
    assertThat(read.path("name").asText()).isEqualTo("oauth2 client");
    assertThat(read.path("credentials").path("client_id").asText()).isEqualTo(clientId);
    assertThat(read.path("credentials").path("token_uri").asText())
        .isEqualTo("https://idp.example.com/token");
  }

  @Test
  void patchOAuth2WhenClientIdIsSentUnchangedThen200() {
    String clientId = unique("same");
    String id = tenantOwned("oauth2", oauth2Credentials(clientId, "s")).id();

    Api.Response r =
        patch(
            id,
            Map.of(
                "credentials",
                Map.of("client_id", clientId, "token_uri", "https://idp.example.com/token")));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  @Test
  void patchOAuth2WhenClientSecretIsTheMaskThenTheStoredSecretIsKept() {
    String clientId = unique("mask");
    String id = tenantOwned("oauth2", oauth2Credentials(clientId, "kept-secret")).id();

    Api.Response r =
        patch(
            id,
            Map.of(
                "name",
                "masked patch",
                "credentials",
                Map.of("client_secret", MASK, "token_expires_in", 60)));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(storedClientSecret(id)).isEqualTo("kept-secret");
    Api.Response duplicate = tenantOwned("oauth2", oauth2Credentials(clientId, "kept-secret"));
    assertThat(duplicate.body().at("/meta/warnings/0/code").asText())
        .isEqualTo("duplicate_client_secret");
    assertThat(duplicate.body().at("/meta/warnings/0/auth_client").asText()).isEqualTo(id);
  }

  @Test
  void patchOAuth2WhenTheWholeReadCredentialsAreSentBackThen200AndSecretKept() {
    String id = tenantOwned("oauth2", oauth2Credentials(unique("roundtrip"), "rt-secret")).id();
    JsonNode read = admin().get("/v2/auth-clients/" + id).attributes().path("credentials");
    ObjectNode doc = patchDoc(id, Map.of("credentials", read));

    Api.Response r = admin().patch("/v2/auth-clients/" + id, doc);

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(storedClientSecret(id)).isEqualTo("rt-secret");
  }

  @Test
  void patchInstagramWhenSecretChangesThen200AndWhenClientIdChangesThen422() {
    String id =
        tenantOwned("oauth2_instagram", Map.of("client_id", unique("ig"), "client_secret", "a"))
            .id();

    Api.Response secret = patch(id, Map.of("credentials", Map.of("client_secret", "b")));
    Api.Response clientId = patch(id, Map.of("credentials", Map.of("client_id", "other")));
    Api.Response endpoint =
        patch(id, Map.of("credentials", Map.of("exchange_uri", "https://x.example.com/e")));

    assertThat(secret.status()).as(secret.text()).isEqualTo(200);
    assertThat(storedClientSecret(id)).isEqualTo("b");
    assertThat(clientId.status()).as(clientId.text()).isEqualTo(422);
    assertThat(pointers(clientId)).containsExactly(CREDENTIALS + "/client_id");
    assertThat(endpoint.status()).as(endpoint.text()).isEqualTo(422);
    assertThat(pointers(endpoint)).containsExactly(CREDENTIALS + "/exchange_uri");
  }

  @Test
  void patchBasicWhenDefaultUserNameChangesThen200() {
    String id = tenantOwned("basic", Map.of("name", "first")).id();

    Api.Response r = patch(id, Map.of("credentials", Map.of("name", "second")));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(admin().get("/v2/auth-clients/" + id).attributes().at("/credentials/name").asText())
        .isEqualTo("second");
  }

  @Test
  void patchApiKeyWhenAnyMemberChangesThen200AndTheMaskKeepsTheStoredValue() {
    String id = tenantOwned("api_key", Map.of("name", "X-Api-Key", "value", "first-key")).id();

    Api.Response rename =
        patch(id, Map.of("credentials", Map.of("name", "X-Other", "value", MASK, "in", "query")));

    assertThat(rename.status()).as(rename.text()).isEqualTo(200);
    ApiKeySettings afterRename = (ApiKeySettings) stored(id).settings();
    assertThat(afterRename.name()).isEqualTo("X-Other");
    assertThat(afterRename.in()).isEqualTo(ApiKeySettings.Placement.QUERY);
    assertThat(afterRename.value().map(Secret::reveal)).contains("first-key");

    Api.Response newValue = patch(id, Map.of("credentials", Map.of("value", "second-key")));

    assertThat(newValue.status()).as(newValue.text()).isEqualTo(200);
    assertThat(newValue.attributes().at("/credentials/value").asText()).isEqualTo(MASK);
    assertThat(((ApiKeySettings) stored(id).settings()).value().map(Secret::reveal))
        .contains("second-key");
  }

  @Test
  void patchApiKeyWhenNewHeaderNameIsInvalidThen422() {
    String id = tenantOwned("api_key", Map.of("name", "X-Api-Key", "value", "k")).id();

    Api.Response r = patch(id, Map.of("credentials", Map.of("name", "bad name")));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(CREDENTIALS + "/name");
  }

  @Test
  void patchWhenNewComponentDoesNotAcceptTheTypeThen422() {
    String id = tenantOwned("basic", Map.of("name", "u")).id();
    ObjectNode doc =
        Resource.of("auth-client")
            .id(id)
            .relationship("components", "component", List.of(instagramComponent))
            .build();

    Api.Response r = admin().patch("/v2/auth-clients/" + id, doc);

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly("/data/relationships/components/data/0");
  }

  @Test
  void patchApiKeyWhenSharedValueIsRemovedWithoutCredentialsThen200() {
    String id = tenantOwned("api_key", Map.of("name", "X-Api-Key", "value", "k")).id();
    ObjectNode doc =
        patchDoc(id, Map.of("credentials", java.util.Collections.singletonMap("value", null)));

    Api.Response r = admin().patch("/v2/auth-clients/" + id, doc);

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.attributes().path("credentials").has("value")).isFalse();
    assertThat(((ApiKeySettings) stored(id).settings()).value()).isEmpty();
  }

  @Test
  void patchWhenUnlinkingAComponentThatCredentialsUseThen409AndTheLinkStays() {
    World.Tenancy t = world.tenancy(unique("unlink"));
    String second =
        ApiFixtures.component(
            server, ApiFixtures.plainDescriptor(List.of("noauth")), "tenant", t.tenant());
    String id =
        AuthClients.noauth()
            .name("n")
            .components(t.component(), second)
            .tenant(t.tenant())
            .create(admin());
    t.member(server).create(Credentials.named("c").authClient(id).component(second));
    ObjectNode doc =
        Resource.of("auth-client")
            .id(id)
            .relationship("components", "component", List.of(t.component()))
            .build();

    Api.Response r = admin().patch("/v2/auth-clients/" + id, doc);

    assertThat(r.status()).as(r.text()).isEqualTo(409);
    assertThat(stored(id).componentIds()).containsExactly(t.component(), second);
  }

  @Test
  void patchWhenCallerIsAWorkspaceMemberThen403() {
    String id = tenantOwned("basic", Map.of("name", "u")).id();

    Api.Response r =
        server
            .as(shared.memberKey())
            .patch("/v2/auth-clients/" + id, patchDoc(id, Map.of("name", "mine")));

    assertThat(r.status()).as(r.text()).isEqualTo(403);
    assertThat(admin().get("/v2/auth-clients/" + id).attributes().path("name").asText())
        .isEqualTo("basic client");
  }

  // DELETE

  @Test
  void deleteWhenACredentialUsesItThen409AndAfterTheCredentialIsGoneThen204() {
    World.Tenancy t = world.tenancy(unique("ac-delete"));
    String id = AuthClients.noauth().in(t).create(admin());
    WorkspaceApi member = t.member(server);
    String credential = member.create(Credentials.named("c").authClient(id));

    Api.Response refused = admin().delete("/v2/auth-clients/" + id);

    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    assertThat(refused.error().path("code").asText()).isEqualTo("auth_client_in_use");
    assertThat(admin().get("/v2/auth-clients/" + id).status()).isEqualTo(200);

    assertThat(member.delete(credential).status()).isEqualTo(204);
    Api.Response deleted = admin().delete("/v2/auth-clients/" + id);

    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
    assertThat(admin().get("/v2/auth-clients/" + id).status()).isEqualTo(404);
  }

  @Test
  void deleteWhenCallerIsAWorkspaceMemberThen403() {
    String id = tenantOwned("noauth", Map.of()).id();

    Api.Response r = server.as(shared.memberKey()).delete("/v2/auth-clients/" + id);

    assertThat(r.status()).as(r.text()).isEqualTo(403);
    assertThat(admin().get("/v2/auth-clients/" + id).status()).isEqualTo(200);
  }
}
