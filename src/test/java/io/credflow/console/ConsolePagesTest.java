package io.credflow.console;

import static io.credflow.testing.ConsoleClient.SESSION_COOKIE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.ConsoleClient;
import io.credflow.testing.ConsoleClient.Page;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Components;
import io.credflow.testing.documents.Credentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user does on each console page, over HTTP against a real server: auth clients (list,
 * create, refusals, the duplicate warning, rename, a new secret, delete), components (pasted and
 * uploaded component.json, refusals, delete), the workspace's members (invite, setup link, remove),
 * events, the empty flows page, the credentials search and the credential edit form. Every refusal
 * of the API lands in the error span of the field it concerns, with what was typed kept and no
 * secret echoed.
 *
 * <p>One server serves the class; each test works in a workspace (or a tenancy) of its own.
 */
class ConsolePagesTest {
  private static final String ADMIN = "admin@localhost";
  private static final String ADMIN_PASSWORD = "console pages admin password";
  private static final String PASSWORD = "console pages member password";

  private static final Pattern SETUP_PATH = Pattern.compile("(/setup/[A-Za-z0-9_-]+)");
  private static final Pattern ROW_NAME =
      Pattern.compile("<tr>\\s*<td><a href=\"[^\"]*\">([^<]*)</a></td>");
  private static final Pattern EVENT_TYPE = Pattern.compile("<td>(credential\\.[a-z_]+)</td>");
  private static final Pattern ENTITY = Pattern.compile("&#(x?)([0-9A-Fa-f]+);");

  private static final String DESCRIPTOR =
      """
      {
        "title": "Pasted API",
        "authClientTypes": ["basic", "api_key"],
        "credentials": {"fields": {"auth": {"required": false, "viewClass": "HTTPAuthView"}}}
      }
      """;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().configure(c -> c.adminPassword(ADMIN_PASSWORD)).tenancy("pages");

  private static final AtomicInteger NAMES = new AtomicInteger();

  /** The admin's browser, signed in once for the class. */
  private static ConsoleClient admin;

  private final TestServer server = credflow.server();
  private final Api api = credflow.admin();
  private final World.Tenancy home = credflow.tenancy();

  @BeforeAll
  static void signInAdmin() {
    admin = ConsoleClient.of(credflow.server());
    Page page = admin.signIn(ADMIN, ADMIN_PASSWORD);
    assertThat(page.status()).as(page.toString()).isEqualTo(303);
  }

  // ---------------------------------------------------------------- auth clients

  @Test
  void authClientsWhenUsableHereThenListedWithNameLevelClientIdEndAndTokenHost() {
    String ws = newWorkspace();
    String other = newWorkspace();
    AuthClients.oauth2()
        .name("Tenant orders")
        .clientId("tenant-cid-AB12CD")
        .clientSecret("cs-tenant")
        .tokenUri("https://tokens.example.net/oauth/token")
        .in(home)
        .create(api);
    AuthClients.basic()
        .name("Workspace basic")
        .workspace(ws)
        .components(home.component())
        .create(api);
    AuthClients.basic()
        .name("Other workspace basic")
        .workspace(other)
        .components(home.component())
        .create(api);

    Page list = admin.get("/w/" + ws + "/auth-clients");

    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(list.html())
        .contains("Tenant orders · tenant · client …AB12CD · tokens.example.net")
        .contains("Workspace basic · workspace<")
        .doesNotContain("Other workspace basic");
  }

  @Test
  void authClientCreateWhenOAuth2FieldsAreValidThenRedirectsToItsPage() {
    String ws = newWorkspace();
    Page form = admin.get(newClientPath(ws) + "?component=" + home.component() + "&type=oauth2");
    assertThat(form.status()).as(form.toString()).isEqualTo(200);
    assertThat(form.html())
        .contains("<label for=\"ac-name\">Name</label>")
        .contains("<label for=\"ac-credentials-client_id\">Client ID</label>")
        .contains("<label for=\"ac-credentials-client_secret\">Client Secret</label>")
        .contains("<label for=\"ac-credentials-auth_uri\">Authorization Endpoint</label>")
        .contains("<label for=\"ac-credentials-token_uri\">Token Endpoint</label>");

    Page created = admin.post(newClientPath(ws), oauthForm(ws, "Orders OAuth", "orders-cid-42"));

    assertThat(created.status()).as(created.toString()).isEqualTo(303);
    String id = createdClientId(ws, created);
    assertThat(created.location()).hasValue(clientPath(ws, id) + "?notice=created");
    Page page = admin.get(created.location().orElseThrow());
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(page.html()).contains("<h1>Orders OAuth</h1>").doesNotContain("cs-SECRET-form");
    JsonNode stored = api.get("/v2/auth-clients/" + id).attributes();
    assertThat(stored.path("type").asText()).isEqualTo("oauth2");
    assertThat(stored.path("name").asText()).isEqualTo("Orders OAuth");
    assertThat(stored.path("level").asText()).isEqualTo("workspace");
    assertThat(stored.path("credentials").path("client_id").asText()).isEqualTo("orders-cid-42");
    assertThat(stored.path("credentials").path("client_secret").asText()).isEqualTo("********");
    assertThat(stored.path("credentials").path("token_uri").asText())
        .isEqualTo(AuthClients.EXAMPLE_TOKEN_URI);
  }

  @Test
  void authClientCreateWhenClientIdIsMissingThenApisMessageAtClientIdAndTypedValuesKept() {
    String ws = newWorkspace();
    Map<String, String> form = oauthForm(ws, "No id client", "");

    Page refused = postNewClient(ws, form);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "ac-credentials-client_id"))
        .isEqualTo(apiRefusal(ws, form, "credentials/client_id"))
        .contains("client_id");
    assertTypedKeptSecretNot(refused, form);
  }

  @Test
  void authClientCreateWhenTokenEndpointIsNoUrlThenApisMessageAtTokenEndpointAndTypedValuesKept() {
    String ws = newWorkspace();
    Map<String, String> form = oauthForm(ws, "Bad token client", "bad-token-cid");
    form.put("credentials/token_uri", "not a url");

    Page refused = postNewClient(ws, form);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "ac-credentials-token_uri"))
        .isEqualTo(apiRefusal(ws, form, "credentials/token_uri"))
        .contains("token_uri");
    assertThat(errorAt(refused, "ac-credentials-client_id")).isEmpty();
    assertTypedKeptSecretNot(refused, form);
  }

  @Test
  void authClientCreateWhenExtraParameterLineHasNoEqualsThenMessageAtItsFieldAndTypedValuesKept() {
    String ws = newWorkspace();
    Map<String, String> form = oauthForm(ws, "Extra params client", "extra-cid");
    form.put("credentials/extra_auth_params", "prompt=consent\naccess_type offline");

    Page refused = postNewClient(ws, form);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "ac-credentials-extra_auth_params"))
        .contains("name=value")
        .contains("\"access_type offline\"");
    assertThat(textareaOf(refused, "ac-credentials-extra_auth_params"))
        .isEqualTo("prompt=consent\naccess_type offline");
    assertTypedKeptSecretNot(refused, form);
  }

  @Test
  void authClientCreateWhenClientIdAndSecretDuplicateAnotherThenItsPageWarns() {
    String ws = newWorkspace();
    String first =
        AuthClients.oauth2()
            .name("First of the pair")
            .clientId("dup-cid")
            .clientSecret("cs-SECRET-form")
            .workspace(ws)
            .components(home.component())
            .create(api);

    Page created = postNewClient(ws, oauthForm(ws, "Second of the pair", "dup-cid"));

    assertThat(created.status()).as(created.toString()).isEqualTo(303);
    String second = createdClientId(ws, created);
    assertThat(second).isNotEqualTo(first);
    assertThat(created.location())
        .hasValue(clientPath(ws, second) + "?notice=duplicate&duplicate=" + first);
    Page page = admin.get(created.location().orElseThrow());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.html())
        .contains("<h1>Second of the pair</h1>")
        .contains("Warning (duplicate_client_secret):</strong> auth client " + first)
        .doesNotContain("cs-SECRET-form");
  }

  @Test
  void authClientUpdateWhenRenamedThenPageAndApiHaveTheNewName() {
    String ws = newWorkspace();
    String id =
        AuthClients.basic()
            .name("Before rename")
            .workspace(ws)
            .components(home.component())
            .create(api);
    Page edit = admin.get(clientPath(ws, id));
    assertThat(valueOf(edit, "f-name")).isEqualTo("Before rename");

    Page saved = admin.post(clientPath(ws, id), Map.of("name", "After rename"));

    assertThat(saved.status()).as(saved.toString()).isEqualTo(303);
    assertThat(saved.location()).hasValue(clientPath(ws, id) + "?notice=saved");
    assertThat(api.get("/v2/auth-clients/" + id).attributes().path("name").asText())
        .isEqualTo("After rename");
    assertThat(admin.get("/w/" + ws + "/auth-clients").html())
        .contains("After rename")
        .doesNotContain("Before rename");
  }

  @Test
  void authClientUpdateWhenSecretReplacedThenMaskedInApiAndTheNewSecretIsTheStoredOne() {
    String ws = newWorkspace();
    String id =
        AuthClients.oauth2()
            .name("Rotated")
            .clientId("rotate-cid")
            .clientSecret("cs-old-secret")
            .workspace(ws)
            .components(home.component())
            .create(api);
    Page edit = admin.get(clientPath(ws, id));
    assertThat(edit.html()).contains("Replace Client Secret");
    assertThat(valueOf(edit, "f-credentials-client_secret")).isEmpty();

    Page saved =
        admin.post(
            clientPath(ws, id),
            Map.of("name", "Rotated", "credentials/client_secret", "cs-new-secret"));

    assertThat(saved.status()).as(saved.toString()).isEqualTo(303);
    assertThat(saved.location()).hasValue(clientPath(ws, id) + "?notice=saved");
    JsonNode stored = api.get("/v2/auth-clients/" + id).attributes();
    assertThat(stored.path("credentials").path("client_secret").asText()).isEqualTo("********");
    assertThat(stored.path("credentials").path("client_id").asText()).isEqualTo("rotate-cid");
    // The stored secret is only ever compared: a new client with the old one is no duplicate of
    // it any more, one with the new one is.
    Map<String, String> withOld = oauthForm(ws, "With the old secret", "rotate-cid");
    withOld.put("credentials/client_secret", "cs-old-secret");
    Map<String, String> withNew = oauthForm(ws, "With the new secret", "rotate-cid");
    withNew.put("credentials/client_secret", "cs-new-secret");
    Page old = postNewClient(ws, withOld);
    Page current = postNewClient(ws, withNew);
    assertThat(old.location()).hasValueSatisfying(l -> assertThat(l).endsWith("?notice=created"));
    assertThat(current.location())
        .hasValueSatisfying(l -> assertThat(l).endsWith("?notice=duplicate&duplicate=" + id));
  }

  @Test
  void authClientDeleteWhenCredentialUsesItThenConflictWithTheReasonOnThePage() {
    String ws = newWorkspace();
    String id =
        AuthClients.basic()
            .name("Used client")
            .credential("name", "svc")
            .workspace(ws)
            .components(home.component())
            .create(api);
    Credentials.named("uses it").authClient(id).secret("password", "pw-used").create(api, ws);
    admin.get(clientPath(ws, id));

    Page refused = admin.post(clientPath(ws, id) + "/delete", Map.of());

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.html())
        .contains("<p class=\"problem\" role=\"alert\">auth-client " + id + " is used by 1")
        .contains("delete them before the auth-client")
        .contains("<h1>Used client</h1>");
    assertThat(api.get("/v2/auth-clients/" + id).status()).isEqualTo(200);
  }

  @Test
  void authClientDeleteWhenUnusedThenRedirectsToTheListAndGoneFromApi() {
    String ws = newWorkspace();
    String id =
        AuthClients.basic()
            .name("Unused client")
            .workspace(ws)
            .components(home.component())
            .create(api);
    admin.get(clientPath(ws, id));

    Page deleted = admin.post(clientPath(ws, id) + "/delete", Map.of());

    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(303);
    assertThat(deleted.location()).hasValue("/w/" + ws + "/auth-clients?notice=deleted");
    assertThat(api.get("/v2/auth-clients/" + id).status()).isEqualTo(404);
    assertThat(admin.get("/w/" + ws + "/auth-clients").html()).doesNotContain("Unused client");
  }

  @Test
  void authClientsWhenMemberIsNotAdminThenNoNewButtonAndCreateForbiddenAsInApi() {
    World.Tenancy t = newTenancy();
    ConsoleClient member = signedInAs(t.workspace(), t.memberId());
    String ws = t.workspace();
    assertThat(admin.get("/w/" + ws + "/auth-clients").html()).contains("New auth client");

    Page list = member.get("/w/" + ws + "/auth-clients");
    Map<String, String> form = oauthForm(ws, "Member's client", "member-cid");
    form.put("component", t.component());
    Page create = member.post(newClientPath(ws), form);
    Api.Response viaApi =
        AuthClients.oauth2()
            .name("Member's client")
            .clientId("member-cid")
            .clientSecret("cs-member")
            .workspace(ws)
            .components(t.component())
            .post(server.as(t.memberKey()));

    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(list.html()).doesNotContain("New auth client");
    assertThat(create.status()).as(create.toString()).isEqualTo(403);
    assertThat(viaApi.status()).as(viaApi.text()).isEqualTo(403);
    assertThat(admin.get("/w/" + ws + "/auth-clients").html()).doesNotContain("Member's client");
  }

  // ---------------------------------------------------------------- components

  @Test
  void componentCreateWhenDescriptorIsPastedThenListedAndUsableInTheCredentialsGrid()
      throws IOException {
    String ws = newWorkspace();
    String name = "Pasted API " + NAMES.incrementAndGet();
    admin.get("/w/" + ws + "/components");

    Page created =
        postMultipart(
            admin,
            "/w/" + ws + "/components",
            Map.of("name", name, "level", "workspace", "descriptor", DESCRIPTOR),
            Optional.empty());

    assertCreatedComponent(ws, name, created);
  }

  @Test
  void componentCreateWhenDescriptorIsUploadedThenCreatedAsWhenPasted() throws IOException {
    String ws = newWorkspace();
    String name = "Uploaded API " + NAMES.incrementAndGet();
    admin.get("/w/" + ws + "/components");

    Page created =
        postMultipart(
            admin,
            "/w/" + ws + "/components",
            Map.of("name", name, "level", "workspace", "descriptor", ""),
            Optional.of(DESCRIPTOR));

    assertCreatedComponent(ws, name, created);
  }

  @Test
  void componentCreateWhenJsonIsInvalidThenMessageNamesLineAndColumnAtDescriptorAndTextKept() {
    String ws = newWorkspace();
    String broken = "{\n  \"title\": \"Broken\",\n  \"authClientTypes\": [\"basic\",,]\n}";
    admin.get("/w/" + ws + "/components");

    Page refused =
        postMultipart(
            admin,
            "/w/" + ws + "/components",
            Map.of("name", "Broken API", "level", "workspace", "descriptor", broken),
            Optional.empty());

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "f-descriptor"))
        .startsWith("component.json is not valid JSON: ")
        .containsPattern("\\(line 3, column \\d+\\)$");
    assertThat(textareaOf(refused, "f-descriptor")).isEqualTo(broken);
    assertThat(valueOf(refused, "f-name")).isEqualTo("Broken API");
    assertThat(admin.get("/w/" + ws + "/components").html()).doesNotContain("Broken API");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"title\": \"Typo\", \"authClientTypes\": [\"basic\", \"oauth3\"]}",
        "{\"title\": \"Wrong view\", \"authClientTypes\": [\"oauth2_instagram\"], \"credentials\":"
            + " {\"fields\": {\"auth\": {\"required\": true, \"viewClass\": \"HTTPAuthView\"}}}}"
      })
  void componentCreateWhenApiRefusesDescriptorThenApisMessageAtDescriptorAndTextKept(
      String descriptor) throws IOException {
    String ws = newWorkspace();
    Api.Response viaApi =
        Components.named("Refused API", Api.JSON.readTree(descriptor)).workspace(ws).post(api);
    assertThat(viaApi.status()).as(viaApi.text()).isEqualTo(422);
    admin.get("/w/" + ws + "/components");

    Page refused =
        postMultipart(
            admin,
            "/w/" + ws + "/components",
            Map.of("name", "Refused API", "level", "workspace", "descriptor", descriptor),
            Optional.empty());

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    String message = errorAt(refused, "f-descriptor");
    for (JsonNode error : viaApi.body().path("errors")) {
      assertThat(message).contains(error.path("detail").asText());
    }
    assertThat(textareaOf(refused, "f-descriptor")).isEqualTo(descriptor);
    assertThat(admin.get("/w/" + ws + "/components").html()).doesNotContain("Refused API");
  }

  @Test
  void componentDeleteWhenAuthClientLinksItThenConflictWithTheReason() {
    String ws = newWorkspace();
    String component =
        Components.named(
                "Linked API", Map.of("title", "Linked", "authClientTypes", List.of("basic")))
            .workspace(ws)
            .create(api);
    AuthClients.basic().name("Linking client").workspace(ws).components(component).create(api);
    admin.get("/w/" + ws + "/components/" + component);

    Page refused = admin.post("/w/" + ws + "/components/" + component + "/delete", Map.of());

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.html())
        .contains(
            "<p class=\"problem\" role=\"alert\">component "
                + component
                + " is linked by 1 auth-client(s)")
        .contains("<h1>Linked API</h1>");
    assertThat(api.get("/v2/components/" + component).status()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- workspace

  @Test
  void workspaceWhenOpenedThenListsMembersWithEmailAndRole() {
    World.Tenancy t = newTenancy();
    String memberEmail = email(t.memberId());

    Page page = admin.get("/w/" + t.workspace() + "/workspace");

    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(page.html()).contains(memberRow(memberEmail, "member"));
  }

  @Test
  void inviteWhenEmailIsValidThenListedAndTheOneTimeSetupLinkOpensForThatEmail() {
    String ws = newWorkspace();
    String email = "invited-" + NAMES.incrementAndGet() + "@example.com";
    admin.get("/w/" + ws + "/workspace");

    Page invited =
        admin.post("/w/" + ws + "/workspace/members", Map.of("email", email, "role", "admin"));

    assertThat(invited.status()).as(invited.toString()).isEqualTo(200);
    assertThat(invited.html()).contains("One-time link").contains(memberRow(email, "admin"));
    String link = invited.first(SETUP_PATH).orElseThrow();
    Page setup = ConsoleClient.of(server).get(link);
    assertThat(setup.status()).as(setup.toString()).isEqualTo(200);
    assertThat(setup.html()).contains("Set your password").contains(email);
  }

  @Test
  void inviteWhenEmailIsInvalidThenUnprocessableAtTheEmailFieldAndKept() {
    String ws = newWorkspace();
    admin.get("/w/" + ws + "/workspace");

    Page refused =
        admin.post(
            "/w/" + ws + "/workspace/members", Map.of("email", "not an email", "role", "member"));

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "f-email"))
        .isEqualTo("email must be an address like ada@example.com");
    assertThat(valueOf(refused, "f-email")).isEqualTo("not an email");
    assertThat(refused.html()).doesNotContain("id=\"setup-link\"");
  }

  @Test
  void inviteWhenMemberIsNotAdminThenNoFormAndForbidden() {
    World.Tenancy t = newTenancy();
    ConsoleClient member = signedInAs(t.workspace(), t.memberId());
    String email = "by-member-" + NAMES.incrementAndGet() + "@example.com";

    Page page = member.get("/w/" + t.workspace() + "/workspace");
    Page refused =
        member.post(
            "/w/" + t.workspace() + "/workspace/members", Map.of("email", email, "role", "member"));

    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(page.html()).doesNotContain("Add a user");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
    assertThat(refused.html()).doesNotContain("/setup/");
    assertThat(admin.get("/w/" + t.workspace() + "/workspace").html()).doesNotContain(email);
  }

  @Test
  void removeMemberWhenDoneThenTheWorkspaceIsNotFoundForThemInConsoleAndApi() {
    World.Tenancy t = newTenancy();
    String ws = t.workspace();
    ConsoleClient member = signedInAs(ws, t.memberId());
    Api memberApi = server.as(t.memberKey());
    assertThat(member.get("/w/" + ws + "/credentials").status()).isEqualTo(200);
    assertThat(memberApi.get("/v2/workspaces/" + ws).status()).isEqualTo(200);
    admin.get("/w/" + ws + "/workspace");

    Page removed =
        admin.post("/w/" + ws + "/workspace/members/" + t.memberId() + "/remove", Map.of());

    assertThat(removed.status()).as(removed.toString()).isEqualTo(303);
    assertThat(removed.location()).hasValue("/w/" + ws + "/workspace?notice=deleted");
    assertThat(admin.get("/w/" + ws + "/workspace").html()).doesNotContain(email(t.memberId()));
    assertThat(member.get("/w/" + ws + "/credentials").status()).isEqualTo(404);
    assertThat(member.get("/w/" + ws + "/workspace").status()).isEqualTo(404);
    assertThat(memberApi.get("/v2/workspaces/" + ws).status()).isEqualTo(404);
  }

  // ---------------------------------------------------------------- events and flows

  @Test
  void eventsWhenCredentialCreatedVerifiedAndDeletedThenListedNewestFirst() {
    String ws = newWorkspace();
    WorkspaceApi credentials = new WorkspaceApi(api, ws);
    String client = basicClient(ws);
    String id =
        credentials.create(
            Credentials.named("short lived").authClient(client).secret("password", "pw-events"));
    Api.Response verified = api.post(credentials.credentialPath(id) + "/verify", "");
    assertThat(verified.status()).as(verified.text()).isEqualTo(200);
    Api.Response deleted = credentials.delete(id);
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);

    Page events = admin.get("/w/" + ws + "/events");

    assertThat(events.status()).as(events.toString()).isEqualTo(200);
    assertThat(events.all(EVENT_TYPE))
        .containsExactly("credential.deleted", "credential.verified", "credential.created");
    assertThat(events.html()).contains("credential " + id + ": ").doesNotContain("pw-events");
  }

  @Test
  void flowsWhenOpenedWithoutFlowsThenSaysSoAndOffersTheNewFlowForm() {
    Page flows = admin.get("/w/" + home.workspace() + "/flows");

    assertThat(flows.status()).as(flows.toString()).isEqualTo(200);
    assertThat(flows.html()).contains("<h1>Flows</h1>", "No flows yet.", "<h2>New flow</h2>");
  }

  // ---------------------------------------------------------------- credentials

  @Test
  void credentialsListWhenQueryGivenThenOnlyCredentialsNamedLikeIt() {
    String ws = newWorkspace();
    String client = basicClient(ws);
    for (String name : List.of("alpha orders", "beta billing", "Alpha refunds")) {
      Credentials.named(name).authClient(client).secret("password", "pw").create(api, ws);
    }
    String list = "/w/" + ws + "/credentials/c/" + home.component();

    Page all = admin.get(list);
    Page alpha = admin.get(list + "?q=alpha");
    Page none = admin.get(list + "?q=gamma");

    assertThat(all.all(ROW_NAME))
        .containsExactlyInAnyOrder("alpha orders", "beta billing", "Alpha refunds");
    assertThat(alpha.status()).as(alpha.toString()).isEqualTo(200);
    assertThat(alpha.all(ROW_NAME)).containsExactlyInAnyOrder("alpha orders", "Alpha refunds");
    assertThat(valueOf(alpha, "q")).isEqualTo("alpha");
    assertThat(none.all(ROW_NAME)).isEmpty();
    assertThat(none.html()).contains("No credential is named like “gamma”.");
  }

  @Test
  void credentialsListWhenHtmxTargetsRowsThenOnlyTheRowsFragment() {
    String ws = newWorkspace();
    String client = basicClient(ws);
    for (String name : List.of("alpha orders", "beta billing")) {
      Credentials.named(name).authClient(client).secret("password", "pw").create(api, ws);
    }

    Page rows =
        admin.get(
            "/w/" + ws + "/credentials/c/" + home.component() + "?q=beta",
            Map.of("HX-Request", "true", "HX-Target", "rows"));

    assertThat(rows.status()).as(rows.toString()).isEqualTo(200);
    assertThat(rows.html())
        .doesNotContain("<html")
        .doesNotContain("id=\"q\"")
        .doesNotContain("csrf-token");
    assertThat(rows.html().strip()).startsWith("<table class=\"rows\">");
    assertThat(rows.all(ROW_NAME)).containsExactly("beta billing");
  }

  @Test
  void credentialEditWhenOpenedThenPasswordFieldIsReplacePasswordAndEmpty() {
    String ws = newWorkspace();
    String id =
        Credentials.named("editable")
            .authClient(basicClient(ws))
            .secret("username", "alice")
            .secret("password", "pw-SECRET-edit")
            .create(api, ws);

    Page edit = admin.get(credentialPath(ws, id) + "/edit");

    assertThat(edit.status()).as(edit.toString()).isEqualTo(200);
    assertThat(edit.html())
        .contains("<label for=\"f-credentials-password\">Replace password</label>")
        .doesNotContain("pw-SECRET-edit");
    assertThat(valueOf(edit, "f-credentials-password")).isEmpty();
    assertThat(valueOf(edit, "f-name")).isEqualTo("editable");
  }

  @Test
  void credentialEditWhenPasswordLeftEmptyThenRenamedAndTheOldPasswordStillReleased() {
    String ws = newWorkspace();
    WorkspaceApi credentials = new WorkspaceApi(api, ws);
    String id =
        credentials.create(
            Credentials.named("before edit")
                .authClient(basicClient(ws))
                .secret("username", "alice")
                .secret("password", "pw-old"));
    String before = released(credentials, id);
    admin.get(credentialPath(ws, id) + "/edit");

    Page saved = admin.post(credentialPath(ws, id) + "/edit", editForm("after edit", ""));

    assertThat(saved.status()).as(saved.toString()).isEqualTo(303);
    assertThat(saved.location()).hasValue(credentialPath(ws, id) + "?notice=saved");
    assertThat(credentials.attributes(id).path("name").asText()).isEqualTo("after edit");
    assertThat(released(credentials, id)).isEqualTo(before).isEqualTo(basic("alice", "pw-old"));
  }

  @Test
  void credentialEditWhenNewPasswordThenTheReleasedHeaderChanges() {
    String ws = newWorkspace();
    WorkspaceApi credentials = new WorkspaceApi(api, ws);
    String id =
        credentials.create(
            Credentials.named("rotating")
                .authClient(basicClient(ws))
                .secret("username", "alice")
                .secret("password", "pw-old"));
    String before = released(credentials, id);
    admin.get(credentialPath(ws, id) + "/edit");

    Page saved = admin.post(credentialPath(ws, id) + "/edit", editForm("rotating", "pw-new"));

    assertThat(saved.status()).as(saved.toString()).isEqualTo(303);
    assertThat(released(credentials, id)).isNotEqualTo(before).isEqualTo(basic("alice", "pw-new"));
  }

  @Test
  void credentialEditWhenUsernameChangesWithoutPasswordThenAskedForThePasswordAndNothingChanged() {
    String ws = newWorkspace();
    WorkspaceApi credentials = new WorkspaceApi(api, ws);
    String id =
        credentials.create(
            Credentials.named("renamed user")
                .authClient(basicClient(ws))
                .secret("username", "alice")
                .secret("password", "pw-kept"));
    Page form = admin.get(credentialPath(ws, id) + "/edit");
    // The user name (not a secret) is filled in; the password never is.
    assertThat(form.html()).contains("value=\"alice\"").doesNotContain("pw-kept");
    Map<String, String> edit = editForm("renamed user", "");
    edit.put("credentials/username", "bob");

    Page refused = admin.post(credentialPath(ws, id) + "/edit", edit);
    edit.put("credentials/password", "pw-bob");
    Page saved = admin.post(credentialPath(ws, id) + "/edit", edit);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "f-credentials-password")).contains("type the password too");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(303);
    assertThat(released(credentials, id)).isEqualTo(basic("bob", "pw-bob"));
  }

  // ---------------------------------------------------------------- helpers

  /** A new workspace of the home tenancy's contract (which can use its component). */
  private String newWorkspace() {
    return World.workspace(api, home.contract(), "pages " + NAMES.incrementAndGet());
  }

  /** A tenancy of its own, for tests that change members. */
  private static World.Tenancy newTenancy() {
    return credflow.world().tenancy("pages-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** A basic auth-client of {@code ws} for the home component (default username svc). */
  private String basicClient(String ws) {
    return AuthClients.basic()
        .name("basic " + NAMES.incrementAndGet())
        .credential("name", "svc")
        .workspace(ws)
        .components(home.component())
        .create(api);
  }

  private static String newClientPath(String ws) {
    return "/w/" + ws + "/auth-clients/new";
  }

  private static String clientPath(String ws, String id) {
    return "/w/" + ws + "/auth-clients/" + id;
  }

  private static String credentialPath(String ws, String id) {
    return "/w/" + ws + "/credentials/" + id;
  }

  /** The seed's oauth2 fields as a browser sends them, with a secret that must never come back. */
  private Map<String, String> oauthForm(String ws, String name, String clientId) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("component", home.component());
    form.put("type", "oauth2");
    form.put("owner", "workspace");
    form.put("name", name);
    form.put("credentials/client_id", clientId);
    form.put("credentials/client_secret", "cs-SECRET-form");
    form.put("credentials/auth_uri", AuthClients.EXAMPLE_AUTH_URI);
    form.put("credentials/token_uri", AuthClients.EXAMPLE_TOKEN_URI);
    return form;
  }

  /** Opens the new auth-client form (as a browser would) and sends {@code form}. */
  private Page postNewClient(String ws, Map<String, String> form) {
    admin.get(newClientPath(ws) + "?component=" + home.component() + "&type=oauth2");
    return admin.post(newClientPath(ws), form);
  }

  /** The id in the redirect to a created auth-client's page. */
  private static String createdClientId(String ws, Page created) {
    Matcher m =
        Pattern.compile("^/w/" + Pattern.quote(ws) + "/auth-clients/([^/?]+)\\?")
            .matcher(created.location().orElseThrow());
    assertThat(m.find()).as(created.toString()).isTrue();
    return m.group(1);
  }

  /**
   * What the API answers for the same oauth2 auth-client as {@code form} at {@code field}: the
   * detail of its one error there.
   */
  private String apiRefusal(String ws, Map<String, String> form, String field) {
    Map<String, Object> settings = new LinkedHashMap<>();
    for (String member : List.of("client_id", "client_secret", "auth_uri", "token_uri")) {
      String value = form.get("credentials/" + member);
      if (!value.isBlank()) {
        settings.put(member, value);
      }
    }
    Api.Response r =
        AuthClients.of("oauth2")
            .name(form.get("name"))
            .credentialsAsGiven(settings)
            .workspace(ws)
            .components(home.component())
            .post(api);
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    List<String> details =
        StreamSupport.stream(r.body().path("errors").spliterator(), false)
            .filter(e -> e.path("source").path("pointer").asText().endsWith("/" + field))
            .map(e -> e.path("detail").asText())
            .toList();
    assertThat(details).as(r.text()).hasSize(1);
    return details.get(0);
  }

  /**
   * The name and endpoints typed are in the form again, which still sends the same component and
   * type; the secret is nowhere on the page.
   */
  private static void assertTypedKeptSecretNot(Page page, Map<String, String> form) {
    assertThat(valueOf(page, "ac-name")).isEqualTo(form.get("name"));
    assertThat(valueOf(page, "ac-credentials-client_id"))
        .isEqualTo(form.get("credentials/client_id"));
    assertThat(valueOf(page, "ac-credentials-auth_uri"))
        .isEqualTo(form.get("credentials/auth_uri"));
    assertThat(valueOf(page, "ac-credentials-token_uri"))
        .isEqualTo(form.get("credentials/token_uri"));
    assertThat(valueOf(page, "ac-credentials-client_secret")).isEmpty();
    assertThat(page.html())
        .doesNotContain(form.get("credentials/client_secret"))
        .contains(
            "<input type=\"hidden\" name=\"component\" value=\"" + form.get("component") + "\">")
        .contains("<input type=\"hidden\" name=\"type\" value=\"oauth2\">");
  }

  private void assertCreatedComponent(String ws, String name, Page created) throws IOException {
    assertThat(created.status()).as(created.toString()).isEqualTo(303);
    Matcher m =
        Pattern.compile("^/w/" + Pattern.quote(ws) + "/components/([^/?]+)\\?notice=created$")
            .matcher(created.location().orElseThrow());
    assertThat(m.find()).as(created.toString()).isTrue();
    String id = m.group(1);
    Api.Response stored = api.get("/v2/components/" + id);
    assertThat(stored.status()).as(stored.text()).isEqualTo(200);
    assertThat(stored.attributes().path("name").asText()).isEqualTo(name);
    assertThat(stored.attributes().path("descriptor")).isEqualTo(Api.JSON.readTree(DESCRIPTOR));
    assertThat(
            stored.data().path("relationships").path("workspace").path("data").path("id").asText())
        .isEqualTo(ws);
    assertThat(admin.get("/w/" + ws + "/components").html())
        .contains("<a href=\"/w/" + ws + "/components/" + id + "\">" + name + "</a>");
    Page grid = admin.get("/w/" + ws + "/credentials");
    assertThat(grid.html())
        .contains("<a href=\"/w/" + ws + "/credentials/c/" + id + "\">" + name + "</a>")
        .contains("Basic Auth · API Key Auth");
    Page credentials = admin.get("/w/" + ws + "/credentials/c/" + id);
    assertThat(credentials.status()).as(credentials.toString()).isEqualTo(200);
    assertThat(credentials.html()).contains("No credentials yet.");
  }

  /** The table row of a member as the workspace page shows it. */
  private static String memberRow(String email, String role) {
    return "<tr><td>" + email + "</td><td>" + role + "</td>";
  }

  private String email(String userId) {
    return api.get("/v2/users/" + userId).attributes().path("email").asText();
  }

  /** A signed-in browser of user {@code userId}, through a setup link the admin makes for them. */
  private ConsoleClient signedInAs(String ws, String userId) {
    admin.get("/w/" + ws + "/workspace");
    Page link = admin.post("/w/" + ws + "/workspace/members/" + userId + "/link", Map.of());
    assertThat(link.status()).as(link.toString()).isEqualTo(200);
    String path = link.first(SETUP_PATH).orElseThrow();
    ConsoleClient browser = ConsoleClient.of(server);
    Page form = browser.get(path);
    Page done = browser.post(path, Map.of("password", PASSWORD, "confirm", PASSWORD), form);
    assertThat(done.status()).as(done.toString()).isEqualTo(303);
    return browser;
  }

  /** The credential edit form as a browser sends it. */
  private static Map<String, String> editForm(String name, String password) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("type", "basic");
    form.put("name", name);
    form.put("credentials/username", "");
    form.put("credentials/password", password);
    form.put("action", "save");
    return form;
  }

  /** The header value {@code POST …/access} releases. */
  private static String released(WorkspaceApi credentials, String id) {
    Api.Response r = credentials.access(id);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.attributes().path("header").path("value").asText();
  }

  private static String basic(String username, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The message of the error span of the field with id {@code id}: the span must come after the
   * field with no other field between them.
   */
  private static String errorAt(Page page, String id) {
    String html = page.html();
    Matcher field =
        Pattern.compile("<(?:input|textarea|select) id=\"" + Pattern.quote(id) + "\"")
            .matcher(html);
    assertThat(field.find()).as("a field with id %s in %s", id, page).isTrue();
    Matcher span =
        Pattern.compile(
                "<span id=\""
                    + Pattern.quote(id)
                    + "-error\" class=\"field-error\"[^>]*>(.*?)</span>",
                Pattern.DOTALL)
            .matcher(html);
    assertThat(span.find(field.end())).as("the error span of %s in %s", id, page).isTrue();
    String between = html.substring(field.end(), span.start());
    assertThat(between.substring(between.indexOf('>') + 1))
        .as("between field %s and its error span", id)
        .doesNotContain("<input", "<textarea", "<select");
    return text(span.group(1));
  }

  /** The value attribute of the input with id {@code id}, as text. */
  private static String valueOf(Page page, String id) {
    Matcher m =
        Pattern.compile("<input id=\"" + Pattern.quote(id) + "\"[^>]*?\\svalue=\"([^\"]*)\"")
            .matcher(page.html());
    assertThat(m.find()).as("an input with id %s and a value in %s", id, page).isTrue();
    return text(m.group(1));
  }

  /** The content of the text area with id {@code id}, as text. */
  private static String textareaOf(Page page, String id) {
    Matcher m =
        Pattern.compile(
                "<textarea id=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</textarea>", Pattern.DOTALL)
            .matcher(page.html());
    assertThat(m.find()).as("a text area with id %s in %s", id, page).isTrue();
    return text(m.group(1));
  }

  /** HTML text or attribute value as the browser reads it (the entities templates write). */
  private static String text(String html) {
    Matcher m = ENTITY.matcher(html);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int code = Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16);
      m.appendReplacement(out, Matcher.quoteReplacement(Character.toString(code)));
    }
    m.appendTail(out);
    return ConsoleClient.unescape(out.toString());
  }

  /**
   * A {@code multipart/form-data} post, as the browser sends the component forms: {@code fields}
   * with the session's CSRF token, and {@code upload} as the file {@code descriptor_file} when
   * given.
   */
  private Page postMultipart(
      ConsoleClient browser, String path, Map<String, String> fields, Optional<String> upload) {
    String boundary = "----pages" + UUID.randomUUID().toString().replace("-", "");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    Map<String, String> all = new LinkedHashMap<>(fields);
    all.put("_csrf", browser.csrf());
    all.forEach(
        (name, value) ->
            body.writeBytes(
                ("--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\""
                        + name
                        + "\"\r\n\r\n"
                        + value
                        + "\r\n")
                    .getBytes(StandardCharsets.UTF_8)));
    upload.ifPresent(
        content ->
            body.writeBytes(
                ("--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"descriptor_file\";"
                        + " filename=\"component.json\"\r\nContent-Type: application/json\r\n\r\n"
                        + content
                        + "\r\n")
                    .getBytes(StandardCharsets.UTF_8)));
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("Accept", "text/html")
            .header("Cookie", SESSION_COOKIE + "=" + browser.cookie(SESSION_COOKIE).orElseThrow())
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build();
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NEVER)
              .build()
              .send(request, HttpResponse.BodyHandlers.ofString());
      return new Page(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
