package io.credflow.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Attachment bytes as files named by their ids, for H2: one process owns the database and the data
 * directory it lives in. A file is written under a temporary name and renamed when complete.
 */
final class FileBodies implements JdbcAttachments.Bodies {
  private static final int BUFFER = 64 * 1024;

  private final Path dir;

  FileBodies(Path dir) {
    this.dir = dir;
  }

  @Override
  public long write(String id, JdbcAttachments.Source source) {
    Path part = dir.resolve(id + ".part");
    try {
      prepare();
      long size = 0;
      try (OutputStream out =
          Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = source.fill(buffer)) > 0; ) {
          out.write(buffer, 0, n);
          size += n;
        }
      }
      Files.move(part, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
      return size;
    } catch (IOException e) {
      deleteQuietly(part);
      throw new StoreException("cannot write attachment " + id + " under " + dir, e);
    } catch (RuntimeException | Error e) {
      deleteQuietly(part);
      throw e;
    }
  }

  @Override
  public Optional<InputStream> read(String id, long size) {
    try {
      return Optional.of(Files.newInputStream(dir.resolve(id)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot read attachment " + id + " under " + dir, e);
    }
  }

  @Override
  public void delete(String id) {
    try {
      Files.deleteIfExists(dir.resolve(id));
      Files.deleteIfExists(dir.resolve(id + ".part"));
    } catch (IOException e) {
      throw new StoreException("cannot delete attachment " + id + " under " + dir, e);
    }
  }

  /** The directory, made on first use; only Credflow's user may enter it, as the data directory. */
  private void prepare() throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // The write failed already; the leftover has a name no reader opens.
    }
  }
}
