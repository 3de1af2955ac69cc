package io.credflow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.common.Ids;
import io.credflow.common.PageRequest;
import io.credflow.store.Jdbc;
import io.credflow.store.JdbcAuditLog;
import io.credflow.testing.Api;
import io.credflow.testing.ConsoleClient;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ManualTime;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The audit trail end to end: each audited act is found through {@code GET /v2/audit} with who,
 * what, where and why, by each filter and page by page; readers see only their tenancy; no route
 * changes a record; the retention sweep deletes only old ones. Subclasses name the database.
 */
abstract class AuditTrailContract {
  static final String ADMIN = "admin@localhost";
  static final String ADMIN_PASSWORD = "correct horse battery audit";

  abstract CredflowExtension credflow();

  abstract boolean postgres();

  static CredflowExtension server(boolean postgres) {
    return CredflowExtension.database(postgres)
        .manualTime()
        .fakeOAuthProvider()
        .tenancy("audit")
        .configure(c -> c.adminPassword(ADMIN_PASSWORD));
  }

  private final TestServer server = credflow().server();
  private final World.Tenancy t = credflow().tenancy();
  private final ManualTime time = credflow().time();
  private final Api installationAdmin = credflow().admin();
  private final Api tenantAdmin = server.as(t.adminKey());
  private final Api member = server.as(t.memberKey());

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Every record {@code api} reads with {@code query}, newest first, all pages followed. */
  private static List<JsonNode> audit(Api api, String query) {
    List<JsonNode> records = new ArrayList<>();
    String next = "/v2/audit" + (query.isEmpty() ? "" : "?" + query);
    while (next != null) {
      Api.Response r = api.get(next);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      r.body().path("data").forEach(records::add);
      JsonNode link = r.body().path("links").path("next");
      next = link.isNull() || link.isMissingNode() ? null : link.asText();
    }
    return records;
  }

  private static List<String> actions(List<JsonNode> records) {
    return records.stream().map(r -> r.path("attributes").path("action").asText()).toList();
  }

  private static JsonNode only(List<JsonNode> records, String action) {
    List<JsonNode> found =
        records.stream()
            .filter(r -> r.path("attributes").path("action").asText().equals(action))
            .toList();
    assertThat(found).as(action + " in " + records).hasSize(1);
    return found.get(0).path("attributes");
  }

  private String basicAuthClient(String reason) {
    Api.Response r =
        tenantAdmin.post(
            "/v2/auth-clients?reason=" + q(reason),
            AuthClients.basic().credential("name", "svc").in(t).build());
    return World.created(r);
  }

  private String credential(String authClient, String reason) {
    Api.Response r =
        member.post(
            "/v2/workspaces/" + t.workspace() + "/credentials?reason=" + q(reason),
            Credentials.named(unique("audited"))
                .authClient(authClient)
                .secret("password", "audited-secret-pw")
                .build());
    return World.created(r);
  }

  // ---------------------------------------------------------------- credentials

  @Test
  void credentialWhenCreatedChangedReleasedAndDeletedThenEachActIsFoundWithWhoWhatWhereAndWhy() {
    String authClient = basicAuthClient("onboarding the billing API");
    String id = credential(authClient, "  nightly billing sync  ");
    String path = "/v2/workspaces/" + t.workspace() + "/credentials/" + id;
    Api.Response renamed =
        member.patch(
            path + "?reason=rename",
            Resource.of("credential").id(id).attribute("name", unique("renamed")).build());
    assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
    Api.Response released = member.post(path + "/access?reason=export%20job", "");
    assertThat(released.status()).as(released.text()).isEqualTo(200);
    Api.Response deleted = member.delete(path + "?reason=" + q("no longer used"));
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);

    List<JsonNode> records = audit(tenantAdmin, "filter[subject]=" + id);

    assertThat(actions(records))
        .containsExactly(
            "credential.deleted", "credential.access", "credential.updated", "credential.created");
    JsonNode created = only(records, "credential.created");
    assertThat(created.path("actor").path("type").asText()).isEqualTo("api_key");
    assertThat(created.path("actor").path("id").asText()).isNotBlank();
    assertThat(created.path("actor").path("user_id").asText()).isEqualTo(t.memberId());
    assertThat(created.path("actor").path("email").asText()).isEqualTo("audit-member@example.com");
    assertThat(created.path("subject").path("type").asText()).isEqualTo("credential");
    assertThat(created.path("subject").path("id").asText()).isEqualTo(id);
    assertThat(created.path("workspace").asText()).isEqualTo(t.workspace());
    assertThat(created.path("tenant").asText()).isEqualTo(t.tenant());
    assertThat(created.path("client_address").asText()).isEqualTo("127.0.0.1");
    assertThat(created.path("reason").asText()).isEqualTo("nightly billing sync");
    assertThat(created.path("detail").path("auth_client").asText()).isEqualTo(authClient);
    assertThat(Instant.parse(created.path("at").asText())).isBeforeOrEqualTo(time.now());
    assertThat(only(records, "credential.updated").path("detail").path("changed").asText())
        .isEqualTo("name");
    assertThat(only(records, "credential.access").path("reason").asText()).isEqualTo("export job");
    assertThat(only(records, "credential.deleted").path("reason").asText())
        .isEqualTo("no longer used");
    assertThat(records.toString()).doesNotContain("audited-secret-pw");
  }

  @Test
  void authClientWhenCreatedUpdatedAndDeletedThenFoundByTypeAndActor() {
    String authClient = basicAuthClient("for the audit");
    Api.Response patched =
        tenantAdmin.patch(
            "/v2/auth-clients/" + authClient,
            Resource.of("auth-client").id(authClient).attribute("name", unique("ac")).build());
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    Api.Response deleted = tenantAdmin.delete("/v2/auth-clients/" + authClient + "?reason=gone");
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);

    List<JsonNode> byAdmin =
        audit(installationAdmin, "filter[actor]=" + t.adminId() + "&filter[subject]=" + authClient);
    List<JsonNode> created =
        audit(tenantAdmin, "filter[type]=auth-client.created&filter[subject]=" + authClient);

    assertThat(actions(byAdmin))
        .containsExactly("auth-client.deleted", "auth-client.updated", "auth-client.created");
    assertThat(only(byAdmin, "auth-client.created").path("detail").path("type").asText())
        .isEqualTo("basic");
    assertThat(only(byAdmin, "auth-client.created").path("reason").asText())
        .isEqualTo("for the audit");
    assertThat(only(byAdmin, "auth-client.updated").path("reason").isNull()).isTrue();
    assertThat(only(byAdmin, "auth-client.deleted").path("reason").asText()).isEqualTo("gone");
    assertThat(only(byAdmin, "auth-client.deleted").path("tenant").asText()).isEqualTo(t.tenant());
    assertThat(actions(created)).containsExactly("auth-client.created");
  }

  @Test
  void refreshWhenAskedForThenOneRecordOfTheRefreshWithItsOutcomeAndOneOfWhoAsked() {
    FakeOAuthProvider provider = credflow().provider();
    String id =
        credflow()
            .member()
            .importTokens(credflow().oauth2Client(), provider.issueTokens("read"), 3600);
    String path = "/v2/workspaces/" + t.workspace() + "/credentials/" + id + "/refresh";
    Api.Response refreshed = member.post(path + "?reason=rotate", "");
    provider.failNext(1, FakeOAuthProvider.TokenFailure.HTTP_503_EMPTY);
    Api.Response failed = member.post(path, "");
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(200);
    assertThat(failed.status()).as(failed.text()).isEqualTo(502);

    List<JsonNode> refreshes =
        audit(tenantAdmin, "filter[type]=credential.refresh&filter[subject]=" + id);
    List<JsonNode> asked =
        audit(tenantAdmin, "filter[type]=credential.refresh_requested&filter[subject]=" + id);

    assertThat(refreshes)
        .extracting(r -> r.path("attributes").path("detail").path("outcome").asText())
        .containsExactly("failed", "refreshed");
    JsonNode done = refreshes.get(1).path("attributes");
    assertThat(done.path("actor").path("type").asText()).isEqualTo("system");
    assertThat(done.path("actor").path("id").asText()).isEqualTo("refresh");
    assertThat(done.path("detail").path("trigger").asText()).isEqualTo("forced");
    assertThat(done.path("workspace").asText()).isEqualTo(t.workspace());
    assertThat(done.path("tenant").asText()).isEqualTo(t.tenant());
    assertThat(asked)
        .extracting(r -> r.path("attributes").path("detail").path("outcome").asText())
        .containsExactly("failed", "refreshed");
    JsonNode who = asked.get(1).path("attributes");
    assertThat(who.path("actor").path("user_id").asText()).isEqualTo(t.memberId());
    assertThat(who.path("reason").asText()).isEqualTo("rotate");
    assertThat(refreshes.toString() + asked).doesNotContain("access_token");
  }

  // ---------------------------------------------------------------- users and memberships

  @Test
  void userAndMembershipWhenGrantedAndRevokedThenTheTenantAdminFindsThem() {
    String email = unique("joiner") + "@example.com";
    Api.Response user =
        tenantAdmin.post(
            "/v2/users?reason=" + q("new colleague"),
            Resource.of("user")
                .attribute("email", email)
                .attribute("role", "member")
                .relationship("tenant", "tenant", t.tenant())
                .build());
    assertThat(user.status()).as(user.text()).isEqualTo(201);
    World.member(tenantAdmin, "workspaces", t.workspace(), user.id(), "admin");
    Api.Response removed =
        tenantAdmin.delete(
            "/v2/workspaces/" + t.workspace() + "/members/" + user.id() + "?reason=left");
    assertThat(removed.status()).as(removed.text()).isEqualTo(204);

    List<JsonNode> records = audit(tenantAdmin, "filter[subject]=" + user.id());

    assertThat(actions(records))
        .containsExactly("membership.revoked", "membership.granted", "user.created");
    JsonNode created = only(records, "user.created");
    assertThat(created.path("reason").asText()).isEqualTo("new colleague");
    assertThat(created.path("tenant").asText()).isEqualTo(t.tenant());
    assertThat(created.path("detail").path("email").asText()).isEqualTo(email);
    assertThat(created.path("detail").path("role").asText()).isEqualTo("member");
    JsonNode granted = only(records, "membership.granted");
    assertThat(granted.path("workspace").asText()).isEqualTo(t.workspace());
    assertThat(granted.path("detail").path("role").asText()).isEqualTo("admin");
    assertThat(only(records, "membership.revoked").path("reason").asText()).isEqualTo("left");
  }

  // ---------------------------------------------------------------- sign-in and API keys

  @Test
  void signInWhenRightAndWrongAndAKeyMadeAndRevokedThenEachIsAudited() {
    ConsoleClient browser = ConsoleClient.of(server);
    ConsoleClient.Page wrong = browser.signIn(ADMIN, "not the admin password");
    ConsoleClient.Page right = browser.signIn(ADMIN, ADMIN_PASSWORD, "/account/keys");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(right.status()).isLessThan(400);
    String name = unique("audited key");
    ConsoleClient.Page made = browser.post("/account/keys", Map.of("name", name));
    assertThat(made.status()).as(made.html()).isEqualTo(200);
    String admin = server.credflow().services().tenancy().bootstrapAdminCaller().user().id();
    String key =
        server
            .credflow()
            .services()
            .tenancy()
            .apiKeys(server.credflow().services().tenancy().bootstrapAdminCaller())
            .stream()
            .filter(k -> k.name().equals(name))
            .findFirst()
            .orElseThrow()
            .id();
    ConsoleClient.Page revoked = browser.post("/account/keys/" + key + "/revoke", Map.of(), made);
    assertThat(revoked.status()).isLessThan(400);

    List<JsonNode> failed = audit(installationAdmin, "filter[type]=user.sign_in_failed");
    List<JsonNode> signedIn =
        audit(installationAdmin, "filter[type]=user.signed_in&filter[actor]=" + admin);
    List<JsonNode> keys = audit(installationAdmin, "filter[subject]=" + key);

    JsonNode attempt = failed.get(0).path("attributes");
    assertThat(attempt.path("actor").path("type").asText()).isEqualTo("anonymous");
    assertThat(attempt.path("actor").path("email").asText()).isEqualTo(ADMIN);
    assertThat(attempt.path("subject").path("id").asText()).isEqualTo(admin);
    assertThat(attempt.path("client_address").asText()).isEqualTo("127.0.0.1");
    JsonNode session = signedIn.get(0).path("attributes");
    assertThat(session.path("actor").path("type").asText()).isEqualTo("user");
    assertThat(session.path("actor").path("id").asText()).isEqualTo(admin);
    assertThat(session.path("client_address").asText()).isEqualTo("127.0.0.1");
    assertThat(actions(keys)).containsExactly("api-key.revoked", "api-key.created");
    assertThat(only(keys, "api-key.created").path("detail").path("name").asText()).isEqualTo(name);
    assertThat(failed.toString() + signedIn + keys).doesNotContain(ADMIN_PASSWORD);
  }

  // ---------------------------------------------------------------- filters and paging

  @Test
  void listWhenPagedThenNewestFirstEveryRecordOnceAcrossPages() {
    String authClient = basicAuthClient("paging");
    List<String> credentials = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      credentials.add(credential(authClient, "page " + i));
    }

    List<JsonNode> paged = audit(tenantAdmin, "filter[type]=credential.created&page[size]=2");
    List<JsonNode> whole = audit(tenantAdmin, "filter[type]=credential.created&page[size]=500");

    assertThat(paged).hasSameSizeAs(whole);
    assertThat(paged.stream().map(r -> r.path("id").asText()).toList())
        .doesNotHaveDuplicates()
        .isEqualTo(whole.stream().map(r -> r.path("id").asText()).toList());
    List<Long> ids = paged.stream().map(r -> Long.parseLong(r.path("id").asText())).toList();
    assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(
            paged.subList(0, 5).stream()
                .map(r -> r.path("attributes").path("subject").path("id").asText())
                .toList())
        .isEqualTo(credentials.reversed());
  }

  @Test
  void listWhenFilteredByTimeAndWorkspaceThenOnlyThatWindow() {
    String authClient = basicAuthClient("time window");
    String before = credential(authClient, "before");
    time.advance(Duration.ofMinutes(10));
    Instant since = time.now();
    String inside = credential(authClient, "inside");
    time.advance(Duration.ofMinutes(10));
    Instant until = time.now();
    String after = credential(authClient, "after");

    List<JsonNode> window =
        audit(
            tenantAdmin,
            "filter[type]=credential.created&filter[workspace]="
                + t.workspace()
                + "&filter[since]="
                + q(since.toString())
                + "&filter[until]="
                + q(until.toString()));

    List<String> subjects =
        window.stream().map(r -> r.path("attributes").path("subject").path("id").asText()).toList();
    assertThat(subjects).contains(inside).doesNotContain(before, after);
  }

  // ---------------------------------------------------------------- who may read

  @Test
  void listWhenAMemberWhoAdministersNothingAsksThen403() {
    Api.Response r = member.get("/v2/audit");
    Api.Response ws = member.get("/v2/audit?filter[workspace]=" + t.workspace());

    assertThat(r.status()).as(r.text()).isEqualTo(403);
    assertThat(r.error().path("detail").asText()).contains("not an admin");
    assertThat(ws.status()).as(ws.text()).isEqualTo(403);
  }

  @Test
  void listWhenAnAdminOfAnotherTenantAsksThenNothingOfThisTenancy() {
    World.Tenancy other = credflow().world().tenancy(unique("other"));
    Api otherAdmin = server.as(other.adminKey());
    String authClient = basicAuthClient("seen by us only");
    String id = credential(authClient, "ours");

    List<JsonNode> everything = audit(otherAdmin, "page[size]=500");
    List<JsonNode> ours = audit(otherAdmin, "filter[subject]=" + id);
    Api.Response ourWorkspace = otherAdmin.get("/v2/audit?filter[workspace]=" + t.workspace());

    assertThat(ours).isEmpty();
    assertThat(everything)
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(r.path("attributes").path("tenant").asText()).isEqualTo(other.tenant()));
    assertThat(ourWorkspace.status()).as(ourWorkspace.text()).isEqualTo(404);
    assertThat(ourWorkspace.error().path("source").path("parameter").asText())
        .isEqualTo("filter[workspace]");
    assertThat(audit(installationAdmin, "filter[subject]=" + id)).hasSize(1);
  }

  // ---------------------------------------------------------------- append-only

  @Test
  void writeWhenAnyMethodOtherThanGetThen405Or404AndTheRecordsStay() {
    String authClient = basicAuthClient("kept");
    int before = audit(tenantAdmin, "filter[subject]=" + authClient).size();
    String someRecord =
        audit(tenantAdmin, "filter[subject]=" + authClient).get(0).path("id").asText();

    List<Api.Response> attempts =
        List.of(
            installationAdmin.delete("/v2/audit"),
            installationAdmin.patch("/v2/audit", "{}"),
            installationAdmin.put("/v2/audit", Api.JSON.createObjectNode()),
            installationAdmin.post("/v2/audit", "{}"),
            installationAdmin.delete("/v2/audit/" + someRecord),
            installationAdmin.patch("/v2/audit/" + someRecord, "{}"));

    for (Api.Response r : attempts) {
      assertThat(r.status()).as(r.text()).isIn(404, 405);
      assertThat(r.body().path("errors").get(0).path("status").asText())
          .isEqualTo(Integer.toString(r.status()));
    }
    assertThat(attempts.subList(0, 4)).allSatisfy(r -> assertThat(r.status()).isEqualTo(405));
    assertThat(audit(tenantAdmin, "filter[subject]=" + authClient)).hasSize(before);
  }

  @Test
  void sweepWhenRecordsAreOlderThanTheRetentionThenOnlyThoseGo() {
    JdbcAuditLog log = server.credflow().services().audit();
    String subject = Ids.newId();
    Instant now = time.now();
    for (Duration age : List.of(Duration.ofDays(400), Duration.ofDays(366), Duration.ofDays(10))) {
      log.record(
          AuditRecord.of(
              now.minus(age),
              Actor.system("test"),
              Actions.CREDENTIAL_REFRESH,
              Subject.of(Subject.CREDENTIAL, subject),
              Place.NONE,
              Origin.NONE));
    }
    AuditService keepForever = new AuditService(log, time.clock(), 0);
    AuditService keepAYear = new AuditService(log, time.clock(), 365);
    AuditFilter ofSubject =
        new AuditFilter(
            Optional.empty(),
            Optional.empty(),
            Optional.of(subject),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    int keptForever = keepForever.sweep();
    int swept = keepAYear.sweep();
    List<AuditEntry> left =
        keepAYear
            .list(new AuditScope.Everything(), ofSubject, PageRequest.first(PageRequest.MAX_SIZE))
            .items();

    assertThat(keptForever).isZero();
    assertThat(swept).isGreaterThanOrEqualTo(2);
    assertThat(left)
        .extracting(e -> e.record().at())
        .containsExactly(now.minus(Duration.ofDays(10)));
    assertThat(server.credflow().services().auditTrail().retention())
        .contains(Duration.ofDays(AuditService.DEFAULT_RETENTION_DAYS));
    // The server sweeps by itself: a recurring task in db-scheduler's table, run by one process.
    assertThat(
            server
                .credflow()
                .database()
                .jdbc()
                .query(
                    "SELECT task_name FROM scheduled_tasks WHERE task_name = ?",
                    rs -> rs.getString(1),
                    "credflow-audit-retention"))
        .hasSize(1);
  }

  /**
   * PostgreSQL's trigger refuses an update of an audit record and the deletion of a young one; run
   * by {@link PostgresAuditTrailTest} only (H2 has no trigger: the code alone keeps it
   * append-only).
   */
  void checkPostgresRefusesUpdatesAndYoungDeletes() {
    String authClient = basicAuthClient("guarded");
    Jdbc jdbc = server.credflow().database().jdbc();

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                jdbc.update(
                    "UPDATE audit_records SET reason = 'forged' WHERE subject_id = ?", authClient))
        .hasMessageContaining("UPDATE");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> jdbc.update("DELETE FROM audit_records WHERE subject_id = ?", authClient))
        .hasMessageContaining("DELETE");
    assertThat(audit(tenantAdmin, "filter[subject]=" + authClient)).hasSize(1);
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void listWhenAParameterIsWrongThen4xxAtThatParameter() {
    Map<String, String> wrong =
        Map.of(
            "filter[nope]=1",
            "filter[nope]",
            "filter[since]=yesterday",
            "filter[since]",
            "filter[until]=2026-13-01T00:00:00Z",
            "filter[until]",
            "filter[type]=credential.stolen",
            "filter[type]",
            "filter[actor]=" + q("a b"),
            "filter[actor]",
            "filter[subject]=" + "x".repeat(65),
            "filter[subject]",
            "filter[workspace]=" + Ids.newId(),
            "filter[workspace]",
            "page[size]=0",
            "page[size]",
            "page[after]=garbage",
            "page[after]",
            "filter[since]=2026-01-02T00:00:00Z&filter[until]=2026-01-01T00:00:00Z",
            "filter[until]");

    wrong.forEach(
        (query, parameter) -> {
          Api.Response r = installationAdmin.get("/v2/audit?" + query);
          assertThat(r.status()).as(query + ": " + r.text()).isBetween(400, 499);
          assertThat(r.error().path("source").path("parameter").asText())
              .as(query)
              .isEqualTo(parameter);
        });
  }

  @Test
  void writeWhenTheReasonIsTooLongOrHasControlCharactersThen400AtReasonAndNothingDone() {
    Api.Response tooLong =
        tenantAdmin.post(
            "/v2/auth-clients?reason=" + "x".repeat(501),
            AuthClients.basic().credential("name", "svc").in(t).build());
    Api.Response control =
        tenantAdmin.post(
            "/v2/auth-clients?reason=" + q("line\nforged"),
            AuthClients.basic().credential("name", "svc").in(t).build());

    for (Api.Response r : List.of(tooLong, control)) {
      assertThat(r.status()).as(r.text()).isEqualTo(400);
      assertThat(r.error().path("source").path("parameter").asText()).isEqualTo("reason");
    }
  }
}
