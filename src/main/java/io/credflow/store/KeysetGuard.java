package io.credflow.store;

import io.credflow.crypto.CryptoException;
import io.credflow.crypto.Keyring;
import io.credflow.crypto.KeysetException;
import io.credflow.crypto.KeysetFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Makes sure the keyset and the database belong together before anything is written: the database
 * keeps one value encrypted with the keyset of its first start, and a start whose keyset cannot
 * decrypt it (or that has no keyset while the database has one) stops before touching anything.
 */
public final class KeysetGuard {
  static final String CHECK_CONTEXT = "keyset_check/1/ciphertext";
  private static final String CHECK_VALUE = "credflow keyset check";

  private KeysetGuard() {}

  /**
   * The keyring for {@code database}: loaded from {@code keysetPath}, or created there when the
   * database holds nothing encrypted yet. Throws {@link KeysetException} on a mismatch.
   */
  public static Keyring open(Database database, Path keysetPath) {
    Optional<byte[]> check = storedCheck(database.jdbc());
    if (check.isPresent()) {
      return verify(check.get(), keysetPath, database.describe());
    }
    return KeysetFile.exists(keysetPath)
        ? KeysetFile.load(keysetPath)
        : KeysetFile.create(keysetPath);
  }

  /**
   * For an embedded H2 database, the checks of {@link #open} on a read-only connection, to run
   * before the database is opened for writing: H2 rewrites its file on every read-write open and
   * close, so a start refused only after that open would leave the file changed although no row
   * changed. Does nothing when there is no database yet (or it cannot be opened read-only; the
   * regular open then reports why). Throws {@link KeysetException} as {@link #open} does.
   */
  public static void checkReadOnly(String h2Url, String user, String password, Path keysetPath) {
    JdbcDataSource readOnly = new JdbcDataSource();
    readOnly.setURL(h2Url + ";ACCESS_MODE_DATA=r;IFEXISTS=TRUE");
    readOnly.setUser(user == null ? "" : user);
    readOnly.setPassword(password == null ? "" : password);
    try (java.sql.Connection probe = readOnly.getConnection()) {
      probe.getMetaData();
    } catch (java.sql.SQLException e) {
      return;
    }
    Optional<byte[]> check = storedCheck(new Jdbc(readOnly));
    if (check.isPresent()) {
      verify(check.get(), keysetPath, Database.redactUrl(h2Url));
    }
  }

  private static Keyring verify(byte[] check, Path keysetPath, String database) {
    if (!KeysetFile.exists(keysetPath)) {
      throw new KeysetException(
          "keyset_missing",
          "the database at "
              + database
              + " holds secrets encrypted with a keyset, but there is no keyset file at "
              + keysetPath
              + ": restore that file or point CREDFLOW_KEYSET at it. Nothing was changed.");
    }
    Keyring keyring = KeysetFile.load(keysetPath);
    try {
      keyring.open(check, CHECK_CONTEXT);
    } catch (CryptoException e) {
      throw new KeysetException(
          "keyset_mismatch",
          "the keyset at "
              + keysetPath
              + " ("
              + keyring.fingerprint()
              + ") is not the one the database at "
              + database
              + " was written with: restore the right keyset file or point CREDFLOW_KEYSET at"
              + " it. Nothing was changed.",
          e);
    }
    return keyring;
  }

  /** After migrations: records the check value when the database has none yet. */
  public static void record(Database database, Keyring keyring, Clock clock) {
    if (storedCheck(database.jdbc()).isEmpty()) {
      database
          .jdbc()
          .update(
              "INSERT INTO keyset_check (id, ciphertext, created_at) VALUES (1, ?, ?)",
              keyring.seal(CHECK_VALUE, CHECK_CONTEXT),
              clock.instant());
    }
  }

  private static Optional<byte[]> storedCheck(Jdbc jdbc) {
    // A database without the table has never been started: nothing is encrypted in it. Any other
    // failure to read the check is an error, never a reason to make a new keyset.
    if (!jdbc.tableExists("keyset_check")) {
      return Optional.empty();
    }
    return jdbc.queryOne(
        "SELECT ciphertext FROM keyset_check WHERE id = 1", rs -> rs.getBytes("ciphertext"));
  }
}
