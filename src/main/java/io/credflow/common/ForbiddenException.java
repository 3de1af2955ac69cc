package io.credflow.common;

/** The caller can see the resource, but its role does not allow this action. */
public final class ForbiddenException extends CredflowException {
  public ForbiddenException(String message) {
    super("forbidden", message);
  }
}
