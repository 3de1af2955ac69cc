package io.credflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.audit.AuditRecord;
import io.credflow.security.SecretsFixture.Seeded;
import io.credflow.store.Jdbc;
import io.credflow.testing.Api;
import io.credflow.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets at rest (docs/security.md 1, 2, 7): canary secrets written through the HTTP API never
 * appear in plaintext in the raw storage of H2 or PostgreSQL, nor in any read; the audited access
 * endpoint is the one place that releases them.
 */
class CanarySecretsTest {
  private static TestServer h2;
  private static TestServer postgres;
  private static Seeded onH2;
  private static Seeded onPostgres;

  @BeforeAll
  static void startAndSeed() {
    h2 = TestServer.h2();
    onH2 = SecretsFixture.seed(h2.admin(), "canary-h2");
    postgres = TestServer.postgres();
    onPostgres = SecretsFixture.seed(postgres.admin(), "canary-pg");
  }

  @AfterAll
  static void stop() {
    if (h2 != null) {
      h2.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void writesWhenSecretsAreSentThenNoResponseEchoesThemOnH2AndPostgres() {
    for (Seeded s : List.of(onH2, onPostgres)) {
      for (Api.Response r : s.responses()) {
        assertNoSecret(s, r, r.raw().request().method() + " " + r.raw().uri());
      }
    }
  }

  @Test
  void readsWhenSecretsAreStoredThenNoReadShowsThemOnH2AndPostgres() {
    for (TestServer server : List.of(h2, postgres)) {
      Seeded s = server == h2 ? onH2 : onPostgres;
      Api admin = server.admin();
      Api member = server.as(s.memberKey());
      List<Api.Response> reads = new ArrayList<>();
      for (String id : s.authClients()) {
        reads.add(admin.get("/v2/auth-clients/" + id));
        reads.add(member.get("/v2/auth-clients/" + id));
      }
      reads.add(admin.get("/v2/auth-clients"));
      reads.add(admin.get("/v2/auth-clients?workspace_id=" + s.workspace()));
      reads.add(member.get("/v2/auth-clients?workspace_id=" + s.workspace()));
      for (String id : s.credentials()) {
        reads.add(member.get(s.credentialPath(id)));
        reads.add(admin.get(s.credentialPath(id)));
      }
      reads.add(member.get("/v2/workspaces/" + s.workspace() + "/credentials"));
      reads.add(admin.get("/v2/workspaces/" + s.workspace() + "/credentials?page[size]=2"));

      for (Api.Response r : reads) {
        assertThat(r.status()).as(r.raw().uri() + ": " + r.text()).isEqualTo(200);
        assertNoSecret(s, r, "GET " + r.raw().uri());
      }
      // The reads do carry what is not secret, and the masks where secrets would be.
      Api.Response oauth2 = admin.get("/v2/auth-clients/" + s.oauth2Client());
      assertThat(oauth2.text())
          .contains(s.canaries().authClientName())
          .contains(s.canaries().oauth2ClientId());
      assertThat(oauth2.attributes().path("credentials").path("client_secret").asText())
          .isEqualTo("********");
      Api.Response bearer = member.get(s.credentialPath(s.oauth2Credential()));
      assertThat(bearer.attributes().path("header").path("value").asText())
          .isEqualTo("Bearer ********");
      assertThat(bearer.attributes().path("has_refresh_token").asBoolean()).isTrue();
    }
  }

  @Test
  void accessWhenCalledThenTheRealAuthorizationIsReleasedAndAuditedWithoutTheSecret() {
    for (TestServer server : List.of(h2, postgres)) {
      Seeded s = server == h2 ? onH2 : onPostgres;
      Api member = server.as(s.memberKey());
      SecretsFixture.expectedAccess(s)
          .forEach(
              (credential, expected) -> {
                int before = server.credflow().services().audit().ofCredential(credential).size();
                Api.Response r =
                    member.send(
                        member
                            .builder(
                                s.credentialPath(credential) + "/access?reason=nightly%20export")
                            .POST(HttpRequest.BodyPublishers.noBody()));
                assertThat(r.status()).as(r.text()).isEqualTo(200);
                assertThat(r.header("Cache-Control")).contains("no-store");
                var attrs = r.attributes();
                var released =
                    attrs.path("header").isObject() ? attrs.path("header") : attrs.path("query");
                assertThat(
                        Map.entry(released.path("name").asText(), released.path("value").asText()))
                    .isEqualTo(expected);

                List<AuditRecord> records =
                    server.credflow().services().audit().ofCredential(credential);
                assertThat(records).hasSize(before + 1);
                AuditRecord last = records.get(records.size() - 1);
                assertThat(last.userId()).contains(s.memberId());
                assertThat(last.place().workspaceId()).contains(s.workspace());
                assertThat(last.subject().id()).isEqualTo(credential);
                assertThat(last.action()).isEqualTo("credential.access");
                assertThat(last.origin().reason()).contains("nightly export");
                for (AuditRecord a : records) {
                  String text = a.toString();
                  s.canaries()
                      .secrets()
                      .forEach(
                          (label, canary) -> assertThat(text).as(label).doesNotContain(canary));
                  assertThat(text).doesNotContain(expected.getValue());
                }
              });
    }
  }

  @Test
  void postgresWhenCanariesAreStoredThenNoRowOfAnyTableNorAnyByteaColumnHoldsThem()
      throws Exception {
    Jdbc jdbc = postgres.credflow().database().jdbc();
    List<String> tables =
        jdbc.query(
            "SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            rs -> rs.getString(1));
    assertThat(tables)
        .contains(
            "auth_clients",
            "credentials",
            "audit_records",
            "keyset_check",
            "users",
            "flyway_schema_history");

    StringBuilder dump = new StringBuilder();
    for (String table : tables) {
      for (String row :
          jdbc.query("SELECT t::text FROM \"" + table + "\" t", rs -> rs.getString(1))) {
        dump.append(table).append(": ").append(row).append('\n');
      }
    }
    byte[] text = dump.toString().getBytes(StandardCharsets.UTF_8);

    Map<String, byte[]> byteaValues = new HashMap<>();
    List<String[]> byteaColumns =
        jdbc.query(
            "SELECT table_name, column_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND data_type = 'bytea'",
            rs -> new String[] {rs.getString(1), rs.getString(2)});
    assertThat(byteaColumns)
        .extracting(c -> c[0] + "." + c[1])
        .contains("auth_clients.secrets", "credentials.secrets", "users.key_digest");
    for (String[] column : byteaColumns) {
      List<byte[]> values =
          jdbc.query(
              "SELECT \""
                  + column[1]
                  + "\" FROM \""
                  + column[0]
                  + "\" WHERE \""
                  + column[1]
                  + "\" IS NOT NULL",
              rs -> rs.getBytes(1));
      for (int i = 0; i < values.size(); i++) {
        byteaValues.put(column[0] + "." + column[1] + "[" + i + "]", values.get(i));
      }
    }

    List<String> leaks = new ArrayList<>(Scan.find(onPostgres.canaries().secrets(), text, "rows"));
    byteaValues.forEach(
        (where, bytes) -> leaks.addAll(Scan.find(onPostgres.canaries().secrets(), bytes, where)));
    assertThat(leaks).isEmpty();

    // The same scan finds what is really there: the plain columns and the raw bytea bytes.
    assertThat(Scan.find(onPostgres.canaries().nonSecrets(), text, "rows")).hasSize(2);
    byte[] memberDigest =
        MessageDigest.getInstance("SHA-256")
            .digest(onPostgres.memberKey().getBytes(StandardCharsets.UTF_8));
    assertThat(byteaValues.values())
        .anySatisfy(bytes -> assertThat(Scan.indexOf(bytes, memberDigest)).isNotNegative());
    assertThat(byteaValues.keySet().stream().filter(k -> k.startsWith("credentials.secrets")))
        .hasSize(onPostgres.credentials().size());
  }

  @Test
  void h2WhenCanariesAreStoredThenNoFileOfTheDataDirectoryHoldsThem() throws IOException {
    Map<Path, List<String>> leaks = new HashMap<>();
    Map<Path, List<String>> visible = new HashMap<>();
    try (TestServer server = TestServer.h2()) {
      Seeded s = SecretsFixture.seed(server.admin(), "canary-h2-file");
      for (String credential : s.credentials()) {
        SecretsFixture.access(server.as(s.memberKey()), s, credential);
      }
      // Closing writes everything H2 holds in memory to the file.
      server.credflow().close();

      List<Path> files;
      try (Stream<Path> walk = Files.walk(server.dataDir())) {
        files =
            walk.filter(Files::isRegularFile)
                .filter(p -> !p.equals(server.credflow().config().keysetPath()))
                .toList();
      }
      assertThat(files).anySatisfy(p -> assertThat(p.toString()).endsWith(".mv.db"));
      for (Path file : files) {
        byte[] bytes = Files.readAllBytes(file);
        leaks.put(file, Scan.find(s.canaries().secrets(), bytes, file.toString()));
        visible.put(file, Scan.find(s.canaries().nonSecrets(), bytes, file.toString()));
      }
    }
    assertThat(leaks.values()).allSatisfy(found -> assertThat(found).isEmpty());
    assertThat(visible.entrySet())
        .filteredOn(e -> e.getKey().toString().endsWith(".mv.db"))
        .singleElement()
        .satisfies(e -> assertThat(e.getValue()).hasSizeGreaterThanOrEqualTo(2));
  }

  private static void assertNoSecret(Seeded s, Api.Response r, String what) {
    String headers = r.raw().headers().map().toString();
    s.canaries()
        .secrets()
        .forEach(
            (label, canary) -> {
              assertThat(r.text()).as(label + " in the body of " + what).doesNotContain(canary);
              assertThat(headers).as(label + " in the headers of " + what).doesNotContain(canary);
            });
  }
}
