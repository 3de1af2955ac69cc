package io.credflow.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadKey;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Tink keyset and its AEAD primitive (AES-256-GCM): encrypts secret fields before they are
 * stored, and decrypts them only with the same associated data, so a ciphertext copied to another
 * row or field does not decrypt. Safe for concurrent use.
 *
 * <p>Its {@link #toString()} and {@link #fingerprint()} show key ids only, never key material.
 */
public final class Keyring {
  private static final String DECRYPTION_FAILED = "decryption_failed";
  private static final String WHY =
      "the ciphertext was altered or truncated, was written under a key this keyset does not"
          + " hold, or belongs to another record or field";

  private final KeysetHandle handle;
  private final Aead aead;
  private final int primaryKeyId;
  private final byte[] primaryPrefix;
  private final String fingerprint;

  private Keyring(KeysetHandle handle, Aead aead) {
    this.handle = handle;
    this.aead = aead;
    this.primaryKeyId = handle.getPrimary().getId();
    this.primaryPrefix =
        handle.getPrimary().getKey() instanceof AeadKey key
            ? key.getOutputPrefix().toByteArray()
            : new byte[0];
    this.fingerprint = describe(handle);
  }

  /**
   * A keyring over {@code handle}.
   *
   * @throws GeneralSecurityException when the keyset holds no usable AEAD primary key
   */
  static Keyring of(KeysetHandle handle) throws GeneralSecurityException {
    TinkSetup.ensureRegistered();
    Objects.requireNonNull(handle, "handle");
    Aead aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    try {
      return new Keyring(handle, aead);
    } catch (IllegalStateException e) {
      throw new GeneralSecurityException("keyset has no valid primary key", e);
    }
  }

  /** A keyring over a new in-memory keyset with one AES-256-GCM key; for tests. */
  public static Keyring generate() {
    TinkSetup.ensureRegistered();
    try {
      return of(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
    } catch (GeneralSecurityException e) {
      throw new CryptoException(
          "key_generation_failed", "could not generate a new AES-256-GCM keyset", e);
    }
  }

  /** The Tink keyset, for writing it to disk and for rotation. */
  KeysetHandle handle() {
    return handle;
  }

  /**
   * Encrypts {@code plaintext}, binding the ciphertext to {@code associatedData} (which is not
   * encrypted and must be given again to decrypt). Each call gives a different ciphertext.
   */
  public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(associatedData, "associatedData");
    try {
      return aead.encrypt(plaintext, associatedData);
    } catch (GeneralSecurityException e) {
      throw new CryptoException("encryption_failed", "encryption failed", e);
    }
  }

  /**
   * Decrypts {@code ciphertext} written by {@link #encrypt} with the same {@code associatedData}.
   *
   * @throws CryptoException with code {@code decryption_failed} when the ciphertext was altered or
   *     truncated, was written under a key this keyset does not hold, or the associated data
   *     differs; never returns garbage
   */
  public byte[] decrypt(byte[] ciphertext, byte[] associatedData) {
    return decrypt(ciphertext, associatedData, "decryption failed: " + WHY);
  }

  /**
   * Encrypts a text value (as UTF-8) bound to {@code context}, the identity of the row and field it
   * is stored in, e.g. {@code "credentials/4f2a.../secrets"}.
   */
  public byte[] seal(String plaintext, String context) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(context, "context");
    return encrypt(plaintext.getBytes(StandardCharsets.UTF_8), utf8(context));
  }

  /**
   * Decrypts a text value written by {@link #seal} with the same {@code context}.
   *
   * @throws CryptoException with code {@code decryption_failed}, naming the context, when the value
   *     cannot be decrypted (see {@link #decrypt})
   */
  public String open(byte[] ciphertext, String context) {
    Objects.requireNonNull(context, "context");
    byte[] plaintext =
        decrypt(
            ciphertext,
            utf8(context),
            "could not decrypt the value stored for context '" + context + "': " + WHY);
    return new String(plaintext, StandardCharsets.UTF_8);
  }

  /** The id of the primary key, the one new ciphertexts are written under. */
  public int primaryKeyId() {
    return primaryKeyId;
  }

  /**
   * Whether {@code ciphertext} was written under the primary key, as its Tink output prefix says
   * (version byte {@code 0x01}, then the key id as 4 big-endian bytes). A re-encryption pass after
   * a rotation rewrites the values for which this is false. Does not check that the ciphertext is
   * authentic; only {@link #decrypt} does.
   */
  public boolean isUnderPrimaryKey(byte[] ciphertext) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (primaryPrefix.length == 0 || ciphertext.length < primaryPrefix.length) {
      return false;
    }
    for (int i = 0; i < primaryPrefix.length; i++) {
      if (ciphertext[i] != primaryPrefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * A short, non-secret description of the keyset for log lines: the primary key id and the ids of
   * all keys, e.g. {@code "primary 3269004578, keys [495020170, 3269004578]"}.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** Shows the {@link #fingerprint()}, never key material. */
  @Override
  public String toString() {
    return "Keyring[" + fingerprint + "]";
  }

  private byte[] decrypt(byte[] ciphertext, byte[] associatedData, String failure) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(associatedData, "associatedData");
    try {
      return aead.decrypt(ciphertext, associatedData);
    } catch (GeneralSecurityException e) {
      throw new CryptoException(DECRYPTION_FAILED, failure, e);
    } catch (RuntimeException e) {
      // Tink refuses bad input with GeneralSecurityException; anything else is refused too, and its
      // message (which could quote input bytes) is not kept.
      throw new CryptoException(DECRYPTION_FAILED, failure);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String describe(KeysetHandle handle) {
    List<String> ids = new ArrayList<>(handle.size());
    for (int i = 0; i < handle.size(); i++) {
      ids.add(Integer.toUnsignedString(handle.getAt(i).getId()));
    }
    return "primary "
        + Integer.toUnsignedString(handle.getPrimary().getId())
        + ", keys ["
        + String.join(", ", ids)
        + "]";
  }
}
