package io.credflow.authclient;

import io.credflow.component.AuthClientType;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code credentials} attribute of an auth-client, one record per type. {@link #members()} is
 * the wire form: member name to value, with secret members as {@link io.credflow.common.Secret} (so
 * every writer must decide to mask or encrypt them) and absent optional members left out.
 */
public sealed interface AuthClientSettings
    permits NoAuthSettings, BasicSettings, ApiKeySettings, OAuthSettings {
  AuthClientType type();

  Map<String, Object> members();

  /** The request that checks its credentials work, if it has one. */
  default Optional<VerifyRequest> verifyRequest() {
    return Optional.empty();
  }
}
