package io.credflow.common;

import java.util.Objects;

/**
 * One validation failure: the {@link Field field} at fault (a logical path such as {@code
 * credentials/client_id}, never a position in a request document), a stable code, and a sentence
 * saying what to fix.
 */
public record Violation(String field, String code, String detail) {
  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(detail, "detail");
  }
}
