package io.credflow.authclient;

import io.credflow.component.AuthClientType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code basic}: the user name its credentials get when they bring none ({@code name}), and the
 * request that checks them, if any.
 */
public record BasicSettings(Optional<String> defaultUsername, Optional<VerifyRequest> verifyRequest)
    implements AuthClientSettings {
  /** Without a verify request. */
  public BasicSettings(Optional<String> defaultUsername) {
    this(defaultUsername, Optional.empty());
  }

  @Override
  public AuthClientType type() {
    return AuthClientType.BASIC;
  }

  @Override
  public Map<String, Object> members() {
    Map<String, Object> m = new LinkedHashMap<>();
    defaultUsername.ifPresent(n -> m.put("name", n));
    verifyRequest.ifPresent(v -> m.put(SettingsParser.VERIFY_REQUEST, v.reader()));
    return m;
  }
}
