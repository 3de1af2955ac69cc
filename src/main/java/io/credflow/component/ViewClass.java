package io.credflow.component;

import java.util.Arrays;
import java.util.Optional;

/** How the platform's UI shows a component's credential fields. */
public enum ViewClass {
  /** Any HTTP authorization; does not support {@code oauth2_instagram}. */
  HTTP_AUTH_VIEW("HTTPAuthView"),
  /** OAuth only; its scopes come from the descriptor's {@code credentials.oauth2.scopes}. */
  OAUTH_FIELD_VIEW("OAuthFieldView");

  private final String wireName;

  ViewClass(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<ViewClass> fromWireName(String name) {
    return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
  }
}
