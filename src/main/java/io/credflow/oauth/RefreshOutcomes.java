package io.credflow.oauth;

import io.credflow.authclient.AuthClient;
import java.time.Instant;
import java.util.Optional;

/**
 * What a refresh attempt means for the credential, as docs/tokens.md's failure rules say: new
 * tokens are stored; a dead grant needs a person; a wrong client, a refused address or an
 * unavailable provider is retried with backoff (and the credential is in error once its token has
 * expired); an attempt the provider must not make yet is simply rescheduled. Pure: the writes that
 * carry a decision out are {@link RefreshService}'s.
 */
final class RefreshOutcomes {
  private RefreshOutcomes() {}

  /** What to do with the credential after an attempt. */
  sealed interface Decision {
    /** The provider issued tokens: store them. */
    record Store(TokenOutcome.Issued issued) implements Decision {}

    /** Nothing happened: try again at {@code at} (never, when empty). */
    record Reschedule(Optional<Instant> at) implements Decision {}

    /** Only a person can fix this: mark the credential and stop its schedule. */
    record NeedsReauth(String code, String detail) implements Decision {}

    /** Worth trying again later, with backoff. */
    record Retry(String code, String detail) implements Decision {}
  }

  static Decision decide(OAuthProvider.RefreshAttempt attempt, AuthClient authClient) {
    return switch (attempt) {
      case OAuthProvider.RefreshAttempt.NotYet n -> new Decision.Reschedule(n.at());
      case OAuthProvider.RefreshAttempt.Impossible i ->
          new Decision.NeedsReauth(i.code(), i.detail());
      case OAuthProvider.RefreshAttempt.Called c -> decide(c.outcome(), authClient);
    };
  }

  private static Decision decide(TokenOutcome outcome, AuthClient authClient) {
    return switch (outcome) {
      case TokenOutcome.Issued issued -> new Decision.Store(issued);
      case TokenOutcome.Refused refused -> refused(refused, authClient);
      case TokenOutcome.Unavailable unavailable ->
          new Decision.Retry("provider_unavailable", unavailable.reason());
      // The token endpoint is on an address Credflow does not call: like a wrong client secret, a
      // problem of the auth-client's configuration, retried with backoff so a fixed auth-client
      // (or a server restarted with --allow-private-network) recovers by itself.
      case TokenOutcome.Blocked blocked ->
          new Decision.Retry(
              "auth_client_misconfigured",
              blocked
                  .refusal()
                  .about("the token endpoint of " + describe(authClient) + " was not called")
                  .getMessage());
    };
  }

  private static Decision refused(TokenOutcome.Refused refused, AuthClient authClient) {
    OAuthError error = refused.error();
    if (error.meansReauthentication()) {
      return new Decision.NeedsReauth(
          error.code(),
          "the provider refused the refresh ("
              + error.describe()
              + "): the grant was revoked or expired; authenticate the credential again");
    }
    if (error.meansClientMisconfigured()) {
      return new Decision.Retry(
          "auth_client_misconfigured",
          "the provider refused "
              + describe(authClient)
              + " with "
              + error.describe()
              + ": fix its client_id/client_secret");
    }
    return new Decision.Retry(
        "refresh_refused",
        "the provider refused the refresh with "
            + error.describe()
            + " (HTTP "
            + refused.httpStatus()
            + ")");
  }

  private static String describe(AuthClient authClient) {
    return "auth-client " + authClient.id() + " (" + authClient.type().wireName() + ")";
  }
}
