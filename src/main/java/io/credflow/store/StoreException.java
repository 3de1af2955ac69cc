package io.credflow.store;

import io.credflow.common.CredflowException;

/** A database failure, translated at the JDBC boundary with the original as its cause. */
public final class StoreException extends CredflowException {
  public StoreException(String message, Throwable cause) {
    super("store_error", message, cause);
  }

  public StoreException(String message) {
    super("store_error", message);
  }
}
