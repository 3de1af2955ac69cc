package io.credflow.authclient;

import io.credflow.common.Secret;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The settings of an auth-client that authenticates with an OAuth2 provider: {@code oauth2} or
 * {@code oauth2_instagram}. The OAuth layer picks one provider strategy per record; what every such
 * client has is here.
 */
public sealed interface OAuthSettings extends AuthClientSettings
    permits OAuth2Settings, InstagramSettings {
  String clientId();

  Secret clientSecret();

  /** Where the user's browser signs in. */
  URI authUri();

  /** Where codes are redeemed. */
  URI tokenUri();

  /** Seconds an access token lives when the provider's answer does not say. */
  long tokenExpiresIn();

  /** The auth-client's own scopes; empty means the component's. */
  Optional<List<String>> scopes();

  /**
   * How its APIs signal an expired token besides a {@code 401} ({@code token_expired_when}); empty
   * when they do not.
   */
  Optional<TokenExpiredWhen> tokenExpiredWhen();
}
