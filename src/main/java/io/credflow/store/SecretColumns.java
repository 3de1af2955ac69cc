package io.credflow.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.crypto.Keyring;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encrypts a row's secret members as one ciphertext whose associated data is {@code
 * table/id/column}: a ciphertext copied to another row or column does not decrypt.
 */
public final class SecretColumns {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {};

  private final Keyring keyring;

  public SecretColumns(Keyring keyring) {
    this.keyring = keyring;
  }

  static String context(String table, String id, String column) {
    return table + "/" + id + "/" + column;
  }

  byte[] seal(String table, String id, String column, Map<String, String> secrets) {
    try {
      byte[] plaintext = MAPPER.writeValueAsBytes(secrets);
      return keyring.encrypt(
          plaintext, context(table, id, column).getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot serialize secrets of " + table + " " + id);
    }
  }

  Map<String, String> open(String table, String id, String column, byte[] ciphertext) {
    byte[] plaintext =
        keyring.decrypt(ciphertext, context(table, id, column).getBytes(StandardCharsets.UTF_8));
    try {
      return MAPPER.readValue(plaintext, MAP);
    } catch (java.io.IOException e) {
      // No cause: the parser's message could quote the plaintext.
      throw new StoreException("decrypted secrets of " + table + " " + id + " are unreadable");
    }
  }

  /** Decrypts and encrypts again under the primary key; used by key rotation. */
  byte[] reseal(String table, String id, String column, byte[] ciphertext) {
    byte[] ad = context(table, id, column).getBytes(StandardCharsets.UTF_8);
    return keyring.encrypt(keyring.decrypt(ciphertext, ad), ad);
  }

  /**
   * Why {@code ciphertext} does not open, as far as can be told without its key: the key id it
   * names (Tink's prefix) and this server's keyset, by key ids only. Never quotes the ciphertext.
   */
  String whyUnreadable(byte[] ciphertext) {
    String named =
        ciphertext != null && ciphertext.length > 5 && ciphertext[0] == 0x01
            ? "it names key "
                + Integer.toUnsignedString(java.nio.ByteBuffer.wrap(ciphertext, 1, 4).getInt())
            : "it names no key";
    return named
        + "; this server's keyset has "
        + keyring.fingerprint()
        + ". Either it was written under a key this keyset does not hold, or it was altered";
  }

  boolean isCurrent(byte[] ciphertext) {
    return keyring.isUnderPrimaryKey(ciphertext);
  }
}
