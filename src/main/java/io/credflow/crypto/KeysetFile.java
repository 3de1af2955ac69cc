package io.credflow.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyset's file on disk, in Tink's JSON keyset format: by default {@value #DEFAULT_LOCATION},
 * or where the environment variable {@value #ENV_VAR} points. The file is written atomically
 * (temporary file in the same directory, then a move) and readable by its owner only (mode 0600 on
 * POSIX file systems).
 *
 * <p>Without this file, every secret stored in the database is unrecoverable: it must be backed up.
 */
public final class KeysetFile {
  /** The environment variable that names the keyset file. */
  public static final String ENV_VAR = "CREDFLOW_KEYSET";

  /** Where the keyset file is when {@value #ENV_VAR} is not set, relative to the working dir. */
  public static final String DEFAULT_LOCATION = "./data/keyset.json";

  private static final Logger LOG = LoggerFactory.getLogger(KeysetFile.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final String REMEDY =
      "restore the keyset this database was written with, or point " + ENV_VAR + " at it";

  private KeysetFile() {}

  /**
   * The keyset file's path given the environment: the value of {@value #ENV_VAR} when it is set and
   * not blank, else {@value #DEFAULT_LOCATION}.
   */
  public static Path location(Map<String, String> env) {
    String configured = env.get(ENV_VAR);
    return Path.of(
        configured == null || configured.isBlank() ? DEFAULT_LOCATION : configured.strip());
  }

  /** Whether a file (or anything else) exists at {@code path}. */
  public static boolean exists(Path path) {
    return Files.exists(path);
  }

  /**
   * Reads the keyset at {@code path}.
   *
   * @throws KeysetException with code {@code keyset_missing} when there is no file, or {@code
   *     keyset_invalid} when it cannot be read or is not a usable Tink AEAD keyset; the message
   *     names the path and what to do
   */
  public static Keyring load(Path path) {
    Objects.requireNonNull(path, "path");
    TinkSetup.ensureRegistered();
    String json = read(path);
    Keyring keyring;
    try {
      keyring =
          Keyring.of(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException e) {
      // Tink's messages name the failing step and key type, never key material.
      throw invalid(path, e.getMessage(), e);
    } catch (RuntimeException e) {
      // Not kept as the cause: a parser's message could quote the file's content.
      throw invalid(path, "unexpected " + e.getClass().getSimpleName(), null);
    }
    warnIfOthersCanRead(path);
    return keyring;
  }

  /**
   * Generates a new keyset with one AES-256-GCM key and writes it to {@code path} (creating its
   * parent directories), readable by the owner only. Logs a warning that the new keyset must be
   * backed up.
   *
   * @throws KeysetException with code {@code keyset_exists} when {@code path} already exists (it is
   *     never overwritten), or {@code keyset_unwritable} when it cannot be written
   */
  public static Keyring create(Path path) {
    Objects.requireNonNull(path, "path");
    if (exists(path)) {
      throw exists(path, null);
    }
    Keyring keyring = Keyring.generate();
    write(path, serialize(keyring, path), false);
    LOG.warn(
        "Created a new keyset at {} ({}). Back it up now: without it, every secret stored in the"
            + " database is unrecoverable.",
        path.toAbsolutePath(),
        keyring.fingerprint());
    return keyring;
  }

  /**
   * Adds a new AES-256-GCM key to the keyset at {@code path} and makes it primary; the old keys
   * stay enabled, so ciphertexts written under them still decrypt. Rewrites the file atomically,
   * readable by the owner only, and returns the new keyring.
   *
   * @throws KeysetException as {@link #load} does, or with code {@code keyset_unwritable}
   */
  public static Keyring rotate(Path path) {
    Keyring old = load(path);
    Keyring rotated;
    try {
      KeysetHandle handle =
          KeysetHandle.newBuilder(old.handle())
              .addEntry(
                  KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                      .withRandomId()
                      .makePrimary())
              .build();
      rotated = Keyring.of(handle);
    } catch (GeneralSecurityException e) {
      throw new KeysetException(
          "keyset_invalid",
          "could not add a new key to the keyset in " + path + ": " + e.getMessage(),
          e);
    }
    write(path, serialize(rotated, path), true);
    LOG.info(
        "Rotated the keyset at {}: was {}; now {}. Back up the new file.",
        path.toAbsolutePath(),
        old.fingerprint(),
        rotated.fingerprint());
    return rotated;
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new KeysetException(
          "keyset_missing", "keyset file " + path + " does not exist: " + REMEDY, e);
    } catch (CharacterCodingException e) {
      throw invalid(path, "it is not UTF-8 text", null);
    } catch (IOException e) {
      throw new KeysetException(
          "keyset_invalid",
          "keyset file "
              + path
              + " could not be read ("
              + e.getClass().getSimpleName()
              + "): "
              + "check that it is a readable file, or point "
              + ENV_VAR
              + " at the keyset",
          e);
    }
  }

  private static KeysetException invalid(Path path, String detail, Throwable cause) {
    return new KeysetException(
        "keyset_invalid",
        "keyset file " + path + " is not a valid Tink keyset: " + detail + "; " + REMEDY,
        cause);
  }

  private static KeysetException exists(Path path, Throwable cause) {
    return new KeysetException(
        "keyset_exists",
        "keyset file "
            + path
            + " already exists and is never overwritten: it holds the keys stored secrets were"
            + " encrypted with. Load it, or move it away first if you really mean to start over",
        cause);
  }

  private static String serialize(Keyring keyring, Path path) {
    try {
      return TinkJsonProtoKeysetFormat.serializeKeyset(
          keyring.handle(), InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new KeysetException(
          "keyset_unwritable", "could not serialize the keyset for " + path, e);
    }
  }

  /**
   * Writes {@code content} to a new owner-only temporary file next to {@code path}, flushes it to
   * disk, then moves it to {@code path}: atomically replacing it when {@code replace}, else failing
   * if {@code path} exists.
   */
  private static void write(Path path, String content, boolean replace) {
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = createOwnerOnlyTempFile(dir);
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      try {
        move(tmp, target, replace);
      } catch (FileAlreadyExistsException e) {
        throw exists(path, e);
      }
      tmp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      throw new KeysetException(
          "keyset_unwritable",
          "could not write keyset file "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + "): check that its directory is writable",
          e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          LOG.warn("Could not delete temporary keyset file {}; delete it by hand", tmp);
        }
      }
    }
  }

  private static Path createOwnerOnlyTempFile(Path dir) throws IOException {
    if (isPosix(dir)) {
      return Files.createTempFile(
          dir, ".keyset-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    // No POSIX permissions here (e.g. Windows): the directory's access control applies; narrow it
    // to the owner where the platform lets us.
    Path tmp = Files.createTempFile(dir, ".keyset-", ".tmp");
    var file = tmp.toFile();
    if (!(file.setReadable(false, false) && file.setReadable(true, true))) {
      LOG.debug("Could not narrow the permissions of {}", tmp);
    }
    return tmp;
  }

  private static void move(Path tmp, Path target, boolean replace) throws IOException {
    if (!replace) {
      // Without REPLACE_EXISTING the move fails if the target exists; within one directory it is
      // a rename.
      Files.move(tmp, target);
      return;
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Makes the rename durable where the platform allows it; best effort. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not sync directory {}", dir, e);
    }
  }

  private static void warnIfOthersCanRead(Path path) {
    if (!isPosix(path)) {
      return;
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      if (!OWNER_ONLY.containsAll(permissions)) {
        LOG.warn(
            "Keyset file {} has mode {}; restrict it to its owner (chmod 600)",
            path.toAbsolutePath(),
            PosixFilePermissions.toString(permissions));
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("Could not read the permissions of {}", path, e);
    }
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
