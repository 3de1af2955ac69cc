package io.credflow.common;

import java.util.List;

/** Input that is well formed but invalid; carries every violation found, not just the first. */
public final class ValidationException extends CredflowException {
  private final List<Violation> violations;

  public ValidationException(List<Violation> violations) {
    super(
        violations.isEmpty() ? "invalid" : violations.get(0).code(),
        violations.isEmpty() ? "invalid input" : violations.get(0).detail());
    this.violations = List.copyOf(violations);
  }

  /** One violation of {@code field} (see {@link Field}). */
  public ValidationException(String field, String code, String detail) {
    this(List.of(new Violation(field, code, detail)));
  }

  public List<Violation> violations() {
    return violations;
  }
}
