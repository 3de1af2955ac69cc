package io.credflow.oauth;

import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.authclient.OAuthSettings;

/**
 * The registry of providers: the strategy for an auth-client's settings. A new provider is one
 * {@link OAuthProvider} implementation, its settings record, and one line here.
 */
public final class OAuthProviders {
  private final TokenHttp http;

  public OAuthProviders(TokenHttp http) {
    this.http = http;
  }

  /** The provider that speaks for {@code settings}. */
  public OAuthProvider of(OAuthSettings settings) {
    return switch (settings) {
      case OAuth2Settings s -> new GenericOAuth2Provider(s, http);
      case InstagramSettings s -> new InstagramProvider(s, http);
    };
  }
}
