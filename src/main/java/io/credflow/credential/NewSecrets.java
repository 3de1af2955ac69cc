package io.credflow.credential;

import java.time.Instant;
import java.util.Optional;

/**
 * Secrets to store in a credential, with their expiry and granted scope; {@code authenticated} when
 * they came from an Authenticate round trip, whose provider may have said when the refresh token
 * expires ({@code refreshTokenExpiresAt}).
 */
record NewSecrets(
    CredentialSecrets secrets,
    Optional<Instant> expiresAt,
    Optional<String> scope,
    boolean authenticated,
    Optional<Instant> refreshTokenExpiresAt) {
  NewSecrets(CredentialSecrets secrets) {
    this(secrets, Optional.empty(), Optional.empty(), false, Optional.empty());
  }

  NewSecrets(
      CredentialSecrets secrets,
      Optional<Instant> expiresAt,
      Optional<String> scope,
      boolean authenticated) {
    this(secrets, expiresAt, scope, authenticated, Optional.empty());
  }

  /** Tokens a provider issued at the end of a round trip. */
  static NewSecrets authenticated(IssuedTokens tokens) {
    return new NewSecrets(
        tokens.tokens(), tokens.expiresAt(), tokens.scope(), true, tokens.refreshTokenExpiresAt());
  }
}
