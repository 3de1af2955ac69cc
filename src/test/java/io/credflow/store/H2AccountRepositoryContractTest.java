package io.credflow.store;

import io.credflow.Config;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The account repository contract on an H2 file database opened with the URL Credflow builds. */
class H2AccountRepositoryContractTest extends AccountRepositoryContract {
  @TempDir static Path dataDir;

  @Override
  protected Database openDatabase() {
    String url = Config.builder().dataDir(dataDir.toString()).build().dbUrl();
    return Database.open(url, null, null);
  }

  @Override
  protected void dropDatabase() {
    // The temporary directory goes with the class.
  }
}
