package io.credflow.oauth;

import io.credflow.common.Secret;
import java.util.Optional;

/** What a call to a token endpoint gave: tokens, a refusal, or no usable answer at all. */
public sealed interface TokenOutcome {
  /** New tokens; absent members were absent from the response. */
  record Issued(
      Secret accessToken,
      Optional<Secret> refreshToken,
      Optional<Long> expiresIn,
      Optional<String> scope)
      implements TokenOutcome {}

  /** The provider refused with an error ({@code invalid_grant}, Graph 190, …). */
  record Refused(OAuthError error, int httpStatus) implements TokenOutcome {}

  /**
   * No usable answer: network error, timeout, 5xx, {@code temporarily_unavailable}, or a response
   * that is not a token response. Worth retrying later.
   */
  record Unavailable(String reason) implements TokenOutcome {}
}
