package io.credflow.store;

import io.credflow.crypto.Keyring;
import java.util.List;
import java.util.Map;

/**
 * Moves every ciphertext to the keyring's primary key, after a rotation. Run it once every process
 * runs with the rotated keyset; ciphertexts already under the primary key are left alone.
 */
public final class Rekey {
  private Rekey() {}

  /** How many ciphertexts were re-encrypted, and how many already used the primary key. */
  public record Result(int reencrypted, int current) {}

  /** One encrypted column: its table and column, as their ciphertexts' associated data names. */
  private record Column(String table, String column) {
    List<Map.Entry<String, byte[]>> rows(Jdbc jdbc) {
      return jdbc.query(
          "SELECT id, " + column + " FROM " + table + " WHERE " + column + " IS NOT NULL",
          rs -> Map.entry(rs.getString("id"), rs.getBytes(column)));
    }
  }

  /** Every column holding Tink ciphertext bound to its row. */
  private static final List<Column> COLUMNS =
      List.of(
          new Column(JdbcAuthClientRepository.TABLE, JdbcAuthClientRepository.SECRETS),
          new Column(JdbcCredentialRepository.TABLE, JdbcCredentialRepository.SECRETS),
          new Column("flows", "hook_secret"),
          new Column(JdbcWebhookRepository.TABLE, JdbcWebhookRepository.SECRET));

  public static Result run(Database database, Keyring keyring) {
    Jdbc jdbc = database.jdbc();
    SecretColumns columns = new SecretColumns(keyring);
    int moved = 0;
    int current = 0;
    for (Column c : COLUMNS) {
      for (Map.Entry<String, byte[]> row : c.rows(jdbc)) {
        if (columns.isCurrent(row.getValue())) {
          current++;
          continue;
        }
        byte[] sealed = columns.reseal(c.table(), row.getKey(), c.column(), row.getValue());
        // Only if nobody rewrote the row meanwhile; a concurrent writer seals with the primary key.
        moved +=
            jdbc.update(
                "UPDATE "
                    + c.table()
                    + " SET "
                    + c.column()
                    + " = ? WHERE id = ? AND "
                    + c.column()
                    + " = ?",
                sealed,
                row.getKey(),
                row.getValue());
      }
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
