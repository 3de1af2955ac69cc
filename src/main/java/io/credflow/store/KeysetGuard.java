package io.credflow.store;

import io.credflow.crypto.CryptoException;
import io.credflow.crypto.Keyring;
import io.credflow.crypto.KeysetException;
import io.credflow.crypto.KeysetFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

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
    if (!KeysetFile.exists(keysetPath)) {
      if (check.isPresent()) {
        throw new KeysetException(
            "keyset_missing",
            "the database at "
                + database.describe()
                + " holds secrets encrypted with a keyset, but there is no keyset file at "
                + keysetPath
                + ": restore that file or point CREDFLOW_KEYSET at it. Nothing was changed.");
      }
      return KeysetFile.create(keysetPath);
    }
    Keyring keyring = KeysetFile.load(keysetPath);
    if (check.isPresent()) {
      try {
        keyring.open(check.get(), CHECK_CONTEXT);
      } catch (CryptoException e) {
        throw new KeysetException(
            "keyset_mismatch",
            "the keyset at "
                + keysetPath
                + " ("
                + keyring.fingerprint()
                + ") is not the one the database at "
                + database.describe()
                + " was written with: restore the right keyset file or point CREDFLOW_KEYSET at"
                + " it. Nothing was changed.",
            e);
      }
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
    try {
      return jdbc.queryOne(
          "SELECT ciphertext FROM keyset_check WHERE id = 1", rs -> rs.getBytes("ciphertext"));
    } catch (StoreException e) {
      // A database without the table has never been started: nothing is encrypted in it.
      return Optional.empty();
    }
  }
}
