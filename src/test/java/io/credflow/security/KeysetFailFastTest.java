package io.credflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.Config;
import io.credflow.Credflow;
import io.credflow.crypto.KeysetException;
import io.credflow.crypto.KeysetFile;
import io.credflow.security.SecretsFixture.Seeded;
import io.credflow.testing.Api;
import io.credflow.testing.PostgresDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A missing or wrong keyset stops the start before anything is touched (docs/security.md 5): the
 * start throws with a message that names the keyset path, the database files (or tables) are
 * byte-for-byte what they were, no keyset file is created or overwritten, and with the right keyset
 * back the stored secrets read as before.
 */
class KeysetFailFastTest {
  private static final String ADMIN_KEY = "keyset-test-admin-key-0123456789";

  @TempDir static Path tmp;
  private static Path dataDir;
  private static Path keyset;
  private static Seeded seeded;

  @BeforeAll
  static void seedAnH2DataDirectory() {
    dataDir = tmp.resolve("data");
    keyset = dataDir.resolve("keyset.json");
    try (Credflow credflow = start(h2(dataDir))) {
      assertThat(keyset).exists();
      seeded = SecretsFixture.seed(admin(credflow), "keyset");
    }
  }

  @Test
  void startWhenTheKeysetFileIsMissingThenFailsNamingItAndChangesNothing() throws IOException {
    Path away = tmp.resolve("keyset-moved-away.json");
    Files.move(keyset, away);
    try {
      Map<String, String> before = snapshot(dataDir);

      assertThatThrownBy(() -> start(h2(dataDir)))
          .isInstanceOf(KeysetException.class)
          .satisfies(e -> assertThat(((KeysetException) e).code()).isEqualTo("keyset_missing"))
          .hasMessageContaining(keyset.toString())
          .hasMessageContaining("Nothing was changed");

      assertThat(snapshot(dataDir)).isEqualTo(before).containsKey("credflow.mv.db");
      assertThat(keyset).doesNotExist();
    } finally {
      Files.move(away, keyset);
    }
    assertSecretsReadBack(h2(dataDir), seeded);
  }

  @Test
  void startWhenTheKeysetIsAnotherValidKeysetThenFailsWithMismatchAndChangesNothing()
      throws IOException {
    byte[] right = Files.readAllBytes(keyset);
    Path other = tmp.resolve("other").resolve("keyset.json");
    KeysetFile.create(other);
    Files.copy(other, keyset, StandardCopyOption.REPLACE_EXISTING);
    try {
      Map<String, String> before = snapshot(dataDir);

      assertThatThrownBy(() -> start(h2(dataDir)))
          .isInstanceOf(KeysetException.class)
          .satisfies(e -> assertThat(((KeysetException) e).code()).isEqualTo("keyset_mismatch"))
          .hasMessageContaining(keyset.toString())
          .hasMessageContaining("Nothing was changed");

      assertThat(snapshot(dataDir)).isEqualTo(before);
      assertThat(Files.readAllBytes(keyset)).isEqualTo(Files.readAllBytes(other));
    } finally {
      Files.write(keyset, right);
    }
    assertSecretsReadBack(h2(dataDir), seeded);
  }

  @Test
  void startWhenTheKeysetFileIsNotAKeysetThenFailsNamingItAndChangesNothing() throws IOException {
    byte[] right = Files.readAllBytes(keyset);
    Files.writeString(keyset, "{\"primaryKeyId\": 1, \"key\": []}");
    try {
      Map<String, String> before = snapshot(dataDir);

      assertThatThrownBy(() -> start(h2(dataDir)))
          .isInstanceOf(KeysetException.class)
          .satisfies(e -> assertThat(((KeysetException) e).code()).isEqualTo("keyset_invalid"))
          .hasMessageContaining(keyset.toString());

      assertThat(snapshot(dataDir)).isEqualTo(before);
    } finally {
      Files.write(keyset, right);
    }
    assertSecretsReadBack(h2(dataDir), seeded);
  }

  @Test
  void startWhenTheKeysetIsConfiguredElsewhereThenOnlyThatFileIsUsedAndCheckedTheSameWay()
      throws IOException {
    Path dir = tmp.resolve("elsewhere-data");
    Path elsewhere = tmp.resolve("secrets").resolve("credflow-keys.json");
    Path defaultLocation = dir.resolve("keyset.json");
    Seeded s;
    try (Credflow credflow = start(h2(dir).keyset(elsewhere.toString()))) {
      assertThat(credflow.config().keysetPath()).isEqualTo(elsewhere);
      s = SecretsFixture.seed(admin(credflow), "elsewhere");
    }
    assertThat(elsewhere).exists();
    assertThat(defaultLocation).doesNotExist();
    Map<String, String> before = snapshot(dir);
    byte[] elsewhereBytes = Files.readAllBytes(elsewhere);

    // Without the setting, the default location has no keyset: refused, and none is made there.
    assertThatThrownBy(() -> start(h2(dir)))
        .isInstanceOf(KeysetException.class)
        .satisfies(e -> assertThat(((KeysetException) e).code()).isEqualTo("keyset_missing"))
        .hasMessageContaining(defaultLocation.toString());
    assertThat(defaultLocation).doesNotExist();

    Path typo = tmp.resolve("secrets").resolve("credflow-keys.jsn");
    assertThatThrownBy(() -> start(h2(dir).keyset(typo.toString())))
        .isInstanceOf(KeysetException.class)
        .satisfies(e -> assertThat(((KeysetException) e).code()).isEqualTo("keyset_missing"))
        .hasMessageContaining(typo.toString())
        .hasMessageContaining("Nothing was changed");
    assertThat(typo).doesNotExist();

    // Pointed at another database's keyset: a mismatch, and that keyset is left as it was.
    byte[] otherBytes = Files.readAllBytes(keyset);
    assertThatThrownBy(() -> start(h2(dir).keyset(keyset.toString())))
        .isInstanceOf(KeysetException.class)
        .satisfies(e -> assertThat(((KeysetException) e).code()).isEqualTo("keyset_mismatch"))
        .hasMessageContaining(keyset.toString());
    assertThat(Files.readAllBytes(keyset)).isEqualTo(otherBytes);

    assertThat(snapshot(dir)).isEqualTo(before);
    assertThat(Files.readAllBytes(elsewhere)).isEqualTo(elsewhereBytes);
    assertSecretsReadBack(h2(dir).keyset(elsewhere.toString()), s);
  }

  @Test
  void startOnPostgresWhenTheKeysetIsAnotherValidKeysetThenFailsWithMismatchAndNoRowChanges()
      throws Exception {
    String url = PostgresDatabases.create();
    try {
      Path right = tmp.resolve("pg").resolve("keyset.json");
      Seeded s;
      try (Credflow credflow = start(postgres(url, right))) {
        s = SecretsFixture.seed(admin(credflow), "keyset-pg");
      }
      Path wrong = tmp.resolve("pg-other").resolve("keyset.json");
      KeysetFile.create(wrong);
      byte[] wrongBytes = Files.readAllBytes(wrong);
      List<String> before = dump(url);
      assertThat(before).anySatisfy(row -> assertThat(row).startsWith("credentials:"));

      assertThatThrownBy(() -> start(postgres(url, wrong)))
          .isInstanceOf(KeysetException.class)
          .satisfies(e -> assertThat(((KeysetException) e).code()).isEqualTo("keyset_mismatch"))
          .hasMessageContaining(wrong.toString())
          .hasMessageContaining("Nothing was changed");
      assertThat(dump(url)).isEqualTo(before);
      assertThat(Files.readAllBytes(wrong)).isEqualTo(wrongBytes);

      Path missing = tmp.resolve("pg-missing").resolve("keyset.json");
      assertThatThrownBy(() -> start(postgres(url, missing)))
          .isInstanceOf(KeysetException.class)
          .satisfies(e -> assertThat(((KeysetException) e).code()).isEqualTo("keyset_missing"))
          .hasMessageContaining(missing.toString());
      assertThat(missing).doesNotExist();
      assertThat(dump(url)).isEqualTo(before);

      assertSecretsReadBack(postgres(url, right), s);
    } finally {
      PostgresDatabases.drop(url);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Config.Builder h2(Path dir) {
    return Config.builder()
        .port("0")
        .dataDir(dir.toString())
        .adminApiKey(ADMIN_KEY)
        .allowPrivateNetwork(true);
  }

  private static Config.Builder postgres(String url, Path keysetPath) {
    return h2(tmp.resolve("pg-data"))
        .dbUrl(url)
        .dbUser(PostgresDatabases.USER)
        .keyset(keysetPath.toString());
  }

  private static Credflow start(Config.Builder config) {
    return Credflow.start(config.build(), Clock.systemUTC());
  }

  private static Api admin(Credflow credflow) {
    return new Api("http://127.0.0.1:" + credflow.port(), ADMIN_KEY);
  }

  /** Starts with {@code config}, checks every credential releases its secret, and stops. */
  private static void assertSecretsReadBack(Config.Builder config, Seeded s) {
    try (Credflow credflow = start(config)) {
      Api member = new Api("http://127.0.0.1:" + credflow.port(), s.memberKey());
      SecretsFixture.expectedAccess(s)
          .forEach(
              (credential, expected) ->
                  assertThat(SecretsFixture.access(member, s, credential)).isEqualTo(expected));
      Api.Response client = admin(credflow).get("/v2/auth-clients/" + s.oauth2Client());
      assertThat(client.status()).as(client.text()).isEqualTo(200);
    }
  }

  /** Every file under {@code dir} (relative name) with the SHA-256 of its bytes. */
  private static Map<String, String> snapshot(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.put(
            dir.relativize(p).toString(),
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Every row of every table of the database, as text, in a stable order. */
  private static List<String> dump(String url) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, PostgresDatabases.USER, null);
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT table_name FROM information_schema.tables WHERE table_schema ="
                  + " current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        rows.add("table " + table);
        try (ResultSet rs = st.executeQuery("SELECT t::text FROM \"" + table + "\" t ORDER BY 1")) {
          while (rs.next()) {
            rows.add(table + ": " + rs.getString(1));
          }
        }
      }
    }
    return rows;
  }
}
