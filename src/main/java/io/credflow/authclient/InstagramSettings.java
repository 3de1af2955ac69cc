package io.credflow.authclient;

import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code oauth2_instagram}: Instagram's code flow with its short-lived to long-lived token
 * exchange. The endpoints default to Instagram's and may be pointed elsewhere.
 */
public record InstagramSettings(
    String clientId,
    Secret clientSecret,
    URI authUri,
    URI tokenUri,
    URI exchangeUri,
    URI refreshUri,
    long tokenExpiresIn,
    Optional<List<String>> scopes,
    Optional<TokenExpiredWhen> tokenExpiredWhen,
    Optional<VerifyRequest> verifyRequest)
    implements OAuthSettings {
  public static final URI DEFAULT_AUTH_URI =
      URI.create("https://api.instagram.com/oauth/authorize");
  public static final URI DEFAULT_TOKEN_URI =
      URI.create("https://api.instagram.com/oauth/access_token");
  public static final URI DEFAULT_EXCHANGE_URI =
      URI.create("https://graph.instagram.com/access_token");
  public static final URI DEFAULT_REFRESH_URI =
      URI.create("https://graph.instagram.com/refresh_access_token");

  /** A long-lived Instagram token lives 60 days; used when a response has no expires_in. */
  public static final long DEFAULT_TOKEN_EXPIRES_IN = 60L * 24 * 3600;

  public InstagramSettings {
    scopes = scopes.map(List::copyOf);
  }

  /** Settings without {@code token_expired_when} or a verify request. */
  public InstagramSettings(
      String clientId,
      Secret clientSecret,
      URI authUri,
      URI tokenUri,
      URI exchangeUri,
      URI refreshUri,
      long tokenExpiresIn,
      Optional<List<String>> scopes) {
    this(
        clientId,
        clientSecret,
        authUri,
        tokenUri,
        exchangeUri,
        refreshUri,
        tokenExpiresIn,
        scopes,
        Optional.empty(),
        Optional.empty());
  }

  @Override
  public AuthClientType type() {
    return AuthClientType.OAUTH2_INSTAGRAM;
  }

  @Override
  public Map<String, Object> members() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("client_id", clientId);
    m.put("client_secret", clientSecret);
    m.put("auth_uri", authUri.toString());
    m.put("token_uri", tokenUri.toString());
    m.put("exchange_uri", exchangeUri.toString());
    m.put("refresh_uri", refreshUri.toString());
    m.put("token_expires_in", tokenExpiresIn);
    scopes.ifPresent(s -> m.put("scopes", s));
    tokenExpiredWhen.ifPresent(t -> m.put("token_expired_when", t.members()));
    verifyRequest.ifPresent(v -> m.put(SettingsParser.VERIFY_REQUEST, v.reader()));
    return m;
  }
}
