package io.credflow.oauth;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
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
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.Secret;
import io.credflow.logging.Redaction;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Token endpoint calls: Nimbus builds and parses the OAuth2 messages, {@link HttpClient} carries
 * them. Instagram's non-standard endpoints are spoken by hand. Nothing here logs or returns a token
 * outside an {@link TokenOutcome.Issued}.
 */
public final class HttpTokenClient implements TokenClient {
  /** Token endpoint calls give up after this; leases are longer. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final int MAX_RESPONSE_CHARS = 64 * 1024;

  private final HttpClient http;
  private final Duration timeout;

  private HttpTokenClient(HttpClient http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  public static HttpTokenClient create(Duration timeout) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new HttpTokenClient(http, timeout);
  }

  @Override
  public TokenOutcome exchangeCode(
      OAuth2Settings client, String code, URI redirectUri, Optional<Secret> codeVerifier) {
    AuthorizationGrant grant =
        new AuthorizationCodeGrant(
            new AuthorizationCode(code),
            redirectUri,
            codeVerifier.map(v -> new CodeVerifier(v.reveal())).orElse(null));
    return token(new TokenRequest(client.tokenUri(), authentication(client), grant));
  }

  @Override
  public TokenOutcome refresh(OAuth2Settings client, Secret refreshToken) {
    // No scope: a refresh never asks for more than was granted (RFC 6749 §6).
    TokenRequest request =
        new TokenRequest(
            client.effectiveRefreshUri(),
            authentication(client),
            new RefreshTokenGrant(new RefreshToken(refreshToken.reveal())));
    return token(request);
  }

  @Override
  public boolean revoke(
      OAuth2Settings client, URI revocationUri, Secret token, String tokenTypeHint) {
    com.nimbusds.oauth2.sdk.token.Token revocable =
        tokenTypeHint.equals("refresh_token")
            ? new RefreshToken(token.reveal())
            : new com.nimbusds.oauth2.sdk.token.BearerAccessToken(token.reveal());
    HTTPRequest request =
        new TokenRevocationRequest(revocationUri, authentication(client), revocable)
            .toHTTPRequest();
    return send(request).map(r -> r.statusCode() == 200).orElse(false);
  }

  static ClientAuthentication authentication(OAuth2Settings client) {
    ClientID id = new ClientID(client.clientId());
    com.nimbusds.oauth2.sdk.auth.Secret secret =
        new com.nimbusds.oauth2.sdk.auth.Secret(client.clientSecret().reveal());
    return switch (client.clientAuth()) {
      case POST -> new ClientSecretPost(id, secret);
      case BASIC -> new ClientSecretBasic(id, secret);
    };
  }

  private TokenOutcome token(TokenRequest request) {
    HTTPRequest nimbus = request.toHTTPRequest();
    Optional<HttpResponse<String>> sent;
    try {
      sent = sendOrThrow(nimbus);
    } catch (HttpTimeoutException e) {
      return new TokenOutcome.Unavailable(
          "the token endpoint " + where(nimbus.getURI()) + " timed out");
    } catch (IOException e) {
      return new TokenOutcome.Unavailable(
          "the token endpoint "
              + where(nimbus.getURI())
              + " could not be reached: "
              + e.getClass().getSimpleName());
    }
    if (sent.isEmpty()) {
      return new TokenOutcome.Unavailable("the token call was interrupted");
    }
    HttpResponse<String> response = sent.get();
    int status = response.statusCode();
    try {
      HTTPResponse parsed = new HTTPResponse(status);
      parsed.setContentType(
          response.headers().firstValue("Content-Type").orElse("application/json"));
      parsed.setBody(limit(response.body()));
      TokenResponse tokenResponse = TokenResponse.parse(parsed);
      if (tokenResponse instanceof TokenErrorResponse error) {
        return refusal(error.getErrorObject(), status);
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
          Optional.ofNullable(tokens.getAccessToken().getScope()).map(Object::toString));
    } catch (ParseException | ClassCastException e) {
      return new TokenOutcome.Unavailable(
          "the token endpoint "
              + where(nimbus.getURI())
              + " answered HTTP "
              + status
              + " without a token response");
    }
  }

  private static TokenOutcome refusal(ErrorObject error, int status) {
    String code = error.getCode() == null ? "invalid_response" : error.getCode();
    if (status >= 500 || code.equals(OAuthError.TEMPORARILY_UNAVAILABLE)) {
      return new TokenOutcome.Unavailable(
          "the token endpoint answered HTTP " + status + " " + code);
    }
    return new TokenOutcome.Refused(
        new OAuthError(
            code,
            Optional.ofNullable(error.getDescription()).map(Redaction::redact),
            Optional.ofNullable(error.getURI()).map(URI::toString)),
        status);
  }

  // Instagram speaks its own dialect: plain forms and GETs with the secret in the query.

  @Override
  public TokenOutcome instagramCode(InstagramSettings client, String code, URI redirectUri) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("client_id", client.clientId());
    form.put("client_secret", client.clientSecret().reveal());
    form.put("grant_type", "authorization_code");
    form.put("redirect_uri", redirectUri.toString());
    form.put("code", code);
    HttpRequest request =
        HttpRequest.newBuilder(client.tokenUri())
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
            .build();
    return instagram(request, client.tokenUri());
  }

  @Override
  public TokenOutcome instagramExchange(InstagramSettings client, Secret shortLivedToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("grant_type", "ig_exchange_token");
    query.put("client_secret", client.clientSecret().reveal());
    query.put("access_token", shortLivedToken.reveal());
    return instagram(get(client.exchangeUri(), query), client.exchangeUri());
  }

  @Override
  public TokenOutcome instagramRefresh(InstagramSettings client, Secret longLivedToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("grant_type", "ig_refresh_token");
    query.put("access_token", longLivedToken.reveal());
    return instagram(get(client.refreshUri(), query), client.refreshUri());
  }

  private HttpRequest get(URI base, Map<String, String> query) {
    String separator = base.getQuery() == null ? "?" : "&";
    return HttpRequest.newBuilder(URI.create(base + separator + encode(query)))
        .timeout(timeout)
        .header("Accept", "application/json")
        .GET()
        .build();
  }

  private TokenOutcome instagram(HttpRequest request, URI endpoint) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      return new TokenOutcome.Unavailable("Instagram at " + where(endpoint) + " timed out");
    } catch (IOException e) {
      return new TokenOutcome.Unavailable(
          "Instagram at "
              + where(endpoint)
              + " could not be reached: "
              + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TokenOutcome.Unavailable("the Instagram call was interrupted");
    }
    int status = response.statusCode();
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(limit(response.body()));
    } catch (ParseException e) {
      return new TokenOutcome.Unavailable(
          "Instagram at " + where(endpoint) + " answered HTTP " + status + " without JSON");
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
      return new TokenOutcome.Unavailable(
          "Instagram at " + where(endpoint) + " answered HTTP " + status);
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

  private Optional<HttpResponse<String>> send(HTTPRequest nimbus) {
    try {
      return sendOrThrow(nimbus);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Optional<HttpResponse<String>> sendOrThrow(HTTPRequest nimbus) throws IOException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(nimbus.getURI())
            .timeout(timeout)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    nimbus.getBody() == null ? "" : nimbus.getBody()));
    Map<String, List<String>> headers = nimbus.getHeaderMap();
    headers.forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
    if (!headers.containsKey("Accept")) {
      builder.header("Accept", "application/json");
    }
    try {
      return Optional.of(http.send(builder.build(), HttpResponse.BodyHandlers.ofString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String limit(String body) {
    return body.length() > MAX_RESPONSE_CHARS ? body.substring(0, MAX_RESPONSE_CHARS) : body;
  }

  /** Scheme, host and path: never the query, which may carry a secret. */
  static String where(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getAuthority()
        + (uri.getPath() == null ? "" : uri.getPath());
  }

  private static String encode(Map<String, String> params) {
    return params.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
