package io.credflow.oauth;

import java.util.Optional;

/**
 * An error a provider answered with (RFC 6749 §5.2, or Instagram's Graph error), carried as a
 * value. {@code description} is the provider's text, already redacted of anything token-shaped.
 */
public record OAuthError(String code, Optional<String> description, Optional<String> uri) {
  public static final String INVALID_GRANT = "invalid_grant";
  public static final String INVALID_CLIENT = "invalid_client";
  public static final String UNAUTHORIZED_CLIENT = "unauthorized_client";
  public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";

  /** Instagram's Graph error code for a dead token. */
  public static final String GRAPH_INVALID_TOKEN = "graph_190";

  public static OAuthError of(String code, String description) {
    return new OAuthError(code, Optional.ofNullable(description), Optional.empty());
  }

  /** The grant (code or refresh token) is dead: only a person can fix it by authenticating. */
  public boolean meansReauthentication() {
    return code.equals(INVALID_GRANT) || code.equals(GRAPH_INVALID_TOKEN);
  }

  /** The auth-client's id or secret is wrong: its configuration must be fixed. */
  public boolean meansClientMisconfigured() {
    return code.equals(INVALID_CLIENT) || code.equals(UNAUTHORIZED_CLIENT);
  }

  /** A short sentence for people: code and description. */
  public String describe() {
    return code + description.map(d -> " (" + d + ")").orElse("");
  }
}
