package io.credflow.store;

import io.credflow.testing.PostgresDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The attachment store on a fresh PostgreSQL database: bytes in chunks in the database. */
class PostgresAttachmentsContractTest extends AttachmentsContract {
  /** Given to the store and never written: on PostgreSQL the bytes stay in the database. */
  @TempDir static Path unused;

  private String url;

  @Override
  protected Database openDatabase() {
    url = PostgresDatabases.create();
    return Database.open(url, PostgresDatabases.USER, null);
  }

  @Override
  protected Path dataDir() {
    return unused;
  }

  @Override
  protected void dropDatabase() {
    if (url != null) {
      PostgresDatabases.drop(url);
    }
  }
}
