package io.credflow.component;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The five kinds of authorization a component may accept, spelled exactly as in {@code
 * component.json} and the auth-client body. Closed: every switch over it is exhaustive.
 */
public enum AuthClientType {
  NOAUTH("noauth"),
  BASIC("basic"),
  API_KEY("api_key"),
  OAUTH2("oauth2"),
  OAUTH2_INSTAGRAM("oauth2_instagram");

  private final String wireName;

  AuthClientType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The type spelled exactly {@code name} (case and spelling matter); empty for anything else. */
  public static Optional<AuthClientType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(AuthClientType::wireName).toList();
  }

  public boolean isOAuth() {
    return this == OAUTH2 || this == OAUTH2_INSTAGRAM;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
