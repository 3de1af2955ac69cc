package io.credflow.oauth;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import io.credflow.authclient.InstagramSettings;
import io.credflow.common.Secret;
import io.credflow.common.SecretMask;
import io.credflow.credential.CredentialSecrets;
import io.credflow.logging.Redaction;
import io.credflow.outbound.OutboundHttp;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Instagram's dialect: comma-separated scopes and no PKCE; a code gives a short-lived token that is
 * exchanged at once for a long-lived one (only that one is stored); refreshes are GETs with the
 * token in the query, refused for tokens younger than 24 hours; errors come as Graph errors, 190
 * meaning a dead token.
 */
public record InstagramProvider(InstagramSettings settings, TokenHttp http)
    implements OAuthProvider {
  /** Instagram refuses to refresh a long-lived token younger than this. */
  public static final Duration MIN_AGE = Duration.ofHours(24);

  @Override
  public boolean usesPkce() {
    return false;
  }

  @Override
  public URI authorizeUrl(AuthorizeRequest request) {
    Map<String, String> params = AuthorizeUrls.common(settings, request, ",");
    return AuthorizeUrls.withQuery(settings.authUri(), params);
  }

  @Override
  public TokenOutcome exchangeCode(Secret code, URI redirectUri, Optional<Secret> codeVerifier) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("client_id", settings.clientId());
    form.put("client_secret", settings.clientSecret().reveal());
    form.put("grant_type", "authorization_code");
    form.put("redirect_uri", redirectUri.toString());
    form.put("code", code.reveal());
    String endpoint = "Instagram at " + OutboundHttp.describe(settings.tokenUri());
    SecretMask mask = SecretMask.of(List.of(settings.clientSecret().reveal(), code.reveal()));
    TokenOutcome shortLived =
        answer(http.postForm(settings.tokenUri(), form, endpoint), endpoint, mask);
    if (!(shortLived instanceof TokenOutcome.Issued issued)) {
      return shortLived;
    }
    // The short-lived token is exchanged at once and never stored.
    Map<String, String> query = new LinkedHashMap<>();
    query.put("grant_type", "ig_exchange_token");
    query.put("client_secret", settings.clientSecret().reveal());
    query.put("access_token", issued.accessToken().reveal());
    return graphGet(
        settings.exchangeUri(), query, mask.and(List.of(issued.accessToken().reveal())));
  }

  @Override
  public RefreshAttempt refresh(RefreshRequest request) {
    Instant oldEnough = earliestRefresh(request.tokenIssuedAt().get());
    if (request.now().isBefore(oldEnough)) {
      // Instagram refuses refreshes of tokens younger than 24 hours: never call it early.
      return new RefreshAttempt.NotYet(Optional.of(oldEnough));
    }
    if (request.expiresAt().map(e -> e.isBefore(request.now())).orElse(false)) {
      return new RefreshAttempt.Impossible(
          "instagram_token_expired",
          "the long-lived Instagram token expired before it could be refreshed: authenticate"
              + " again");
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("grant_type", "ig_refresh_token");
    query.put("access_token", request.tokens().accessToken().reveal());
    SecretMask mask =
        SecretMask.of(
            List.of(settings.clientSecret().reveal(), request.tokens().accessToken().reveal()));
    return new RefreshAttempt.Called(graphGet(settings.refreshUri(), query, mask));
  }

  @Override
  public Instant earliestRefresh(Instant issuedAt) {
    return issuedAt.plus(MIN_AGE);
  }

  @Override
  public Optional<Boolean> revoke(CredentialSecrets.Tokens tokens) {
    return Optional.empty();
  }

  private TokenOutcome graphGet(URI base, Map<String, String> query, SecretMask mask) {
    String endpoint = "Instagram at " + OutboundHttp.describe(base);
    return answer(http.get(base, query, endpoint), endpoint, mask);
  }

  /**
   * Reads an Instagram answer: a token, a Graph error, or nothing usable. Instagram's error texts
   * may quote what was sent, so every secret of the exchange is masked out of them.
   */
  private static TokenOutcome answer(TokenHttp.Reply reply, String endpoint, SecretMask mask) {
    TokenHttp.Answered response;
    switch (reply) {
      case TokenHttp.Answered a -> response = a;
      case TokenHttp.NoAnswer none -> {
        return none.outcome();
      }
    }
    int status = response.status();
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(response.body());
    } catch (ParseException e) {
      return new TokenOutcome.Unavailable(endpoint + " answered HTTP " + status + " without JSON");
    }
    if (status == 200 && json.get("access_token") instanceof String token && !token.isEmpty()) {
      Optional<Long> expiresIn =
          json.get("expires_in") instanceof Number n
              ? Optional.of(n.longValue())
              : Optional.empty();
      return new TokenOutcome.Issued(
          Secret.of(token), Optional.empty(), expiresIn, Optional.empty());
    }
    Optional<OAuthError> error = error(json, mask);
    if (status >= 500
        || error.isEmpty()
        || error.get().code().equals(OAuthError.TEMPORARILY_UNAVAILABLE)) {
      return new TokenOutcome.Unavailable(
          endpoint
              + " answered HTTP "
              + status
              + error.map(e -> " (" + e.describe() + ")").orElse(""));
    }
    return new TokenOutcome.Refused(error.get(), status);
  }

  /**
   * Graph error codes that say the call may work later: unknown and service errors, and the rate
   * limits (application, user, page, and the throttles of older API versions).
   */
  private static final Set<Integer> TRANSIENT_GRAPH_CODES = Set.of(1, 2, 4, 17, 32, 341, 613);

  /** Graph error 101: the application (client id and secret) did not validate. */
  private static final int GRAPH_INVALID_APPLICATION = 101;

  /**
   * What Instagram's error means, in OAuth terms: Graph errors ({@code {"error":{"code":190,…}}})
   * by their code, and the Basic Display form ({@code {"error_type":"OAuthException","code":400,
   * "error_message":…}}) by its message, which is the only place it says whether the client or the
   * code was refused.
   */
  private static Optional<OAuthError> error(Map<String, Object> json, SecretMask mask) {
    Object nested = json.get("error");
    if (nested instanceof Map<?, ?> error) {
      String message =
          error.get("message") instanceof String s ? mask.apply(Redaction.redact(s)) : null;
      if (!(error.get("code") instanceof Number number)) {
        return Optional.of(OAuthError.of("graph_error", message));
      }
      int code = number.intValue();
      if (code == 190) {
        return Optional.of(OAuthError.of(OAuthError.GRAPH_INVALID_TOKEN, message));
      }
      if (code == GRAPH_INVALID_APPLICATION || namesTheClient(message)) {
        return Optional.of(OAuthError.of(OAuthError.INVALID_CLIENT, message));
      }
      if (TRANSIENT_GRAPH_CODES.contains(code)) {
        return Optional.of(OAuthError.of(OAuthError.TEMPORARILY_UNAVAILABLE, message));
      }
      return Optional.of(OAuthError.of("graph_" + code, message));
    }
    if (json.get("error_type") instanceof String type) {
      String message =
          json.get("error_message") instanceof String s ? mask.apply(Redaction.redact(s)) : type;
      // A refused client is the auth-client's configuration; anything else refuses the code
      // (used, expired, another redirect), which is a dead grant.
      return Optional.of(
          OAuthError.of(
              namesTheClient(message) ? OAuthError.INVALID_CLIENT : OAuthError.INVALID_GRANT,
              message));
    }
    return Optional.empty();
  }

  /**
   * Whether Instagram's message refuses the client rather than the code or token: a wrong client
   * secret ("Error validating client secret."), an unknown app or client id ("Invalid platform
   * app"). Phrases, not member names: a message that merely quotes the request's client_id says
   * nothing about it.
   */
  private static boolean namesTheClient(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("client secret")
        || m.contains("invalid client")
        || m.contains("platform app")
        || m.contains("validating application");
  }
}
