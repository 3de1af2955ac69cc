package io.credflow.authclient;

import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code oauth2}: an authorization-code client at one provider. {@code refreshTokenLifetime} is how
 * many seconds the provider's refresh tokens live when its token responses do not say ({@code
 * refresh_token_lifetime}); {@code clientSecretExpiresAt} when the client secret stops working
 * ({@code client_secret_expires_at}): both only warn ahead of time, nothing is refused by them.
 */
public record OAuth2Settings(
    String clientId,
    Secret clientSecret,
    URI authUri,
    URI tokenUri,
    Optional<URI> refreshTokenUri,
    long tokenExpiresIn,
    Optional<URI> revocationUri,
    ClientAuth clientAuth,
    boolean pkce,
    Optional<List<String>> scopes,
    Map<String, String> extraAuthParams,
    Optional<TokenExpiredWhen> tokenExpiredWhen,
    Optional<VerifyRequest> verifyRequest,
    Optional<Long> refreshTokenLifetime,
    Optional<Instant> clientSecretExpiresAt)
    implements OAuthSettings {
  /** Used when a token response has no {@code expires_in} and the auth-client sets none. */
  public static final long DEFAULT_TOKEN_EXPIRES_IN = 3600;

  public OAuth2Settings {
    extraAuthParams = Map.copyOf(extraAuthParams);
    scopes = scopes.map(List::copyOf);
  }

  /**
   * Settings without {@code token_expired_when}, a verify request, a refresh token lifetime or a
   * client secret expiry.
   */
  public OAuth2Settings(
      String clientId,
      Secret clientSecret,
      URI authUri,
      URI tokenUri,
      Optional<URI> refreshTokenUri,
      long tokenExpiresIn,
      Optional<URI> revocationUri,
      ClientAuth clientAuth,
      boolean pkce,
      Optional<List<String>> scopes,
      Map<String, String> extraAuthParams) {
    this(
        clientId,
        clientSecret,
        authUri,
        tokenUri,
        refreshTokenUri,
        tokenExpiresIn,
        revocationUri,
        clientAuth,
        pkce,
        scopes,
        extraAuthParams,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
  public enum ClientAuth {
    POST("post"),
    BASIC("basic");

    private final String wireName;

    ClientAuth(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  /** Where refreshes go: {@code refresh_token_uri}, else {@code token_uri}. */
  public URI effectiveRefreshUri() {
    return refreshTokenUri.orElse(tokenUri);
  }

  @Override
  public AuthClientType type() {
    return AuthClientType.OAUTH2;
  }

  @Override
  public Map<String, Object> members() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("client_id", clientId);
    m.put("client_secret", clientSecret);
    m.put("auth_uri", authUri.toString());
    m.put("token_uri", tokenUri.toString());
    refreshTokenUri.ifPresent(u -> m.put("refresh_token_uri", u.toString()));
    m.put("token_expires_in", tokenExpiresIn);
    revocationUri.ifPresent(u -> m.put("revocation_uri", u.toString()));
    m.put("client_auth", clientAuth.wireName());
    m.put("pkce", pkce);
    scopes.ifPresent(s -> m.put("scopes", s));
    if (!extraAuthParams.isEmpty()) {
      m.put("extra_auth_params", new LinkedHashMap<>(extraAuthParams));
    }
    tokenExpiredWhen.ifPresent(t -> m.put("token_expired_when", t.members()));
    verifyRequest.ifPresent(v -> m.put(SettingsParser.VERIFY_REQUEST, v.reader()));
    refreshTokenLifetime.ifPresent(l -> m.put(SettingsParser.REFRESH_TOKEN_LIFETIME, l));
    clientSecretExpiresAt.ifPresent(
        e -> m.put(SettingsParser.CLIENT_SECRET_EXPIRES_AT, e.toString()));
    return m;
  }
}
