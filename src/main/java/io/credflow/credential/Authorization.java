package io.credflow.credential;

import io.credflow.common.Secret;

/** What a credential adds to a request; the value is secret and masked wherever it is shown. */
public sealed interface Authorization {
  /** Nothing to add ({@code noauth}). */
  record None() implements Authorization {}

  /**
   * A header: {@code name: value}. {@code maskedValue} is what reads show, e.g. {@code Bearer
   * ********}.
   */
  record Header(String name, Secret value, String maskedValue) implements Authorization {}

  /** A query parameter ({@code api_key} with {@code in: query}; Instagram's access_token). */
  record QueryParameter(String name, Secret value) implements Authorization {}
}
