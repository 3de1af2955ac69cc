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
import io.credflow.outbound.OutboundHttp;
import io.credflow.outbound.OutboundRefusedException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Token endpoint calls: Nimbus builds and parses the OAuth2 messages, the guarded {@link
 * OutboundHttp} client carries them, so a token endpoint on a refused address is never called
 * ({@link TokenOutcome.Blocked}). Instagram's non-standard endpoints are spoken by hand. Nothing
 * here logs or returns a token outside an {@link TokenOutcome.Issued}.
 */
public final class HttpTokenClient implements TokenClient {
  /** Token endpoint calls give up after this; leases are longer. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Larger answers are not token responses; they are dropped unread. */
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private final OutboundHttp http;
  private final Duration timeout;

  private HttpTokenClient(OutboundHttp http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  /** Calls token endpoints on {@code http}, each call given up after {@code timeout}. */
  public static HttpTokenClient create(OutboundHttp http, Duration timeout) {
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
    return token(
        new TokenRequest.Builder(client.tokenUri(), authentication(client), grant).build());
  }

  @Override
  public TokenOutcome refresh(OAuth2Settings client, Secret refreshToken) {
    // No scope: a refresh never asks for more than was granted (RFC 6749 §6).
    TokenRequest request =
        new TokenRequest.Builder(
                client.effectiveRefreshUri(),
                authentication(client),
                new RefreshTokenGrant(new RefreshToken(refreshToken.reveal())))
            .build();
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
    return send(request, "the revocation endpoint " + OutboundHttp.describe(revocationUri))
            instanceof Answered a
        && a.status() == 200;
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
    String endpoint = "the token endpoint " + OutboundHttp.describe(nimbus.getURI());
    Answered response;
    switch (send(nimbus, endpoint)) {
      case Answered a -> response = a;
      case NoAnswer none -> {
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
          endpoint + " answered HTTP " + status + " without a token response");
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
    String endpoint = "Instagram at " + OutboundHttp.describe(client.tokenUri());
    return instagram(
        send(
            client.tokenUri(),
            endpoint,
            request ->
                request
                    .method(HttpMethod.POST)
                    .body(
                        new StringRequestContent(
                            "application/x-www-form-urlencoded",
                            encode(form),
                            StandardCharsets.UTF_8))),
        endpoint);
  }

  @Override
  public TokenOutcome instagramExchange(InstagramSettings client, Secret shortLivedToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("grant_type", "ig_exchange_token");
    query.put("client_secret", client.clientSecret().reveal());
    query.put("access_token", shortLivedToken.reveal());
    return instagramGet(client.exchangeUri(), query);
  }

  @Override
  public TokenOutcome instagramRefresh(InstagramSettings client, Secret longLivedToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("grant_type", "ig_refresh_token");
    query.put("access_token", longLivedToken.reveal());
    return instagramGet(client.refreshUri(), query);
  }

  private TokenOutcome instagramGet(URI base, Map<String, String> query) {
    String separator = base.getQuery() == null ? "?" : "&";
    URI uri = URI.create(base + separator + encode(query));
    String endpoint = "Instagram at " + OutboundHttp.describe(base);
    return instagram(send(uri, endpoint, request -> request.method(HttpMethod.GET)), endpoint);
  }

  private static TokenOutcome instagram(Reply reply, String endpoint) {
    Answered response;
    switch (reply) {
      case Answered a -> response = a;
      case NoAnswer none -> {
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

  /** What a call got: an HTTP answer, or the outcome to report because there was none. */
  private sealed interface Reply {}

  private record Answered(int status, Optional<String> contentType, String body) implements Reply {}

  private record NoAnswer(TokenOutcome outcome) implements Reply {}

  /** Sends Nimbus's request (always a POST of a form) as it built it. */
  private Reply send(HTTPRequest nimbus, String endpoint) {
    return send(
        nimbus.getURI(),
        endpoint,
        request -> {
          request.method(HttpMethod.POST);
          String contentType = null;
          for (Map.Entry<String, List<String>> header : nimbus.getHeaderMap().entrySet()) {
            if (header.getKey().equalsIgnoreCase("Content-Type")) {
              contentType = header.getValue().get(0);
            } else {
              header.getValue().forEach(v -> request.headers(h -> h.add(header.getKey(), v)));
            }
          }
          String body = nimbus.getBody() == null ? "" : nimbus.getBody();
          request.body(new StringRequestContent(contentType, body, StandardCharsets.UTF_8));
        });
  }

  /**
   * One call on the guarded client, given up after the timeout. A refused address is a {@link
   * TokenOutcome.Blocked} and nothing is sent; a name that does not resolve, a timeout or a broken
   * connection is {@link TokenOutcome.Unavailable}, worth trying again later.
   */
  private Reply send(URI uri, String endpoint, Consumer<Request> build) {
    Request request;
    try {
      request = http.newRequest(uri);
    } catch (OutboundRefusedException refused) {
      return new NoAnswer(new TokenOutcome.Blocked(refused));
    }
    build.accept(request);
    request.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    request.headers(
        h -> {
          if (!h.contains(HttpHeader.ACCEPT)) {
            h.put(HttpHeader.ACCEPT, "application/json");
          }
        });
    ContentResponse response;
    try {
      response = new CompletableResponseListener(request, MAX_RESPONSE_BYTES).send().get();
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      return new NoAnswer(
          new TokenOutcome.Unavailable("the call to " + endpoint + " was interrupted"));
    } catch (ExecutionException e) {
      return new NoAnswer(failure(e.getCause(), endpoint));
    }
    return new Answered(
        response.getStatus(),
        Optional.ofNullable(response.getHeaders().get(HttpHeader.CONTENT_TYPE)),
        response.getContentAsString());
  }

  private static TokenOutcome failure(Throwable failure, String endpoint) {
    Optional<OutboundRefusedException> refused = OutboundHttp.refusal(failure);
    if (refused.isPresent()) {
      return refused.get().hostNotFound()
          ? new TokenOutcome.Unavailable(
              endpoint + " could not be reached: " + refused.get().getMessage())
          : new TokenOutcome.Blocked(refused.get());
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return new TokenOutcome.Unavailable(endpoint + " timed out");
      }
    }
    // How Jetty's buffering listener says that the body outgrew its limit.
    if (failure instanceof IllegalArgumentException
        && String.valueOf(failure.getMessage()).startsWith("Buffering capacity")) {
      return new TokenOutcome.Unavailable(
          endpoint
              + " answered with more than "
              + MAX_RESPONSE_BYTES / 1024
              + " KiB, which is no token response");
    }
    return new TokenOutcome.Unavailable(
        endpoint + " could not be reached: " + failure.getClass().getSimpleName());
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
