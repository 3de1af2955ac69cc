package io.credflow.common;

import java.util.Objects;

/**
 * One validation failure: the JSON pointer of the member at fault (relative to the request
 * document), a stable code, and a sentence saying what to fix.
 */
public record Violation(String pointer, String code, String detail) {
  public Violation {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(detail, "detail");
  }
}
