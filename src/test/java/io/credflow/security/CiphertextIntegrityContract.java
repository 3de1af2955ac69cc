package io.credflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.credential.Credential;
import io.credflow.credential.CredentialSecrets;
import io.credflow.credential.CredentialState;
import io.credflow.crypto.CryptoException;
import io.credflow.security.SecretsFixture.Seeded;
import io.credflow.store.Jdbc;
import io.credflow.store.JdbcAuthClientRepository;
import io.credflow.store.JdbcCredentialRepository;
import io.credflow.store.SecretColumns;
import io.credflow.testing.Api;
import io.credflow.testing.TestServer;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Ciphertexts at rest are bound to their row and field and authenticated (docs/security.md 1, 3): a
 * ciphertext copied into another row, or altered in any bit, is refused when read, through the
 * repository and through the API; it never yields another row's secret or garbage. A credential
 * whose ciphertext does not open reads as in error and authorizes nothing; an auth-client's fails
 * every read of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CiphertextIntegrityContract {
  private TestServer server;
  private Jdbc jdbc;
  private JdbcCredentialRepository credentials;
  private JdbcAuthClientRepository authClients;

  /** A server on the database under test. */
  abstract TestServer start();

  @BeforeAll
  void startServer() {
    server = start();
    jdbc = server.credflow().database().jdbc();
    SecretColumns columns = new SecretColumns(server.credflow().services().keyring());
    credentials = new JdbcCredentialRepository(jdbc, columns, Clock.systemUTC());
    authClients = new JdbcAuthClientRepository(jdbc, columns, Clock.systemUTC());
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void credentialWhenAnotherRowsCiphertextIsCopiedInThenReadingItRefusesAndNeverReleasesTheOther() {
    Seeded s = SecretsFixture.seed(server.admin(), "copy");
    String source = s.apiKeyOwnCredential();
    String target = s.apiKeySharedCredential();
    String sourceSecret = s.canaries().credentialApiKey();
    copy("credentials", source, target);

    assertUnreadable(credentials.find(target).orElseThrow());
    assertThat(credentials.find(target).orElseThrow().error().orElseThrow().detail())
        .doesNotContain(sourceSecret);

    // The one credential is in error and authorizes nothing; reads of it and its list still work.
    Api member = server.as(s.memberKey());
    Api.Response access = access(member, s, target);
    assertThat(access.status()).as(access.text()).isEqualTo(409);
    assertThat(access.error().path("code").asText()).isEqualTo("credential_not_ready");
    assertThat(access.text()).doesNotContain(sourceSecret).doesNotContain("X-Api-Key");
    Api.Response get = member.get(s.credentialPath(target));
    Api.Response list = member.get("/v2/workspaces/" + s.workspace() + "/credentials");
    for (Api.Response r : List.of(get, list)) {
      assertThat(r.status()).as(r.raw().uri() + ": " + r.text()).isEqualTo(200);
      assertThat(r.text()).doesNotContain(sourceSecret).contains("secrets_unreadable");
    }

    // The row the ciphertext came from is untouched and still releases its own secret.
    assertThat(SecretsFixture.access(member, s, source).getValue()).isEqualTo(sourceSecret);
  }

  @Test
  void credentialWhenACiphertextOfAnotherTypeIsCopiedInThenReadingItRefuses() {
    Seeded s = SecretsFixture.seed(server.admin(), "copy-type");
    copy("credentials", s.oauth2Credential(), s.basicCredential());

    assertUnreadable(credentials.find(s.basicCredential()).orElseThrow());
    Api.Response access = access(server.as(s.memberKey()), s, s.basicCredential());
    assertThat(access.status()).as(access.text()).isEqualTo(409);
    assertThat(access.text())
        .doesNotContain(s.canaries().accessToken())
        .doesNotContain(s.canaries().refreshToken());
  }

  @Test
  void authClientWhenAnotherRowsCiphertextIsCopiedInThenReadingItRefuses() {
    Seeded s = SecretsFixture.seed(server.admin(), "copy-client");
    copy("auth_clients", s.oauth2Client(), s.instagramClient());

    assertThatThrownBy(() -> authClients.find(s.instagramClient()))
        .isInstanceOf(CryptoException.class);
    Api.Response get = server.admin().get("/v2/auth-clients/" + s.instagramClient());
    assertThat(get.status()).as(get.text()).isGreaterThanOrEqualTo(500);
    assertThat(get.text()).doesNotContain(s.canaries().oauth2ClientSecretPatched());
    Api.Response access = access(server.as(s.memberKey()), s, s.instagramCredential());
    assertThat(access.status()).as(access.text()).isGreaterThanOrEqualTo(500);
    assertThat(access.text()).doesNotContain(s.canaries().instagramAccessToken());
    assertThat(authClients.find(s.oauth2Client()).orElseThrow().name())
        .isEqualTo(s.canaries().authClientName());
  }

  @Test
  void credentialWhenAnySingleBitOfItsCiphertextIsFlippedThenReadingRefuses() {
    Seeded s = SecretsFixture.seed(server.admin(), "tamper");
    String id = s.apiKeyOwnCredential();
    byte[] original = ciphertext("credentials", id);
    assertThat(original.length).isGreaterThan(5 + 12 + 16);

    for (int bit = 0; bit < original.length * 8; bit++) {
      byte[] tampered = original.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      store("credentials", id, tampered);
      assertThat(credentials.find(id).orElseThrow().secretsUnreadable())
          .as("bit %d of %d", bit, original.length * 8)
          .isTrue();
    }
    store("credentials", id, Arrays.copyOf(original, original.length - 1));
    assertUnreadable(credentials.find(id).orElseThrow());
    store("credentials", id, new byte[0]);
    assertUnreadable(credentials.find(id).orElseThrow());

    store("credentials", id, original);
    assertThat(credentials.find(id)).isPresent();
    assertThat(SecretsFixture.access(server.as(s.memberKey()), s, id).getValue())
        .isEqualTo(s.canaries().credentialApiKey());
  }

  @Test
  void accessWhenTheCiphertextWasTamperedThenTheApiAnswersAnErrorAndNoSecret() {
    Seeded s = SecretsFixture.seed(server.admin(), "tamper-api");
    Api member = server.as(s.memberKey());
    Map<String, Map.Entry<String, String>> expected = SecretsFixture.expectedAccess(s);
    for (String id : List.of(s.oauth2Credential(), s.basicCredential())) {
      byte[] original = ciphertext("credentials", id);
      byte[] tampered = original.clone();
      tampered[tampered.length / 2] ^= 0x01;
      store("credentials", id, tampered);

      Api.Response r = access(member, s, id);
      assertThat(r.status()).as(r.text()).isEqualTo(409);
      assertThat(r.body().path("data").isMissingNode()).isTrue();
      assertThat(r.text()).doesNotContain(expected.get(id).getValue());
      s.canaries().secrets().values().forEach(c -> assertThat(r.text()).doesNotContain(c));

      store("credentials", id, original);
      assertThat(SecretsFixture.access(member, s, id)).isEqualTo(expected.get(id));
    }
  }

  @Test
  void authClientWhenItsCiphertextIsTamperedThenReadingRefuses() {
    Seeded s = SecretsFixture.seed(server.admin(), "tamper-client");
    byte[] original = ciphertext("auth_clients", s.apiKeyClient());
    byte[] tampered = original.clone();
    tampered[tampered.length - 1] ^= (byte) 0x80;
    store("auth_clients", s.apiKeyClient(), tampered);

    assertThatThrownBy(() -> authClients.find(s.apiKeyClient()))
        .isInstanceOf(CryptoException.class);
    Api.Response shared = access(server.as(s.memberKey()), s, s.apiKeySharedCredential());
    assertThat(shared.status()).as(shared.text()).isGreaterThanOrEqualTo(500);
    assertThat(shared.text()).doesNotContain(s.canaries().sharedApiKey());

    store("auth_clients", s.apiKeyClient(), original);
    assertThat(SecretsFixture.access(server.as(s.memberKey()), s, s.apiKeySharedCredential()))
        .isEqualTo(Map.entry("X-Api-Key", s.canaries().sharedApiKey()));
  }

  /** A credential read whose ciphertext did not open: in error, saying so, with no secrets. */
  private static void assertUnreadable(Credential c) {
    assertThat(c.secrets()).isEqualTo(new CredentialSecrets.Unreadable());
    assertThat(c.state()).isEqualTo(CredentialState.ERROR);
    assertThat(c.error().orElseThrow().code()).isEqualTo(CredentialSecrets.Unreadable.CODE);
  }

  private void copy(String table, String from, String to) {
    int updated =
        jdbc.update(
            "UPDATE "
                + table
                + " SET secrets = (SELECT secrets FROM "
                + table
                + " WHERE id = ?) WHERE id = ?",
            from,
            to);
    assertThat(updated).isEqualTo(1);
    assertThat(ciphertext(table, to)).isEqualTo(ciphertext(table, from));
  }

  private byte[] ciphertext(String table, String id) {
    return jdbc.queryOne("SELECT secrets FROM " + table + " WHERE id = ?", rs -> rs.getBytes(1), id)
        .orElseThrow();
  }

  private void store(String table, String id, byte[] ciphertext) {
    assertThat(jdbc.update("UPDATE " + table + " SET secrets = ? WHERE id = ?", ciphertext, id))
        .isEqualTo(1);
  }

  private static Api.Response access(Api api, Seeded s, String credential) {
    return api.send(
        api.builder(s.credentialPath(credential) + "/access")
            .POST(HttpRequest.BodyPublishers.noBody()));
  }
}
