package io.credflow.account;

import io.credflow.Config;
import io.credflow.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Accounts on an H2 file database opened with the URL Credflow builds. */
class H2AccountServiceTest extends AccountServiceContract {
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
