package io.credflow.common;

import java.util.Optional;

/**
 * A resource that does not exist, or exists outside the caller's reach: both answer the same, so
 * that the answer never confirms that something exists.
 */
public final class NotFoundException extends CredflowException {
  private final String field;

  public NotFoundException(String kind, String id) {
    this(kind, id, null);
  }

  /** A related resource, named by the command's {@code field} (see {@link Field}), not found. */
  public NotFoundException(String kind, String id, String field) {
    this(Optional.ofNullable(field), kind + " " + id + " was not found");
  }

  private NotFoundException(Optional<String> field, String message) {
    super("not_found", message);
    this.field = field.orElse(null);
  }

  /**
   * Not found, said in {@code message}: for things named by a secret (a one-time link's token) that
   * no message may repeat.
   */
  public static NotFoundException because(String message) {
    return new NotFoundException(Optional.empty(), message);
  }

  /** The field of the command that named the missing resource, when one did. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
