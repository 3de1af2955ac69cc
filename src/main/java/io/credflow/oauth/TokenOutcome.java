package io.credflow.oauth;

import io.credflow.common.Secret;
import io.credflow.outbound.OutboundRefusedException;
import java.util.Optional;

/** What a call to a token endpoint gave: tokens, a refusal, or no usable answer at all. */
public sealed interface TokenOutcome {
  /**
   * New tokens; absent members were absent from the response. {@code refreshTokenExpiresIn} is the
   * refresh token's lifetime in seconds where the provider says ({@code refresh_token_expires_in},
   * or Intuit's {@code x_refresh_token_expires_in}).
   */
  record Issued(
      Secret accessToken,
      Optional<Secret> refreshToken,
      Optional<Long> expiresIn,
      Optional<String> scope,
      Optional<Long> refreshTokenExpiresIn)
      implements TokenOutcome {
    /** Tokens whose response says nothing of the refresh token's lifetime. */
    public Issued(
        Secret accessToken,
        Optional<Secret> refreshToken,
        Optional<Long> expiresIn,
        Optional<String> scope) {
      this(accessToken, refreshToken, expiresIn, scope, Optional.empty());
    }
  }

  /** The provider refused with an error ({@code invalid_grant}, Graph 190, …). */
  record Refused(OAuthError error, int httpStatus) implements TokenOutcome {}

  /**
   * No usable answer: network error, timeout, 5xx, {@code temporarily_unavailable}, or a response
   * that is not a token response. Worth retrying later.
   */
  record Unavailable(String reason) implements TokenOutcome {}

  /**
   * Not sent: the endpoint's address is one Credflow does not connect to (docs/security.md,
   * requirement 17). Only the auth-client's configuration (or the server's {@code
   * --allow-private-network}) can change that, so it is not retried like {@link Unavailable}.
   */
  record Blocked(OutboundRefusedException refusal) implements TokenOutcome {}
}
