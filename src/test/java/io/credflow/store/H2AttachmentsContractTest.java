package io.credflow.store;

import io.credflow.Config;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The attachment store on an H2 file database: bytes as files in the data directory. */
class H2AttachmentsContractTest extends AttachmentsContract {
  @TempDir static Path dataDir;

  @Override
  protected Database openDatabase() {
    return Database.open(Config.builder().dataDir(dataDir.toString()).build().dbUrl(), null, null);
  }

  @Override
  protected Path dataDir() {
    return dataDir;
  }

  @Override
  protected void dropDatabase() {
    // The temporary directory goes with the class.
  }
}
