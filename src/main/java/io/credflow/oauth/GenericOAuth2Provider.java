package io.credflow.oauth;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.oauth2.sdk.token.Tokens;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.Secret;
import io.credflow.common.SecretMask;
import io.credflow.credential.CredentialSecrets;
import io.credflow.logging.Redaction;
import io.credflow.outbound.OutboundHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A standard OAuth2 provider (RFC 6749 with PKCE, RFC 7009 revocation): Nimbus builds and parses
 * the messages, {@link TokenHttp} carries them.
 */
public record GenericOAuth2Provider(OAuth2Settings settings, TokenHttp http)
    implements OAuthProvider {

  @Override
  public boolean usesPkce() {
    return settings.pkce();
  }

  @Override
  public URI authorizeUrl(AuthorizeRequest request) {
    Map<String, String> params = AuthorizeUrls.common(settings, request, " ");
    request
        .codeVerifier()
        .ifPresent(
            v -> {
              params.put("code_challenge", Pkce.challenge(v));
              params.put("code_challenge_method", "S256");
            });
    settings.extraAuthParams().forEach(params::putIfAbsent);
    return AuthorizeUrls.withQuery(settings.authUri(), params);
  }

  @Override
  public TokenOutcome exchangeCode(Secret code, URI redirectUri, Optional<Secret> codeVerifier) {
    AuthorizationCodeGrant grant =
        new AuthorizationCodeGrant(
            new AuthorizationCode(code.reveal()),
            redirectUri,
            codeVerifier.map(v -> new CodeVerifier(v.reveal())).orElse(null));
    Supplier<SecretMask> mask =
        () ->
            knownSecrets()
                .and(List.of(code.reveal()))
                .and(codeVerifier.map(v -> List.of(v.reveal())).orElse(List.of()));
    return token(
        new TokenRequest.Builder(settings.tokenUri(), authentication(), grant).build(), mask);
  }

  @Override
  public RefreshAttempt refresh(RefreshRequest request) {
    Optional<Secret> refreshToken = request.tokens().refreshToken();
    if (refreshToken.isEmpty()) {
      boolean expired =
          request.expiresAt().map(e -> e.isBefore(request.now().plusSeconds(1))).orElse(false);
      if (expired) {
        return new RefreshAttempt.Impossible(
            "no_refresh_token",
            "the access token expired and the provider issued no refresh token: authenticate the"
                + " credential again");
      }
      // Still valid: nothing to do until it expires; then it needs a person.
      return new RefreshAttempt.NotYet(request.expiresAt());
    }
    // No scope: a refresh never asks for more than was granted (RFC 6749 §6).
    TokenRequest token =
        new TokenRequest.Builder(
                settings.effectiveRefreshUri(),
                authentication(),
                new RefreshTokenGrant(new RefreshToken(refreshToken.get().reveal())))
            .build();
    Supplier<SecretMask> mask =
        () ->
            knownSecrets()
                .and(List.of(refreshToken.get().reveal(), request.tokens().accessToken().reveal()));
    return new RefreshAttempt.Called(token(token, mask));
  }

  @Override
  public Instant earliestRefresh(Instant issuedAt) {
    return issuedAt;
  }

  @Override
  public Optional<Boolean> revoke(CredentialSecrets.Tokens tokens) {
    if (settings.revocationUri().isEmpty()) {
      return Optional.empty();
    }
    URI uri = settings.revocationUri().get();
    // RFC 7009: revoke the refresh token (which ends its access tokens too), or the access token.
    Token revocable =
        tokens.refreshToken().isPresent()
            ? new RefreshToken(tokens.refreshToken().get().reveal())
            : new BearerAccessToken(tokens.accessToken().reveal());
    HTTPRequest request =
        new TokenRevocationRequest(uri, authentication(), revocable).toHTTPRequest();
    TokenHttp.Reply reply =
        http.send(request, "the revocation endpoint " + OutboundHttp.describe(uri));
    return Optional.of(reply instanceof TokenHttp.Answered a && a.status() == 200);
  }

  /** One client authentication per request: in the form, or Basic (RFC 6749 §2.3.1). */
  ClientAuthentication authentication() {
    ClientID id = new ClientID(settings.clientId());
    com.nimbusds.oauth2.sdk.auth.Secret secret =
        new com.nimbusds.oauth2.sdk.auth.Secret(settings.clientSecret().reveal());
    return switch (settings.clientAuth()) {
      case POST -> new ClientSecretPost(id, secret);
      case BASIC -> new ClientSecretBasic(id, secret);
    };
  }

  /**
   * The client's own secrets, in the forms they travel in: the secret, and the Basic pair of
   * form-encoded id and secret (RFC 6749 §2.3.1). A provider's error text may quote any of them.
   */
  private SecretMask knownSecrets() {
    String id = URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8);
    String secret = URLEncoder.encode(settings.clientSecret().reveal(), StandardCharsets.UTF_8);
    return SecretMask.of(List.of(settings.clientSecret().reveal()))
        .andBasicPair(id, Secret.of(secret));
  }

  /**
   * Calls the token endpoint. {@code mask} is built only when the answer is an error, the one case
   * with provider text to clean: building it compiles a pattern, which every refresh would pay.
   */
  private TokenOutcome token(TokenRequest request, Supplier<SecretMask> mask) {
    HTTPRequest nimbus = request.toHTTPRequest();
    String endpoint = "the token endpoint " + OutboundHttp.describe(nimbus.getURI());
    TokenHttp.Answered response;
    switch (http.send(nimbus, endpoint)) {
      case TokenHttp.Answered a -> response = a;
      case TokenHttp.NoAnswer none -> {
        return none.outcome();
      }
    }
    int status = response.status();
    try {
      HTTPResponse parsed = new HTTPResponse(status);
      parsed.setContentType(response.contentType().orElse("application/json"));
      parsed.setBody(response.body());
      TokenResponse tokenResponse = TokenResponse.parse(parsed);
      if (tokenResponse instanceof TokenErrorResponse error) {
        return refusal(error.getErrorObject(), status, mask.get());
      }
      Tokens tokens = ((AccessTokenResponse) tokenResponse).getTokens();
      if (!AccessTokenType.BEARER.equals(tokens.getAccessToken().getType())) {
        return new TokenOutcome.Refused(
            OAuthError.of("unsupported_token_type", "the provider issued a non-bearer token"),
            status);
      }
      long lifetime = tokens.getAccessToken().getLifetime();
      return new TokenOutcome.Issued(
          Secret.of(tokens.getAccessToken().getValue()),
          Optional.ofNullable(tokens.getRefreshToken()).map(t -> Secret.of(t.getValue())),
          lifetime > 0 ? Optional.of(lifetime) : Optional.empty(),
          Optional.ofNullable(tokens.getAccessToken().getScope()).map(Object::toString),
          refreshTokenLifetime(((AccessTokenResponse) tokenResponse).getCustomParameters()));
    } catch (ParseException | ClassCastException e) {
      return new TokenOutcome.Unavailable(
          endpoint + " answered HTTP " + status + " without a token response");
    }
  }

  /** The members that name a refresh token's lifetime, in the order they are read. */
  static final List<String> REFRESH_TOKEN_EXPIRES_IN =
      List.of("refresh_token_expires_in", "x_refresh_token_expires_in");

  /**
   * The refresh token's lifetime in seconds, where the response says: a positive whole number, or a
   * string of one (some providers quote their numbers). Anything else is ignored, as an unknown
   * member would be: it only moves a warning, and must never fail a token response.
   */
  static Optional<Long> refreshTokenLifetime(Map<String, Object> members) {
    for (String name : REFRESH_TOKEN_EXPIRES_IN) {
      Object value = members.get(name);
      Optional<Long> seconds = Optional.empty();
      if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        seconds = Optional.of(n.longValue());
      } else if (value instanceof String text && text.strip().matches("[0-9]{1,12}")) {
        seconds = Optional.of(Long.parseLong(text.strip()));
      }
      if (seconds.filter(s -> s > 0).isPresent()) {
        return seconds;
      }
    }
    return Optional.empty();
  }

  /**
   * A provider's error as a value. Its texts are the provider's, so every secret of the exchange is
   * masked out of them before anything stores, logs or answers them.
   */
  private static TokenOutcome refusal(ErrorObject error, int status, SecretMask mask) {
    String code =
        error.getCode() == null
            ? "invalid_response"
            : mask.apply(Redaction.redact(error.getCode()));
    if (status >= 500 || code.equals(OAuthError.TEMPORARILY_UNAVAILABLE)) {
      return new TokenOutcome.Unavailable(
          "the token endpoint answered HTTP " + status + " " + code);
    }
    return new TokenOutcome.Refused(
        new OAuthError(
            code,
            Optional.ofNullable(error.getDescription()).map(d -> mask.apply(Redaction.redact(d))),
            Optional.ofNullable(error.getURI()).map(u -> mask.apply(u.toString()))),
        status);
  }
}
