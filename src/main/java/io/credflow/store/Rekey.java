package io.credflow.store;

import io.credflow.crypto.Keyring;
import java.util.Map;

/**
 * Moves every ciphertext to the keyring's primary key, after a rotation. Run it once every process
 * runs with the rotated keyset; ciphertexts already under the primary key are left alone.
 */
public final class Rekey {
  private Rekey() {}

  /** How many ciphertexts were re-encrypted, and how many already used the primary key. */
  public record Result(int reencrypted, int current) {}

  public static Result run(Database database, Keyring keyring) {
    Jdbc jdbc = database.jdbc();
    SecretColumns columns = new SecretColumns(keyring);
    int moved = 0;
    int current = 0;
    for (Map.Entry<String, byte[]> row :
        new JdbcAuthClientRepository(jdbc, columns, java.time.Clock.systemUTC()).allCiphertexts()) {
      if (columns.isCurrent(row.getValue())) {
        current++;
        continue;
      }
      byte[] sealed =
          columns.reseal(
              JdbcAuthClientRepository.TABLE,
              row.getKey(),
              JdbcAuthClientRepository.SECRETS,
              row.getValue());
      moved +=
          jdbc.update(
              "UPDATE auth_clients SET secrets = ? WHERE id = ? AND secrets = ?",
              sealed,
              row.getKey(),
              row.getValue());
    }
    for (Map.Entry<String, byte[]> row :
        new JdbcCredentialRepository(jdbc, columns, java.time.Clock.systemUTC()).allCiphertexts()) {
      if (columns.isCurrent(row.getValue())) {
        current++;
        continue;
      }
      byte[] sealed =
          columns.reseal(
              JdbcCredentialRepository.TABLE,
              row.getKey(),
              JdbcCredentialRepository.SECRETS,
              row.getValue());
      // Only if nobody rewrote the row meanwhile; a concurrent writer seals with the primary key.
      moved +=
          jdbc.update(
              "UPDATE credentials SET secrets = ? WHERE id = ? AND secrets = ?",
              sealed,
              row.getKey(),
              row.getValue());
    }
    byte[] check =
        jdbc.queryOne("SELECT ciphertext FROM keyset_check WHERE id = 1", rs -> rs.getBytes(1))
            .orElse(null);
    if (check != null && !columns.isCurrent(check)) {
      byte[] ad = KeysetGuard.CHECK_CONTEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      jdbc.update(
          "UPDATE keyset_check SET ciphertext = ? WHERE id = 1",
          keyring.encrypt(keyring.decrypt(check, ad), ad));
      moved++;
    }
    return new Result(moved, current);
  }
}
