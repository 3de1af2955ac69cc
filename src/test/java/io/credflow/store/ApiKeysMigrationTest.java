package io.credflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.Config;
import io.credflow.common.Secret;
import io.credflow.tenancy.ApiKey;
import io.credflow.tenancy.ApiKeys;
import io.credflow.tenancy.TenancyService;
import io.credflow.testing.PostgresDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V5 moves keys from users.key_digest to api_keys: a user made before the upgrade (as a process of
 * the previous version wrote it) signs in with its old key afterwards, and its key is listed as its
 * first key, on both databases.
 */
class ApiKeysMigrationTest {
  private static final Instant MADE = Instant.parse("2024-05-06T07:08:09.123456Z");

  @Test
  void migrateWhenUsersHaveKeysFromBeforeV5ThenEachKeyStillAuthenticatesOnH2(
      @TempDir Path dataDir) {
    String url = Config.builder().dataDir(dataDir.toString()).build().dbUrl();
    try (Database database = Database.open(url, null, null)) {
      checkUpgrade(database);
    }
  }

  @Test
  void migrateWhenUsersHaveKeysFromBeforeV5ThenEachKeyStillAuthenticatesOnPostgres() {
    String url = PostgresDatabases.create();
    try (Database database = Database.open(url, PostgresDatabases.USER, null)) {
      checkUpgrade(database);
    } finally {
      PostgresDatabases.drop(url);
    }
  }

  private static void checkUpgrade(Database database) {
    Flyway.configure()
        .dataSource(database.dataSource())
        .locations("classpath:db/migration")
        .target("4")
        .load()
        .migrate();
    Secret adaKey = ApiKeys.generate();
    Secret bobKey = ApiKeys.generate();
    insertOldUser(database, "0123456789abcdef0123456a", "ada@example.com", adaKey);
    insertOldUser(database, "0123456789abcdef0123456b", "bob@example.com", bobKey);

    database.migrate();

    TenancyService tenancy =
        new TenancyService(
            new JdbcTenancyRepository(database.jdbc()), database.jdbc(), Clock.systemUTC());
    var ada = tenancy.authenticate(Optional.empty(), adaKey).orElseThrow();
    assertThat(ada.user().email()).isEqualTo("ada@example.com");
    assertThat(tenancy.authenticate(Optional.of("bob@example.com"), bobKey)).isPresent();
    assertThat(tenancy.authenticate(Optional.empty(), ApiKeys.generate())).isEmpty();
    List<ApiKey> keys = tenancy.apiKeys(ada);
    assertThat(keys)
        .containsExactly(
            new ApiKey(ada.user().id(), ApiKey.FIRST_KEY_NAME, MADE, Optional.empty()));

    tenancy.revokeApiKey(ada, keys.get(0).id());
    assertThat(tenancy.authenticate(Optional.empty(), adaKey)).isEmpty();
    assertThat(
            database
                .jdbc()
                .queryOne(
                    "SELECT key_digest FROM users WHERE id = ?",
                    rs -> Optional.ofNullable(rs.getBytes(1)),
                    ada.user().id())
                .orElseThrow())
        .as("a process of the previous version no longer accepts the revoked key either")
        .isEmpty();
  }

  /** A user row as the versions before V5 wrote it: the key's digest in users.key_digest. */
  private static void insertOldUser(Database database, String id, String email, Secret key) {
    database
        .jdbc()
        .update(
            "INSERT INTO users (id, email, key_digest, global_admin, created_at)"
                + " VALUES (?, ?, ?, ?, ?)",
            id,
            email,
            ApiKeys.digest(key),
            false,
            MADE);
  }
}
