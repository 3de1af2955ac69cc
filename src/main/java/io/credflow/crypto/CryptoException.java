package io.credflow.crypto;

import io.credflow.common.CredflowException;

/**
 * A value could not be encrypted or decrypted, e.g. code {@code decryption_failed} for a ciphertext
 * that was altered, truncated, written under a key the keyset does not hold, or bound to other
 * associated data. The message never contains plaintext, key material or ciphertext bytes.
 */
public final class CryptoException extends CredflowException {
  public CryptoException(String code, String message) {
    super(code, message);
  }

  public CryptoException(String code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
