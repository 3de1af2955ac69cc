package io.credflow.authclient;

import io.credflow.component.AuthClientType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code basic}: the user name its credentials get when they bring none ({@code name}). */
public record BasicSettings(Optional<String> defaultUsername) implements AuthClientSettings {
  @Override
  public AuthClientType type() {
    return AuthClientType.BASIC;
  }

  @Override
  public Map<String, Object> members() {
    Map<String, Object> m = new LinkedHashMap<>();
    defaultUsername.ifPresent(n -> m.put("name", n));
    return m;
  }
}
