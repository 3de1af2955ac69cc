package io.credflow.oauth;

import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.Secret;
import java.net.URI;
import java.util.Optional;

/**
 * The calls Credflow makes to token endpoints. Only transport failures are outcomes of type {@link
 * TokenOutcome.Unavailable}; HTTP statuses are data (docs/style.md 7).
 */
public interface TokenClient {
  /** Authorization code grant, with the verifier when PKCE was used. */
  TokenOutcome exchangeCode(
      OAuth2Settings client, String code, URI redirectUri, Optional<Secret> codeVerifier);

  /** Refresh token grant at the auth-client's refresh endpoint. */
  TokenOutcome refresh(OAuth2Settings client, Secret refreshToken);

  /** Instagram: code -> short-lived token. */
  TokenOutcome instagramCode(InstagramSettings client, String code, URI redirectUri);

  /** Instagram: short-lived -> long-lived token (ig_exchange_token). */
  TokenOutcome instagramExchange(InstagramSettings client, Secret shortLivedToken);

  /** Instagram: long-lived -> new long-lived token (ig_refresh_token). */
  TokenOutcome instagramRefresh(InstagramSettings client, Secret longLivedToken);

  /** RFC 7009 revocation; true when the provider answered 200. */
  boolean revoke(OAuth2Settings client, URI revocationUri, Secret token, String tokenTypeHint);
}
