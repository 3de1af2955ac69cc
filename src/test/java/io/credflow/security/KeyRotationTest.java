package io.credflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.Config;
import io.credflow.Credflow;
import io.credflow.crypto.Keyring;
import io.credflow.crypto.KeysetException;
import io.credflow.crypto.KeysetFile;
import io.credflow.security.SecretsFixture.Seeded;
import io.credflow.store.Jdbc;
import io.credflow.store.JdbcCredentialRepository;
import io.credflow.store.Rekey;
import io.credflow.store.SecretColumns;
import io.credflow.testing.Api;
import io.credflow.testing.PostgresDatabases;
import io.credflow.testing.World;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation (docs/security.md 4): after a new primary key is added, a restart still reads every
 * old secret; {@link Rekey} then moves every ciphertext (and the keyset check) to the new primary
 * key, and every secret still reads back, on H2 and PostgreSQL.
 */
class KeyRotationTest {
  private static final String ADMIN_KEY = "rotation-test-admin-key-0123456789";

  @TempDir Path tmp;

  @Test
  void rotateWhenANewKeyIsPromotedThenOldSecretsReadAndRekeyMovesEverythingOnH2()
      throws IOException {
    Path dir = tmp.resolve("data");
    rotateAndRekey(base(dir), dir.resolve("keyset.json"));
  }

  @Test
  void rotateWhenANewKeyIsPromotedThenOldSecretsReadAndRekeyMovesEverythingOnPostgres()
      throws IOException {
    String url = PostgresDatabases.create();
    try {
      Path keyset = tmp.resolve("pg-keys").resolve("keyset.json");
      rotateAndRekey(
          base(tmp.resolve("pg-data"))
              .dbUrl(url)
              .dbUser(PostgresDatabases.USER)
              .keyset(keyset.toString()),
          keyset);
    } finally {
      PostgresDatabases.drop(url);
    }
  }

  private void rotateAndRekey(Config.Builder config, Path keyset) throws IOException {
    Seeded s;
    Keyring original;
    try (Credflow credflow = start(config)) {
      original = credflow.services().keyring();
      s = SecretsFixture.seed(admin(credflow), "rotation");
    }
    Path oldKeyset = tmp.resolve("old-keyset.json");
    Files.copy(keyset, oldKeyset);

    Keyring rotated = KeysetFile.rotate(keyset);
    assertThat(rotated.primaryKeyId()).isNotEqualTo(original.primaryKeyId());
    assertThat(rotated.fingerprint()).contains(Integer.toUnsignedString(original.primaryKeyId()));

    String newPassword = SecretsFixture.canary("after-rotation");
    String newCredential;
    try (Credflow credflow = start(config)) {
      Keyring keyring = credflow.services().keyring();
      Jdbc jdbc = credflow.database().jdbc();
      assertThat(keyring.primaryKeyId()).isEqualTo(rotated.primaryKeyId());
      assertSecretsReadBack(credflow, s);
      assertThat(ciphertexts(jdbc))
          .allSatisfy(c -> assertThat(keyring.isUnderPrimaryKey(c)).isFalse());

      Api member = new Api("http://127.0.0.1:" + credflow.port(), s.memberKey());
      newCredential =
          World.created(
              member.post(
                  "/v2/workspaces/" + s.workspace() + "/credentials",
                  World.credentialDoc(
                      "after rotation",
                      s.basicClient(),
                      Map.of("username", "bob", "password", newPassword))));
      byte[] fresh =
          jdbc.queryOne(
                  "SELECT secrets FROM credentials WHERE id = ?",
                  rs -> rs.getBytes(1),
                  newCredential)
              .orElseThrow();
      assertThat(keyring.isUnderPrimaryKey(fresh)).isTrue();

      int authClientCiphertexts =
          count(jdbc, "SELECT COUNT(*) FROM auth_clients WHERE secrets IS NOT NULL");
      int credentialCiphertexts = count(jdbc, "SELECT COUNT(*) FROM credentials");
      assertThat(authClientCiphertexts).isEqualTo(3);
      assertThat(credentialCiphertexts).isEqualTo(s.credentials().size() + 1);
      JdbcCredentialRepository underOldKey =
          new JdbcCredentialRepository(
              jdbc, new SecretColumns(KeysetFile.load(oldKeyset)), Clock.systemUTC());
      assertThat(underOldKey.find(s.oauth2Credential())).isPresent();

      Rekey.Result result = Rekey.run(credflow.database(), keyring);

      // Every old ciphertext moved, plus the keyset check; the one written after rotation stayed.
      assertThat(result.reencrypted())
          .isEqualTo(authClientCiphertexts + credentialCiphertexts - 1 + 1);
      assertThat(result.current()).isEqualTo(1);
      List<byte[]> after = ciphertexts(jdbc);
      assertThat(after).hasSize(authClientCiphertexts + credentialCiphertexts + 1);
      assertThat(after).allSatisfy(c -> assertThat(keyring.isUnderPrimaryKey(c)).isTrue());
      for (String id : s.credentials()) {
        assertThat(underOldKey.find(id).orElseThrow().secretsUnreadable()).isTrue();
      }
      assertSecretsReadBack(credflow, s);
      assertThat(SecretsFixture.access(member, s, newCredential).getValue()).startsWith("Basic ");

      Rekey.Result again = Rekey.run(credflow.database(), keyring);
      assertThat(again.reencrypted()).isZero();
      assertThat(again.current()).isEqualTo(authClientCiphertexts + credentialCiphertexts);
    }

    // The rotated keyset still opens the database; the old one no longer matches it.
    try (Credflow credflow = start(config)) {
      assertSecretsReadBack(credflow, s);
    }
    Files.copy(keyset, tmp.resolve("rotated-keyset.json"));
    Files.copy(oldKeyset, keyset, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> start(config))
        .isInstanceOf(KeysetException.class)
        .satisfies(e -> assertThat(((KeysetException) e).code()).isEqualTo("keyset_mismatch"));
    Files.copy(
        tmp.resolve("rotated-keyset.json"),
        keyset,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static List<byte[]> ciphertexts(Jdbc jdbc) {
    List<byte[]> out =
        new java.util.ArrayList<>(
            jdbc.query(
                "SELECT secrets FROM auth_clients WHERE secrets IS NOT NULL",
                rs -> rs.getBytes(1)));
    out.addAll(jdbc.query("SELECT secrets FROM credentials", rs -> rs.getBytes(1)));
    out.addAll(jdbc.query("SELECT ciphertext FROM keyset_check", rs -> rs.getBytes(1)));
    return out;
  }

  private static int count(Jdbc jdbc, String sql) {
    return jdbc.queryOne(sql, rs -> rs.getInt(1)).orElseThrow();
  }

  private static void assertSecretsReadBack(Credflow credflow, Seeded s) {
    Api member = new Api("http://127.0.0.1:" + credflow.port(), s.memberKey());
    SecretsFixture.expectedAccess(s)
        .forEach(
            (credential, expected) ->
                assertThat(SecretsFixture.access(member, s, credential)).isEqualTo(expected));
    Api.Response client = admin(credflow).get("/v2/auth-clients/" + s.oauth2Client());
    assertThat(client.status()).as(client.text()).isEqualTo(200);
  }

  private static Config.Builder base(Path dataDir) {
    return Config.builder()
        .port("0")
        .dataDir(dataDir.toString())
        .adminApiKey(ADMIN_KEY)
        .allowPrivateNetwork(true);
  }

  private static Credflow start(Config.Builder config) {
    return Credflow.start(config.build(), Clock.systemUTC());
  }

  private static Api admin(Credflow credflow) {
    return new Api("http://127.0.0.1:" + credflow.port(), ADMIN_KEY);
  }
}
