package io.credflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory holds the database and the keyset, so only Credflow's user may enter it (mode
 * 0700) or read what is in it (0600), whatever the umask. Permissions are set explicitly rather
 * than requested at creation, where the umask could still narrow what others get but never keeps a
 * directory made by an older version, or files H2 made with the umask's 0644, from staying
 * readable.
 */
final class DataDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

  static final Set<PosixFilePermission> DIRECTORY =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);
  static final Set<PosixFilePermission> FILE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private DataDirectory() {}

  /** Creates {@code dir} (and its parents) if needed, and leaves it at mode 0700. */
  static void prepare(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
      }
      restrict(dir, DIRECTORY);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir.toAbsolutePath(), e);
    }
  }

  /**
   * Sets every file directly in {@code dir} (the H2 database and its trace and lock files, the
   * keyset, the demo ids) to mode 0600: run after H2 opened its files. A file H2 makes later sits
   * in a directory no one else may enter.
   */
  static void restrictFiles(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, Files::isRegularFile)) {
      for (Path file : files) {
        restrict(file, FILE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot restrict the files of the data directory " + dir.toAbsolutePath(), e);
    }
  }

  private static void restrict(Path path, Set<PosixFilePermission> wanted) throws IOException {
    Set<PosixFilePermission> current;
    try {
      current = Files.getPosixFilePermissions(path);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: access is the operating system's ACLs' business
    }
    if (!current.equals(wanted)) {
      Files.setPosixFilePermissions(path, wanted);
      LOG.debug(
          "set {} to {} (was {})",
          path.toAbsolutePath(),
          PosixFilePermissions.toString(wanted),
          PosixFilePermissions.toString(current));
    }
  }
}
