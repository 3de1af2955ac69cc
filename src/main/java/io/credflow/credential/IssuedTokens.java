package io.credflow.credential;

import java.time.Instant;
import java.util.Optional;

/**
 * Tokens a provider issued for a credential, with their expiry and granted scope, and when the
 * refresh token expires where the provider said so ({@code refresh_token_expires_in}).
 */
public record IssuedTokens(
    CredentialSecrets.Tokens tokens,
    Optional<Instant> expiresAt,
    Optional<String> scope,
    Optional<Instant> refreshTokenExpiresAt) {
  /** Tokens whose refresh token's expiry the provider did not say. */
  public IssuedTokens(
      CredentialSecrets.Tokens tokens, Optional<Instant> expiresAt, Optional<String> scope) {
    this(tokens, expiresAt, scope, Optional.empty());
  }
}
