package io.credflow.common;

import java.util.Optional;

/** The request is well formed but conflicts with the current state (in use, type mismatch). */
public final class ConflictException extends CredflowException {
  private final String pointer;

  public ConflictException(String code, String message) {
    this(code, message, null);
  }

  public ConflictException(String code, String message, String pointer) {
    super(code, message);
    this.pointer = pointer;
  }

  /** JSON pointer of the member at fault, when one is. */
  public Optional<String> pointer() {
    return Optional.ofNullable(pointer);
  }
}
