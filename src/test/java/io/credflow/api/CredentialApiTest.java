package io.credflow.api;

import static io.credflow.api.ApiFixtures.ids;
import static io.credflow.api.ApiFixtures.pointers;
import static io.credflow.api.ApiFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.audit.AuditRecord;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.documents.Resource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CredentialApiTest {
  private static final String CREDENTIALS = "/data/attributes/credentials";
  private static final String MASK = "********";

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.configuredDatabase().tenancy("credentials");

  private static String noauth;
  private static String basic;
  private static String apiKeyShared;
  private static String apiKeyOwn;
  private static String apiKeyQuery;
  private static String oauth2;

  private final TestServer server = credflow.server();
  private final World world = credflow.world();
  private final World.Tenancy t = credflow.tenancy();
  private final WorkspaceApi workspace = credflow.member();
  private final String base = workspace.credentialsPath();

  @BeforeAll
  static void authClients() {
    World.Tenancy t = credflow.tenancy();
    Api admin = credflow.admin();
    noauth = AuthClients.noauth().in(t).create(admin);
    basic = AuthClients.basic().credential("name", "svc-user").in(t).create(admin);
    apiKeyShared =
        AuthClients.apiKey()
            .credential("name", "X-Api-Key")
            .credential("value", "shared-key-123")
            .in(t)
            .create(admin);
    apiKeyOwn = AuthClients.apiKey().credential("name", "X-Own-Key").in(t).create(admin);
    apiKeyQuery =
        AuthClients.apiKey()
            .credential("name", "api_key")
            .credential("in", "query")
            .in(t)
            .create(admin);
    oauth2 =
        AuthClients.oauth2()
            .clientId("cred-cid")
            .clientSecret("cred-s")
            .credential("token_expires_in", 18000)
            .in(t)
            .create(admin);
  }

  private Api member() {
    return workspace.api();
  }

  private Api.Response create(String name, String authClient, Object credentials) {
    return workspace.post(
        Credentials.named(name).authClient(authClient).secretsAsGiven(credentials));
  }

  private String created(String authClient, Object credentials) {
    return World.created(create(unique("cred"), authClient, credentials));
  }

  private Api.Response access(Api api, String id, String query) {
    return api.post(base + "/" + id + "/access" + query, "");
  }

  private JsonNode accessHeader(String id) {
    Api.Response r = access(member(), id, "");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.attributes().path("header");
  }

  private static String basicValue(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** A new member of {@code place}'s workspace only. */
  private Api memberOf(ApiFixtures.Place place) {
    return server.as(
        ApiFixtures.person(
                server,
                unique("ws2-member") + "@example.com",
                "workspaces",
                place.workspace(),
                "member")
            .apiKey());
  }

  /** A component accepting noauth deployed in the tenancy's workspace, not at its tenant. */
  private String componentOnlyInTheWorkspace() {
    return ApiFixtures.component(
        server, ApiFixtures.plainDescriptor(List.of("noauth")), "workspace", t.workspace());
  }

  /** {@code count} credentials of {@code authClient} named {@code prefix0…}; their ids in order. */
  private static List<String> credentials(
      WorkspaceApi member, String authClient, String prefix, int count) {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      made.add(member.create(Credentials.named(prefix + i).authClient(authClient)));
    }
    return made;
  }

  private static ObjectNode patchDoc(String id, Map<String, Object> attributes) {
    return Resource.of("credential").id(id).attributes(attributes).build();
  }

  private long version(String id) {
    return server
        .credflow()
        .database()
        .jdbc()
        .queryOne("SELECT version FROM credentials WHERE id = ?", rs -> rs.getLong("version"), id)
        .orElseThrow();
  }

  private static Instant instant(JsonNode node) {
    return Instant.parse(node.asText());
  }

  // create and read

  @Test
  void createWhenNoauthThen201ReadyWithNoHeaderAndItsRelationships() {
    Api.Response r = create("open", noauth, Map.of());

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.header("Location")).contains(base + "/" + r.id());
    JsonNode a = r.attributes();
    assertThat(a.path("name").asText()).isEqualTo("open");
    assertThat(a.path("type").asText()).isEqualTo("noauth");
    assertThat(a.path("state").asText()).isEqualTo("ready");
    assertThat(a.path("error").isNull()).isTrue();
    assertThat(a.path("expires_at").isNull()).isTrue();
    assertThat(a.path("has_refresh_token").asBoolean()).isFalse();
    assertThat(a.path("header").isNull()).isTrue();
    assertThat(a.has("updated_at")).isTrue();
    JsonNode rels = r.data().path("relationships");
    assertThat(rels.at("/auth_client/data/id").asText()).isEqualTo(noauth);
    assertThat(rels.at("/component/data/id").asText()).isEqualTo(t.component());
    assertThat(workspace.get(r.id()).status()).isEqualTo(200);
  }

  @Test
  void createBasicWhenNoUsernameThenTheAuthClientsNameIsTheUserAndReadsMaskThePassword() {
    Api.Response r = create("b", basic, Map.of("password", "pw-basic-1"));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode header = r.attributes().path("header");
    assertThat(header.path("name").asText()).isEqualTo("Authorization");
    assertThat(header.path("value").asText()).isEqualTo("Basic " + MASK);
    Api.Response read = workspace.get(r.id());
    assertThat(read.attributes().at("/header/value").asText()).isEqualTo("Basic " + MASK);
    for (Api.Response each : List.of(r, read, workspace.list())) {
      assertThat(each.text())
          .doesNotContain("pw-basic-1")
          .doesNotContain(basicValue("svc-user", "pw-basic-1").substring(6));
    }
    assertThat(accessHeader(r.id()).path("value").asText())
        .isEqualTo(basicValue("svc-user", "pw-basic-1"));
  }

  @Test
  void createBasicWhenUsernameIsGivenThenItWinsOverTheAuthClientsName() {
    String id = created(basic, Map.of("username", "alice", "password", "pä55:word"));

    JsonNode header = accessHeader(id);

    assertThat(header.path("name").asText()).isEqualTo("Authorization");
    assertThat(header.path("value").asText()).isEqualTo(basicValue("alice", "pä55:word"));
  }

  @Test
  void createBasicWhenUsernameHasAColonThen422AtUsername() {
    Api.Response r = create("b", basic, Map.of("username", "al:ice", "password", "pw"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(CREDENTIALS + "/username");
  }

  @Test
  void createBasicWhenPasswordIsMissingThen422AtPassword() {
    Api.Response r = create("b", basic, Map.of("username", "alice"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(CREDENTIALS + "/password");
  }

  @Test
  void createBasicWhenNeitherCredentialNorAuthClientNamesAUserThen422AtUsername() {
    String nameless = AuthClients.basic().in(t).create(server.admin());

    Api.Response r = create("b", nameless, Map.of("password", "pw"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(CREDENTIALS + "/username");
  }

  @Test
  void createApiKeyWhenItBringsAValueThenHeaderNameIsTheAuthClientsAndValueMasked() {
    Api.Response r = create("k", apiKeyShared, Map.of("value", "own-key-456"));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().at("/header/name").asText()).isEqualTo("X-Api-Key");
    assertThat(r.attributes().at("/header/value").asText()).isEqualTo(MASK);
    assertThat(r.text()).doesNotContain("own-key-456").doesNotContain("shared-key-123");
    JsonNode header = accessHeader(r.id());
    assertThat(header.path("name").asText()).isEqualTo("X-Api-Key");
    assertThat(header.path("value").asText()).isEqualTo("own-key-456");
  }

  @Test
  void createApiKeyWhenItBringsNoValueThenTheAuthClientsSharedValueIsUsed() {
    String id = created(apiKeyShared, Map.of());

    assertThat(accessHeader(id).path("value").asText()).isEqualTo("shared-key-123");
    assertThat(workspace.get(id).text()).doesNotContain("shared-key-123");
  }

  @Test
  void createApiKeyWhenNeitherCredentialNorAuthClientHasAValueThen422AtValue() {
    Api.Response r = create("k", apiKeyOwn, Map.of());

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(CREDENTIALS + "/value");
    String id = created(apiKeyOwn, Map.of("value", "mine"));
    assertThat(accessHeader(id).path("name").asText()).isEqualTo("X-Own-Key");
  }

  @Test
  void createApiKeyWhenPlacedInQueryThenNoHeaderAndTheQueryParameterShownMasked() {
    Api.Response r = create("q", apiKeyQuery, Map.of("value", "query-key-789"));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().path("header").isNull()).isTrue();
    assertThat(r.attributes().at("/query/name").asText()).isEqualTo("api_key");
    assertThat(r.attributes().at("/query/value").asText()).isEqualTo(MASK);
    assertThat(r.text()).doesNotContain("query-key-789");
    Api.Response access = access(member(), r.id(), "");
    assertThat(access.status()).as(access.text()).isEqualTo(200);
    assertThat(access.attributes().path("header").isNull()).isTrue();
    assertThat(access.attributes().at("/query/name").asText()).isEqualTo("api_key");
    assertThat(access.attributes().at("/query/value").asText()).isEqualTo("query-key-789");
  }

  @Test
  void createApiKeyWhenUnknownMemberThen422AtIt() {
    Api.Response r = create("k", apiKeyShared, Map.of("value", "v", "name", "X-Other"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(CREDENTIALS + "/name");
  }

  @Test
  void createOAuth2WhenTokensAreImportedThenExpiresAtIsNowPlusExpiresInAndReadsShowBearerMasked() {
    Instant before = Instant.now();
    Api.Response r =
        create(
            "o",
            oauth2,
            Map.of("access_token", "at-111", "refresh_token", "rt-111", "expires_in", 600));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode a = r.attributes();
    assertThat(a.path("type").asText()).isEqualTo("oauth2");
    assertThat(a.path("has_refresh_token").asBoolean()).isTrue();
    assertThat(instant(a.path("expires_at")))
        .isCloseTo(before.plusSeconds(600), within(30, ChronoUnit.SECONDS));
    assertThat(a.at("/header/name").asText()).isEqualTo("Authorization");
    assertThat(a.at("/header/value").asText()).isEqualTo("Bearer " + MASK);
    assertThat(r.text()).doesNotContain("at-111").doesNotContain("rt-111");
    Api.Response access = access(member(), r.id(), "");
    assertThat(access.attributes().at("/header/value").asText()).isEqualTo("Bearer at-111");
    assertThat(instant(access.attributes().path("expires_at")))
        .isEqualTo(instant(a.path("expires_at")));
    assertThat(access.text()).doesNotContain("rt-111");
  }

  @Test
  void createOAuth2WhenImportHasNoExpiresInThenTheAuthClientsTokenExpiresInApplies() {
    Instant before = Instant.now();
    Api.Response r = create("o", oauth2, Map.of("access_token", "at-222"));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().path("has_refresh_token").asBoolean()).isFalse();
    assertThat(instant(r.attributes().path("expires_at")))
        .isCloseTo(before.plusSeconds(18000), within(30, ChronoUnit.SECONDS));
  }

  @Test
  void createOAuth2WhenAccessTokenIsMissingOrExpiresInInvalidThen422AtEach() {
    Api.Response r = create("o", oauth2, Map.of("refresh_token", "rt", "expires_in", "soon"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r))
        .containsExactlyInAnyOrder(CREDENTIALS + "/access_token", CREDENTIALS + "/expires_in");
  }

  @Test
  void createInstagramWhenTokensAreImportedThenTheTokenTravelsAsAMaskedQueryParameter() {
    String component =
        ApiFixtures.component(
            server,
            ApiFixtures.oauthFieldViewDescriptor(List.of("oauth2_instagram")),
            "tenant",
            t.tenant());
    String ig =
        AuthClients.instagram()
            .name("ig")
            .credential("client_id", unique("ig"))
            .credential("client_secret", "s")
            .components(component)
            .tenant(t.tenant())
            .create(server.admin());

    Api.Response r = create("ig", ig, Map.of("access_token", "ig-token", "expires_in", 5184000));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().path("header").isNull()).isTrue();
    assertThat(r.attributes().at("/query/value").asText()).isEqualTo(MASK);
    assertThat(r.text()).doesNotContain("ig-token");
    assertThat(access(member(), r.id(), "").attributes().at("/query/value").asText())
        .isEqualTo("ig-token");
  }

  // access and audit

  @Test
  void accessWhenMembersAskThenRealValueNoStoreAndAnAuditRecordOfWhoWhichAndWhy() {
    String id = created(basic, Map.of("password", "audited-pw"));

    Api.Response r = access(member(), id, "?reason=nightly%20sync");
    access(server.as(t.adminKey()), id, "");

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).contains("no-store");
    assertThat(r.attributes().at("/header/value").asText())
        .isEqualTo(basicValue("svc-user", "audited-pw"));
    assertThat(r.attributes().has("expires_at")).isTrue();
    List<AuditRecord> records = server.credflow().services().audit().ofCredential(id);
    assertThat(records).hasSize(2);
    AuditRecord first = records.get(0);
    assertThat(first.userId()).contains(t.memberId());
    assertThat(first.subject().id()).isEqualTo(id);
    assertThat(first.place().workspaceId()).contains(t.workspace());
    assertThat(first.origin().reason()).contains("nightly sync");
    assertThat(first.action()).isNotBlank();
    assertThat(first.at()).isCloseTo(Instant.now(), within(60, ChronoUnit.SECONDS));
    assertThat(records.get(1).userId()).contains(t.adminId());
    assertThat(records.toString()).doesNotContain("audited-pw");
  }

  @Test
  void readsWhenGetAndListThenNoAuditRecordIsWritten() {
    String id = created(basic, Map.of("password", "pw"));

    workspace.get(id);
    workspace.list();

    assertThat(server.credflow().services().audit().ofCredential(id)).isEmpty();
  }

  @Test
  void accessWhenCredentialIsInAnotherWorkspaceOrUnknownThen404AndNothingIsAudited() {
    World.Tenancy other = world.tenancy(unique("access-other"));
    String id = created(basic, Map.of("password", "pw"));

    Api.Response outsider =
        server
            .as(other.memberKey())
            .post("/v2/workspaces/" + other.workspace() + "/credentials/" + id + "/access", "");
    Api.Response wrongWorkspace =
        server.as(other.memberKey()).post(base + "/" + id + "/access", "");

    assertThat(outsider.status()).as(outsider.text()).isEqualTo(404);
    assertThat(wrongWorkspace.status()).as(wrongWorkspace.text()).isEqualTo(404);
    assertThat(server.credflow().services().audit().ofCredential(id)).isEmpty();
  }

  // relationships

  @Test
  void createWhenAuthClientLinksSeveralComponentsThenComponentIsRequiredAndMustBeLinked() {
    String second =
        ApiFixtures.component(
            server, ApiFixtures.plainDescriptor(List.of("noauth")), "tenant", t.tenant());
    String third =
        ApiFixtures.component(
            server, ApiFixtures.plainDescriptor(List.of("noauth")), "tenant", t.tenant());
    String twoComponents =
        AuthClients.noauth()
            .name("two")
            .components(t.component(), second)
            .tenant(t.tenant())
            .create(server.admin());

    Api.Response missing = create("c", twoComponents, Map.of());
    Api.Response notLinkedResponse =
        workspace.post(Credentials.named("c").authClient(twoComponents).component(third));
    Api.Response namedResponse =
        workspace.post(Credentials.named("c").authClient(twoComponents).component(second));

    assertThat(missing.status()).as(missing.text()).isEqualTo(422);
    assertThat(pointers(missing)).containsExactly("/data/relationships/component");
    assertThat(notLinkedResponse.status()).as(notLinkedResponse.text()).isEqualTo(422);
    assertThat(pointers(notLinkedResponse)).containsExactly("/data/relationships/component");
    assertThat(namedResponse.status()).as(namedResponse.text()).isEqualTo(201);
    assertThat(namedResponse.data().at("/relationships/component/data/id").asText())
        .isEqualTo(second);
  }

  @Test
  void createWhenNamedComponentIsDeployedInAnotherWorkspaceThen404AtComponent() {
    ApiFixtures.Place elsewhere = ApiFixtures.place(server, t.tenant(), unique("other-ws"));
    Api outsider = memberOf(elsewhere);
    String inFirstWorkspace = componentOnlyInTheWorkspace();
    String componentLevel =
        AuthClients.noauth()
            .name("both")
            .components(t.component(), inFirstWorkspace)
            .create(server.admin());
    Credentials.Builder doc =
        Credentials.named("c").authClient(componentLevel).component(inFirstWorkspace);

    Api.Response r = doc.post(outsider, elsewhere.workspace());

    assertThat(r.status()).as(r.text()).isEqualTo(404);
    assertThat(pointers(r)).containsExactly("/data/relationships/component");
    assertThat(workspace.post(doc).status()).isEqualTo(201);
  }

  @Test
  void createWhenTheOtherLinkedComponentIsInAnotherWorkspaceThenTheUsableOneIsChosen() {
    ApiFixtures.Place elsewhere = ApiFixtures.place(server, t.tenant(), unique("other-ws"));
    ApiFixtures.Person outsider =
        ApiFixtures.person(
            server,
            unique("ws2-member") + "@example.com",
            "workspaces",
            elsewhere.workspace(),
            "member");
    String inFirstWorkspace =
        ApiFixtures.component(
            server, ApiFixtures.plainDescriptor(List.of("noauth")), "workspace", t.workspace());
    String componentLevel =
        AuthClients.noauth()
            .name("both")
            .components(t.component(), inFirstWorkspace)
            .create(server.admin());

    Api.Response r =
        server
            .as(outsider.apiKey())
            .post(
                "/v2/workspaces/" + elsewhere.workspace() + "/credentials",
                World.credentialDoc("c", componentLevel, Map.of()));

    // The same rule as an Authenticate round trip: the one component this workspace may use.
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.data().at("/relationships/component/data/id").asText()).isEqualTo(t.component());
    assertThat(r.text()).doesNotContain(inFirstWorkspace);
  }

  @Test
  void createWhenTheOnlyLinkedComponentIsDeployedInAnotherWorkspaceThenAuthClientIsNotFound() {
    ApiFixtures.Place elsewhere = ApiFixtures.place(server, t.tenant(), unique("other-ws"));
    Api outsider = memberOf(elsewhere);
    String inFirstWorkspace = componentOnlyInTheWorkspace();
    String tenantOwned =
        AuthClients.noauth()
            .name("t")
            .components(inFirstWorkspace)
            .tenant(t.tenant())
            .create(server.admin());

    Api.Response r =
        Credentials.named("c").authClient(tenantOwned).post(outsider, elsewhere.workspace());

    // The workspace can use none of the auth-client's components, so it cannot use the client.
    assertThat(r.status()).as(r.text()).isEqualTo(404);
    assertThat(pointers(r)).containsExactly("/data/relationships/auth_client");
    assertThat(r.text()).doesNotContain(inFirstWorkspace);
    Api.Response listed = outsider.get("/v2/auth-clients?workspace_id=" + elsewhere.workspace());
    assertThat(listed.status()).as(listed.text()).isEqualTo(200);
    assertThat(listed.text()).doesNotContain(tenantOwned);
  }

  @Test
  void createWhenAuthClientIsMissingThen422AtAuthClient() {
    Api.Response r = workspace.post(Credentials.named("c"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly("/data/relationships/auth_client");
  }

  @Test
  void createWhenAuthClientIsNotUsableFromTheWorkspaceThen404WithPointer() {
    ApiFixtures.Place elsewhere = ApiFixtures.place(server, t.tenant(), unique("elsewhere"));
    String ownedElsewhere =
        AuthClients.noauth()
            .name("elsewhere")
            .components(t.component())
            .workspace(elsewhere.workspace())
            .create(server.admin());
    World.Tenancy other = world.tenancy(unique("cred-foreign"));
    String foreign = AuthClients.noauth().in(other).create(server.admin());

    for (String authClient : List.of(ownedElsewhere, foreign, "0123456789abcdef01234567")) {
      Api.Response r = create("c", authClient, Map.of());

      assertThat(r.status()).as(r.text()).isEqualTo(404);
      assertThat(pointers(r)).containsExactly("/data/relationships/auth_client");
    }
  }

  @Test
  void createWhenWorkspaceIsNotTheCallersThen404() {
    World.Tenancy other = world.tenancy(unique("not-mine"));

    Api.Response r = Credentials.named("c").authClient(noauth).post(member(), other.workspace());

    assertThat(r.status()).as(r.text()).isEqualTo(404);
  }

  @Test
  void patchAuthClientWhenSharedApiKeyIsRemovedWhileCredentialsUseItThen409AndReadsStillWork() {
    String authClient =
        AuthClients.apiKey()
            .credential("name", "X-Shared")
            .credential("value", "only-shared")
            .in(t)
            .create(server.admin());
    String id = created(authClient, Map.of());
    ObjectNode removal =
        Resource.of("auth-client")
            .id(authClient)
            .attribute("credentials", java.util.Collections.singletonMap("value", null))
            .build();

    Api.Response patch = server.admin().patch("/v2/auth-clients/" + authClient, removal);

    assertThat(patch.status()).as(patch.text()).isEqualTo(409);
    assertThat(patch.error().path("source").path("pointer").asText())
        .isEqualTo(CREDENTIALS + "/value");
    Api.Response read = workspace.get(id);
    assertThat(read.status()).as(read.text()).isEqualTo(200);
    assertThat(workspace.list().status()).isEqualTo(200);
    assertThat(accessHeader(id).path("value").asText()).isEqualTo("only-shared");
  }

  // PATCH

  @Test
  void patchWhenNameAndNewPasswordThenVersionAndUpdatedAtMoveHeaderStaysMaskedAndAccessHasIt() {
    Api.Response made = create("before", basic, Map.of("username", "bob", "password", "old-pw"));
    String id = made.id();
    long versionBefore = version(id);

    Api.Response r =
        workspace.patch(
            id, patchDoc(id, Map.of("name", "after", "credentials", Map.of("password", "new-pw"))));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.attributes().path("name").asText()).isEqualTo("after");
    assertThat(r.attributes().at("/header/value").asText()).isEqualTo("Basic " + MASK);
    assertThat(r.text()).doesNotContain("new-pw");
    assertThat(version(id)).isGreaterThan(versionBefore);
    assertThat(instant(r.attributes().path("updated_at")))
        .isAfter(instant(made.attributes().path("updated_at")));
    assertThat(workspace.get(id).attributes().path("name").asText()).isEqualTo("after");
    assertThat(accessHeader(id).path("value").asText()).isEqualTo(basicValue("bob", "new-pw"));
  }

  @Test
  void patchWhenOnlyNameThenSecretIsUntouched() {
    String id = created(apiKeyShared, Map.of("value", "keep-me"));

    Api.Response r = workspace.patch(id, patchDoc(id, Map.of("name", "renamed")));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(accessHeader(id).path("value").asText()).isEqualTo("keep-me");
  }

  @Test
  void patchOAuth2WhenNewTokensThenNewExpiryAndAccessHasTheNewToken() {
    String id = created(oauth2, Map.of("access_token", "first", "expires_in", 60));
    Instant before = Instant.now();

    Api.Response r =
        workspace.patch(
            id,
            patchDoc(
                id,
                Map.of(
                    "credentials",
                    Map.of("access_token", "second", "refresh_token", "r2", "expires_in", 7200))));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.attributes().path("has_refresh_token").asBoolean()).isTrue();
    assertThat(instant(r.attributes().path("expires_at")))
        .isCloseTo(before.plusSeconds(7200), within(30, ChronoUnit.SECONDS));
    assertThat(accessHeader(id).path("value").asText()).isEqualTo("Bearer second");
  }

  @Test
  void patchWhenNewPasswordIsInvalidThen422AndTheOldOneStays() {
    String id = created(basic, Map.of("password", "still-this"));

    Api.Response r =
        workspace.patch(
            id, patchDoc(id, Map.of("credentials", Map.of("password", "x", "username", "a:b"))));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(CREDENTIALS + "/username");
    assertThat(accessHeader(id).path("value").asText())
        .isEqualTo(basicValue("svc-user", "still-this"));
  }

  @Test
  void patchWhenAuthClientRelationshipIsSentThen422AndTheAuthClientStays() {
    String id = created(noauth, Map.of());
    ObjectNode doc =
        Resource.of("credential")
            .id(id)
            .attribute("name", "x")
            .relationship("auth_client", "auth-client", basic)
            .build();

    Api.Response r = workspace.patch(id, doc);

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly("/data/relationships/auth_client");
    assertThat(workspace.get(id).data().at("/relationships/auth_client/data/id").asText())
        .isEqualTo(noauth);
  }

  @Test
  void patchAndDeleteWhenAnotherMemberMadeItThen403ButWorkspaceAdminAndCreatorMay() {
    ApiFixtures.Person otherMember =
        ApiFixtures.person(
            server, unique("other-member") + "@example.com", "workspaces", t.workspace(), "member");
    ApiFixtures.Person wsAdmin =
        ApiFixtures.person(
            server, unique("ws-admin") + "@example.com", "workspaces", t.workspace(), "admin");
    String id = created(basic, Map.of("password", "pw"));
    Api other = server.as(otherMember.apiKey());
    Api admin = server.as(wsAdmin.apiKey());

    Api.Response patchByOther =
        other.patch(base + "/" + id, patchDoc(id, Map.of("name", "hijacked")));
    Api.Response deleteByOther = other.delete(base + "/" + id);
    Api.Response readByOther = other.get(base + "/" + id);

    assertThat(patchByOther.status()).as(patchByOther.text()).isEqualTo(403);
    assertThat(deleteByOther.status()).as(deleteByOther.text()).isEqualTo(403);
    assertThat(readByOther.status()).isEqualTo(200);
    assertThat(readByOther.attributes().path("name").asText()).isNotEqualTo("hijacked");
    assertThat(access(other, id, "").status()).isEqualTo(200);

    Api.Response patchByCreator = workspace.patch(id, patchDoc(id, Map.of("name", "by creator")));
    Api.Response patchByAdmin =
        admin.patch(base + "/" + id, patchDoc(id, Map.of("name", "by admin")));

    assertThat(patchByCreator.status()).as(patchByCreator.text()).isEqualTo(200);
    assertThat(patchByAdmin.status()).as(patchByAdmin.text()).isEqualTo(200);
    assertThat(admin.delete(base + "/" + id).status()).isEqualTo(204);
    assertThat(workspace.get(id).status()).isEqualTo(404);
  }

  // lists

  @Test
  void listWhenFilteredByComponentAuthClientOrStateThenOnlyMatchingCredentials() {
    World.Tenancy w = world.tenancy(unique("cred-filters"));
    Api admin = server.admin();
    String second =
        ApiFixtures.component(
            server, ApiFixtures.plainDescriptor(List.of("noauth")), "tenant", w.tenant());
    String open = AuthClients.noauth().in(w).create(admin);
    String openOnSecond = AuthClients.noauth().tenant(w.tenant()).components(second).create(admin);
    String withPassword = AuthClients.basic().credential("name", "u").in(w).create(admin);
    WorkspaceApi member = w.member(server);
    Api api = member.api();
    String path = member.credentialsPath();
    String c1 = member.create(Credentials.named("c1").authClient(open));
    String c2 = member.create(Credentials.named("c2").authClient(openOnSecond));
    String c3 =
        member.create(Credentials.named("c3").authClient(withPassword).secret("password", "p"));

    assertThat(ids(api.get(path))).containsExactly(c1, c2, c3);
    assertThat(ids(api.get(path + "?filter[component]=" + w.component()))).containsExactly(c1, c3);
    assertThat(ids(api.get(path + "?filter[component]=" + second))).containsExactly(c2);
    assertThat(ids(api.get(path + "?filter[auth_client]=" + withPassword))).containsExactly(c3);
    assertThat(ids(api.get(path + "?filter[auth_client]=" + open + "&filter[component]=" + second)))
        .isEmpty();
    assertThat(ids(api.get(path + "?filter[state]=ready"))).containsExactly(c1, c2, c3);
    assertThat(ids(api.get(path + "?filter[state]=needs_reauth"))).isEmpty();
    assertThat(ids(api.get(path + "?filter[state]=error"))).isEmpty();
    Api.Response badState = api.get(path + "?filter[state]=broken");
    assertThat(badState.status()).isEqualTo(400);
    assertThat(badState.error().path("source").path("parameter").asText())
        .isEqualTo("filter[state]");
  }

  @Test
  void listWhenPageSizeIsTwoThenLinksNextWalksFiveCredentialsOnceInCreationOrder() {
    World.Tenancy w = world.tenancy(unique("cred-pages"));
    String open = AuthClients.noauth().in(w).create(server.admin());
    WorkspaceApi member = w.member(server);
    Api api = member.api();
    String path = member.credentialsPath();
    List<String> made = credentials(member, open, "p", 5);
    List<Integer> sizes = new ArrayList<>();

    List<String> walked = ApiFixtures.walk(api, path + "?page[size]=2", 2, sizes);

    assertThat(walked).containsExactlyElementsOf(made).doesNotHaveDuplicates();
    assertThat(sizes).containsExactly(2, 2, 1);
    assertThat(ApiFixtures.walk(api, path + "?page[size]=5", 5, new ArrayList<>()))
        .containsExactlyElementsOf(made);
  }

  @Test
  void listWhenNoPageSizeThenFiftyPerPageAndTheRestBehindLinksNext() {
    World.Tenancy w = world.tenancy(unique("cred-default-page"));
    String open = AuthClients.noauth().in(w).create(server.admin());
    WorkspaceApi member = w.member(server);
    Api api = member.api();
    String path = member.credentialsPath();
    List<String> made = credentials(member, open, "d", 51);
    List<Integer> sizes = new ArrayList<>();

    List<String> walked = ApiFixtures.walk(api, path, 50, sizes);

    assertThat(sizes).containsExactly(50, 1);
    assertThat(walked).containsExactlyElementsOf(made);
    assertThat(ids(api.get(path + "?page[size]=500"))).containsExactlyElementsOf(made);
  }

  @Test
  void listWhenPageSizeIsOutOfRangeOrCursorIsForgedThen400() {
    assertThat(member().get(base + "?page[size]=0").status()).isEqualTo(400);
    assertThat(member().get(base + "?page[size]=501").status()).isEqualTo(400);
    assertThat(member().get(base + "?page[after]=not-a-cursor").status()).isEqualTo(400);
  }

  @Test
  void listWhenCallerIsNotInTheWorkspaceThen404() {
    World.Tenancy other = world.tenancy(unique("list-outsider"));

    assertThat(server.as(other.memberKey()).get(base).status()).isEqualTo(404);
  }

  // DELETE

  @Test
  void deleteWhenCreatorDeletesThen204AndTheCredentialIsGone() {
    String id = created(noauth, Map.of());

    Api.Response r = workspace.delete(id);

    assertThat(r.status()).as(r.text()).isEqualTo(204);
    assertThat(workspace.get(id).status()).isEqualTo(404);
    assertThat(workspace.delete(id).status()).isEqualTo(404);
    assertThat(ids(workspace.list())).doesNotContain(id);
    assertThat(access(member(), id, "").status()).isEqualTo(404);
  }
}
