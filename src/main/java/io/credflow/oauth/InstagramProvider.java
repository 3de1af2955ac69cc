package io.credflow.oauth;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import io.credflow.authclient.InstagramSettings;
import io.credflow.common.Secret;
import io.credflow.credential.CredentialSecrets;
import io.credflow.logging.Redaction;
import io.credflow.outbound.OutboundHttp;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", settings.clientId());
    params.put("redirect_uri", request.redirectUri().toString());
    List<String> scopes = settings.scopes().orElse(request.componentScopes());
    if (!scopes.isEmpty()) {
      params.put("scope", String.join(",", scopes));
    }
    params.put("state", request.state().reveal());
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
    TokenOutcome shortLived = answer(http.postForm(settings.tokenUri(), form, endpoint), endpoint);
    if (!(shortLived instanceof TokenOutcome.Issued issued)) {
      return shortLived;
    }
    // The short-lived token is exchanged at once and never stored.
    Map<String, String> query = new LinkedHashMap<>();
    query.put("grant_type", "ig_exchange_token");
    query.put("client_secret", settings.clientSecret().reveal());
    query.put("access_token", issued.accessToken().reveal());
    return graphGet(settings.exchangeUri(), query);
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
    return new RefreshAttempt.Called(graphGet(settings.refreshUri(), query));
  }

  @Override
  public Instant earliestRefresh(Instant issuedAt) {
    return issuedAt.plus(MIN_AGE);
  }

  @Override
  public Optional<Boolean> revoke(CredentialSecrets.Tokens tokens) {
    return Optional.empty();
  }

  private TokenOutcome graphGet(URI base, Map<String, String> query) {
    String endpoint = "Instagram at " + OutboundHttp.describe(base);
    return answer(http.get(base, query, endpoint), endpoint);
  }

  /** Reads an Instagram answer: a token, a Graph error, or nothing usable. */
  private static TokenOutcome answer(TokenHttp.Reply reply, String endpoint) {
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
    Optional<OAuthError> error = graphError(json);
    if (status >= 500 || error.isEmpty()) {
      return new TokenOutcome.Unavailable(endpoint + " answered HTTP " + status);
    }
    return new TokenOutcome.Refused(error.get(), status);
  }

  /**
   * Graph errors ({@code {"error":{"code":190,…}}}) and the Basic Display form ({@code
   * {"error_type":"OAuthException","code":400,"error_message":…}}).
   */
  private static Optional<OAuthError> graphError(Map<String, Object> json) {
    Object nested = json.get("error");
    if (nested instanceof Map<?, ?> error) {
      String message = error.get("message") instanceof String s ? Redaction.redact(s) : null;
      if (error.get("code") instanceof Number code) {
        if (code.intValue() == 190) {
          return Optional.of(OAuthError.of(OAuthError.GRAPH_INVALID_TOKEN, message));
        }
        return Optional.of(OAuthError.of("graph_" + code.intValue(), message));
      }
      return Optional.of(OAuthError.of("graph_error", message));
    }
    if (json.get("error_type") instanceof String type) {
      String message = json.get("error_message") instanceof String s ? Redaction.redact(s) : type;
      // A code that cannot be redeemed (used, expired, wrong redirect) is a dead grant.
      return Optional.of(OAuthError.of(OAuthError.INVALID_GRANT, message));
    }
    return Optional.empty();
  }
}
