package io.credflow.crypto;

import io.credflow.common.CredflowException;

/**
 * The keyset file is missing ({@code keyset_missing}), unreadable or not a usable Tink keyset
 * ({@code keyset_invalid}), already exists where a new one was to be created ({@code
 * keyset_exists}), or could not be written ({@code keyset_unwritable}). The message names the path
 * and what to do; it never contains key material.
 */
public final class KeysetException extends CredflowException {
  public KeysetException(String code, String message) {
    super(code, message);
  }

  public KeysetException(String code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
