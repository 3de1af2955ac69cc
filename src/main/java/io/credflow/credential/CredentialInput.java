package io.credflow.credential;

import io.credflow.authclient.AuthClientSettings;
import io.credflow.common.Secret;
import java.util.Optional;

/**
 * What a request brings to fill a credential: nothing, a password, an API key, tokens obtained
 * elsewhere, or the state (and perhaps the code) of an Authenticate round trip whose code is to be
 * redeemed. Read with {@link CredentialInputParser}; secrets print as the mask.
 */
public sealed interface CredentialInput {
  /** {@code noauth}: nothing to keep. */
  record None() implements CredentialInput {}

  /** {@code basic}: the user name (given, kept or defaulted) and the password. */
  record Basic(String username, Secret password) implements CredentialInput {}

  /** {@code api_key}: the credential's own key, or empty to use the auth-client's shared one. */
  record ApiKey(Optional<Secret> value) implements CredentialInput {}

  /** OAuth2 tokens imported as they are, valid for {@code expiresIn} seconds from now. */
  record Tokens(
      Secret accessToken, Optional<Secret> refreshToken, long expiresIn, Optional<String> scope)
      implements CredentialInput {}

  /**
   * The round trip named by {@code state}, whose code the provider sent to the callback, or which
   * the request brings itself ({@code code}).
   */
  record Authenticate(Secret state, Optional<Secret> code) implements CredentialInput {}

  /**
   * Reads a request's input once the auth-client it is for is known: its type decides the input's
   * shape, and its settings some defaults. A credential service calls it after the access checks,
   * so that a request with several faults reports them in the same order as ever.
   */
  @FunctionalInterface
  interface Source {
    /**
     * The input for an auth-client with {@code settings}; {@code storedUsername} is the user name
     * of the basic credential being changed, if any.
     *
     * @throws io.credflow.common.ValidationException naming every member to fix
     */
    CredentialInput read(AuthClientSettings settings, Optional<String> storedUsername);
  }
}
