package io.credflow.authclient;

import io.credflow.component.AuthClientType;
import java.util.Map;

/** {@code noauth}: nothing to configure; the seed still requires an auth-client for it. */
public record NoAuthSettings() implements AuthClientSettings {
  @Override
  public AuthClientType type() {
    return AuthClientType.NOAUTH;
  }

  @Override
  public Map<String, Object> members() {
    return Map.of();
  }
}
