package io.credflow.oauth;

import io.credflow.authclient.OAuthSettings;
import io.credflow.common.Secret;
import io.credflow.credential.CredentialSecrets;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One OAuth provider's dialect: how its authorize URL looks, how a code becomes the tokens Credflow
 * stores, how those tokens are refreshed and revoked. One implementation per kind of auth-client
 * settings, chosen by {@link OAuthProviders#of}; adding a provider means one implementation and its
 * line there. The lifecycle around these calls (single flight, leases, fencing, states, events) is
 * the same for every provider and lives elsewhere.
 */
public sealed interface OAuthProvider permits GenericOAuth2Provider, InstagramProvider {
  /** The settings this provider speaks for. */
  OAuthSettings settings();

  /** Whether a round trip makes a PKCE verifier (its challenge goes into the authorize URL). */
  boolean usesPkce();

  /** What an authorize URL is made of. {@code componentScopes} serve when the client has none. */
  record AuthorizeRequest(
      Secret state, URI redirectUri, Optional<Secret> codeVerifier, List<String> componentScopes) {}

  /** Where to send the user's browser to sign in. */
  URI authorizeUrl(AuthorizeRequest request);

  /**
   * Redeems a code for the tokens to store (Instagram: the long-lived token, after exchanging the
   * short-lived one at once). Any failure is an outcome, never an exception.
   */
  TokenOutcome exchangeCode(Secret code, URI redirectUri, Optional<Secret> codeVerifier);

  /**
   * A credential's tokens, as a refresh needs them. When they were issued is read only by a
   * provider that asks ({@code tokenIssuedAt} reads the schedule).
   */
  record RefreshRequest(
      CredentialSecrets.Tokens tokens,
      Supplier<Instant> tokenIssuedAt,
      Optional<Instant> expiresAt,
      Instant now) {}

  /** Refreshes the tokens now, or says why not (too early for this provider, or impossible). */
  RefreshAttempt refresh(RefreshRequest request);

  /** What a refresh did: called the provider, or found it must not (yet). */
  sealed interface RefreshAttempt {
    /** The provider was called; this is what it answered. */
    record Called(TokenOutcome outcome) implements RefreshAttempt {}

    /** Nothing was called: the tokens stay as they are until {@code at} (for good, when empty). */
    record NotYet(Optional<Instant> at) implements RefreshAttempt {}

    /** Nothing can refresh these tokens: a person must authenticate again. */
    record Impossible(String code, String detail) implements RefreshAttempt {}
  }

  /**
   * The earliest a token issued at {@code issuedAt} may be refreshed proactively (Instagram refuses
   * tokens younger than 24 hours).
   */
  Instant earliestRefresh(Instant issuedAt);

  /**
   * Revokes the tokens at the provider (RFC 7009 where it has an endpoint): true when it confirmed,
   * false when it did not, empty when the provider offers no revocation.
   */
  Optional<Boolean> revoke(CredentialSecrets.Tokens tokens);
}
