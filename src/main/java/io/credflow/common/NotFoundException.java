package io.credflow.common;

/**
 * A resource that does not exist, or exists outside the caller's reach: both answer the same, so
 * that the answer never confirms that something exists.
 */
public final class NotFoundException extends CredflowException {
  public NotFoundException(String kind, String id) {
    super("not_found", kind + " " + id + " was not found");
  }
}
