package io.credflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.Config;
import io.credflow.testing.PostgresDatabases;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade, as the README's deployment guide tells it: the first process of a new release
 * migrates the shared database while processes of the previous release still run, and one of those
 * may restart before it is replaced. It must start against a schema a release ahead of it: Flyway
 * applies what it knows and leaves a migration it does not know (a future one) alone, on both
 * databases.
 */
class RollingUpgradeTest {
  @Test
  void migrateWhenTheDatabaseIsAReleaseAheadThenAnOlderProcessStillStartsOnH2(
      @TempDir Path dataDir) {
    String url = Config.builder().dataDir(dataDir.toString()).build().dbUrl();
    try (Database database = Database.open(url, null, null)) {
      checkOlderProcessStarts(database);
    }
  }

  @Test
  void migrateWhenTheDatabaseIsAReleaseAheadThenAnOlderProcessStillStartsOnPostgres() {
    String url = PostgresDatabases.create();
    try (Database database = Database.open(url, PostgresDatabases.USER, null)) {
      checkOlderProcessStarts(database);
    } finally {
      PostgresDatabases.drop(url);
    }
  }

  private static void checkOlderProcessStarts(Database database) {
    database.migrate();
    int known = applied(database);
    // What the next release's first process leaves behind: one more migration, and its table.
    database.jdbc().update("CREATE TABLE next_release_things (id VARCHAR(24) PRIMARY KEY)");
    database
        .jdbc()
        .update(
            "INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\","
                + " \"description\", \"type\", \"script\", \"checksum\", \"installed_by\","
                + " \"installed_on\", \"execution_time\", \"success\")"
                + " VALUES (?, '9999', 'next release', 'SQL', 'V9999__next_release.sql', 1,"
                + " 'test', ?, 1, TRUE)",
            known + 1,
            java.sql.Timestamp.from(Instant.now()));

    // This release's process starts again: it migrates (nothing to do) without refusing.
    database.migrate();

    assertThat(applied(database)).isEqualTo(known + 1);
    assertThat(database.jdbc().tableExists("next_release_things")).isTrue();
    assertThat(database.jdbc().tableExists("flow_drafts")).isTrue();
  }

  private static int applied(Database database) {
    return database
        .jdbc()
        .queryOne(
            "SELECT COUNT(*) AS n FROM \"flyway_schema_history\" WHERE \"success\" = TRUE",
            rs -> rs.getInt("n"))
        .orElseThrow();
  }
}
