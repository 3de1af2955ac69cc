package io.credflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory holds the H2 database and the keyset: only Credflow's user may enter it (0700)
 * and read its files (0600), checked on the real files a real start leaves behind.
 */
class DataDirectoryPermissionsTest {
  @TempDir Path parent;

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static TestServer startOn(Path data) {
    return TestServer.start(false, Clock.systemUTC(), c -> c.dataDir(data.toString()));
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void startWhenDataDirectoryIsNewThenItIsOwnerOnlyAndSoAreTheDatabaseAndKeyset()
      throws IOException {
    Path data = parent.resolve("fresh").resolve("data");

    try (TestServer server = startOn(data)) {
      assertThat(server.admin().get("/v2/workspaces").status()).isEqualTo(200);
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(data.resolve("credflow.mv.db")).exists();
      assertThat(data.resolve("keyset.json")).exists();
      for (Path file : files(data)) {
        assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void startWhenAnOlderStartLeftEverythingWorldReadableThenItIsTightened() throws IOException {
    Path data = parent.resolve("old");
    startOn(data).close();
    // As a start under umask 022 without explicit modes left them, with H2's trace and lock files.
    Files.writeString(data.resolve("credflow.trace.db"), "2026-01-01 jdbc[3]: exception\n");
    Files.writeString(data.resolve("credflow.lock.db"), "");
    for (Path file : files(data)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

    try (TestServer server = startOn(data)) {
      assertThat(server.admin().get("/v2/workspaces").status()).isEqualTo(200);
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(files(data))
          .extracting(p -> p.getFileName().toString())
          .contains("credflow.mv.db", "keyset.json", "credflow.trace.db", "credflow.lock.db");
      for (Path file : files(data)) {
        assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
      }
    }
  }
}
