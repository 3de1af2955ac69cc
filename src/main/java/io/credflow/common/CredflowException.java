package io.credflow.common;

/**
 * Root of Credflow's few exceptions. Each carries a stable machine-readable {@link #code()} and a
 * message a person can act on; messages never contain a secret.
 */
public abstract class CredflowException extends RuntimeException {
  private final String code;

  protected CredflowException(String code, String message) {
    super(message);
    this.code = code;
  }

  protected CredflowException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** Stable, machine-readable error code, e.g. {@code invalid_auth_client_type}. */
  public String code() {
    return code;
  }
}
