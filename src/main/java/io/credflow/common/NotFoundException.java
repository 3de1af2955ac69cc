package io.credflow.common;

import java.util.Optional;

/**
 * A resource that does not exist, or exists outside the caller's reach: both answer the same, so
 * that the answer never confirms that something exists.
 */
public final class NotFoundException extends CredflowException {
  private final String pointer;

  public NotFoundException(String kind, String id) {
    this(kind, id, null);
  }

  /** A related resource named at {@code pointer} in the request that was not found. */
  public NotFoundException(String kind, String id, String pointer) {
    super("not_found", kind + " " + id + " was not found");
    this.pointer = pointer;
  }

  public Optional<String> pointer() {
    return Optional.ofNullable(pointer);
  }
}
