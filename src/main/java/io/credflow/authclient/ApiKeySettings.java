package io.credflow.authclient;

import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code api_key}: the header (or query parameter) that carries the key, and optionally a key
 * shared by every credential that brings none of its own.
 */
public record ApiKeySettings(
    String name, Optional<Secret> value, Placement in, Optional<VerifyRequest> verifyRequest)
    implements AuthClientSettings {
  /** Without a verify request. */
  public ApiKeySettings(String name, Optional<Secret> value, Placement in) {
    this(name, value, in, Optional.empty());
  }

  /** Where the key travels. */
  public enum Placement {
    HEADER("header"),
    QUERY("query");

    private final String wireName;

    Placement(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  @Override
  public AuthClientType type() {
    return AuthClientType.API_KEY;
  }

  @Override
  public Map<String, Object> members() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    value.ifPresent(v -> m.put("value", v));
    m.put("in", in.wireName());
    verifyRequest.ifPresent(v -> m.put(SettingsParser.VERIFY_REQUEST, v.reader()));
    return m;
  }
}
