package io.credflow.common;

import java.util.Optional;

/** The request is well formed but conflicts with the current state (in use, type mismatch). */
public final class ConflictException extends CredflowException {
  private final String field;

  public ConflictException(String code, String message) {
    this(code, message, null);
  }

  /** A conflict about {@code field} of the command (see {@link Field}). */
  public ConflictException(String code, String message, String field) {
    super(code, message);
    this.field = field;
  }

  /** The field at fault, when one is. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
