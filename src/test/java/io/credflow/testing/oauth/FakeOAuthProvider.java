package io.credflow.testing.oauth;

import com.sun.net.httpserver.HttpExchange;
import io.credflow.common.Sleeper;
import io.credflow.testing.oauth.FakeHttp.Incoming;
import io.credflow.testing.oauth.FakeHttp.Reply;
import io.credflow.testing.oauth.OAuthRules.OAuthFailure;
import io.credflow.testing.oauth.TokenFamilies.Access;
import io.credflow.testing.oauth.TokenFamilies.Code;
import io.credflow.testing.oauth.TokenFamilies.Family;
import io.credflow.testing.oauth.TokenFamilies.Refresh;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A strict OAuth 2.0 authorization server for tests, on 127.0.0.1 and a free port, with one
 * registered confidential client.
 *
 * <p>Endpoints: {@code GET /authorize} (authorization code with PKCE S256, answers with a 302 to
 * the redirect URI), {@code POST /token} ({@code authorization_code} and {@code refresh_token}),
 * {@code POST /revoke} (RFC 7009) and {@code /resource} (a protected resource: 200 for a valid
 * bearer token, else 401).
 *
 * <p>It is strict where real providers are, and where lax clients get hurt:
 *
 * <ul>
 *   <li>Codes live 10 minutes, are single use and bound to the client, the identical {@code
 *       redirect_uri} and the PKCE challenge. Any redemption attempt that gets past client
 *       authentication spends the code; a second redemption answers {@code invalid_grant}, revokes
 *       the tokens issued from the code (RFC 6749 §4.1.2) and counts in {@link
 *       #codeReuseDetected()}.
 *   <li>Client authentication is {@code client_secret_basic} (id and secret form-urlencoded, then
 *       Base64, decoded exactly that way: RFC 6749 §2.3.1) or {@code client_secret_post}; both in
 *       one request is 400 {@code invalid_request}, a wrong or missing one 401 {@code
 *       invalid_client}.
 *   <li>Refresh tokens rotate: every refresh spends the presented token and returns a new one. A
 *       spent token presented again revokes its whole family (every access and refresh token from
 *       the same grant), answers {@code invalid_grant} and counts in {@link #reuseDetected()}. A
 *       refresh asking for a scope wider than granted is {@code invalid_scope}.
 *   <li>A parameter given twice, a body that is not a form or two Authorization headers are {@code
 *       invalid_request}.
 * </ul>
 *
 * <p>State changes happen when a request arrives; the {@linkplain #responseDelay(Duration) response
 * delay} comes after. So a client that times out on a slow refresh and retries with the same
 * refresh token meets reuse detection, as it would at a real provider.
 *
 * <p>All knobs can be turned at any time from any thread; each returns {@code this}. Records are
 * snapshots.
 */
public final class FakeOAuthProvider implements AutoCloseable {
  /** The client id of {@link #start()}. */
  public static final String DEFAULT_CLIENT_ID = "credflow-test-client";

  /** The client secret of {@link #start()}: a colon, a plus, a percent sign and a space. */
  public static final String DEFAULT_CLIENT_SECRET = "s3:cr+et%25 value";

  /** The default access-token lifetime, in seconds. */
  public static final long DEFAULT_EXPIRES_IN = 3600;

  /** How long an authorization code can be redeemed. */
  public static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

  /** The subject the resource endpoint reports for every valid token. */
  public static final String SUBJECT = "fake-user-1";

  private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

  /** A failure the token endpoint can be told to answer with instead of processing a request. */
  public enum TokenFailure {
    /** 400 {@code {"error":"invalid_grant"}}. */
    INVALID_GRANT,
    /** 401 {@code {"error":"invalid_client"}} with {@code WWW-Authenticate}. */
    INVALID_CLIENT,
    /**
     * 400 {@code {"error":"temporarily_unavailable"}}: a transient error carried in the error code,
     * not in the status.
     */
    TEMPORARILY_UNAVAILABLE,
    /** 500 with an HTML body, as a proxy in front of a provider would answer. */
    HTTP_500,
    /** 503 with an empty body and no content type. */
    HTTP_503_EMPTY,
    /**
     * 400 {@code {"error":"invalid_grant"}} whose {@code error_description} quotes everything the
     * request carried (its form, decoded too, and its Authorization header, decoded too), as a
     * careless provider might: for tests that no secret travels on from there.
     */
    INVALID_GRANT_ECHOING_THE_REQUEST
  }

  /**
   * Tokens of one grant seeded by {@link #issueTokens(String)}.
   *
   * @param refreshToken empty when {@link #issueRefreshTokens(boolean)} is off
   */
  public record Tokens(String accessToken, Optional<String> refreshToken, String scope) {}

  private final FakeHttp.Server server;
  private final String clientId;
  private final String clientSecret;
  private final Object lock = new Object();
  private volatile Supplier<Instant> clock = Instant::now;

  // Everything below is guarded by lock.
  private final TokenFamilies grants = new TokenFamilies();
  private final Deque<TokenFailure> failures = new ArrayDeque<>();
  private final Deque<Runnable> beforeTokenAnswers = new ArrayDeque<>();
  private final List<RecordedRequest> authorizationRequests = new ArrayList<>();
  private final List<RecordedRequest> tokenRequests = new ArrayList<>();
  private final List<RecordedRequest> revocationRequests = new ArrayList<>();
  private final List<RecordedRequest> resourceRequests = new ArrayList<>();
  private long expiresIn = DEFAULT_EXPIRES_IN;
  private boolean advertiseExpiresIn = true;
  private Optional<Long> refreshTokenExpiresIn = Optional.empty();
  private String refreshTokenExpiresInMember = "refresh_token_expires_in";
  private boolean rotateRefreshTokens = true;
  private boolean issueRefreshTokens = true;
  private boolean echoScope = true;
  private boolean requirePkce = true;
  private boolean denyAuthorizations;
  private Duration responseDelay = Duration.ZERO;
  private Sleeper sleeper = Sleeper.system();
  private int reuseDetected;
  private int codeReuseDetected;

  private FakeOAuthProvider(String clientId, String clientSecret) {
    this.clientId = Objects.requireNonNull(clientId);
    this.clientSecret = Objects.requireNonNull(clientSecret);
    this.server =
        FakeHttp.start(
            Map.of(
                "/authorize", this::authorize,
                "/token", this::token,
                "/revoke", this::revoke,
                "/resource", this::resource));
  }

  /** Starts a provider with {@link #DEFAULT_CLIENT_ID} and {@link #DEFAULT_CLIENT_SECRET}. */
  public static FakeOAuthProvider start() {
    return start(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
  }

  /** Starts a provider whose one registered client has this id and secret. */
  public static FakeOAuthProvider start(String clientId, String clientSecret) {
    return new FakeOAuthProvider(clientId, clientSecret);
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI baseUrl() {
    return server.baseUri();
  }

  public URI authorizeUri() {
    return server.uri("/authorize");
  }

  public URI tokenUri() {
    return server.uri("/token");
  }

  public URI revocationUri() {
    return server.uri("/revoke");
  }

  /** A protected resource: 200 JSON for a valid {@code Authorization: Bearer} token, else 401. */
  public URI resourceUri() {
    return server.uri("/resource");
  }

  public String clientId() {
    return clientId;
  }

  public String clientSecret() {
    return clientSecret;
  }

  // ---- knobs ----

  /** The time source for code and token expiry (default: the system clock). */
  public FakeOAuthProvider clock(Supplier<Instant> clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  /** The lifetime of access tokens issued from now on, in seconds. */
  public FakeOAuthProvider expiresIn(long seconds) {
    synchronized (lock) {
      this.expiresIn = seconds;
    }
    return this;
  }

  /**
   * Whether token responses carry {@code expires_in} (default true). Without it the tokens still
   * expire after {@link #expiresIn(long)}; the client is just not told.
   */
  public FakeOAuthProvider advertiseExpiresIn(boolean advertise) {
    synchronized (lock) {
      this.advertiseExpiresIn = advertise;
    }
    return this;
  }

  /**
   * Token responses that carry a refresh token from now on also say it lives {@code seconds}, in
   * {@code member} ({@code refresh_token_expires_in}, or Intuit's {@code
   * x_refresh_token_expires_in}); empty says nothing (the default). Only what the response says:
   * the fake's refresh tokens never expire.
   */
  public FakeOAuthProvider refreshTokenExpiresIn(String member, Optional<Long> seconds) {
    synchronized (lock) {
      this.refreshTokenExpiresInMember = Objects.requireNonNull(member);
      this.refreshTokenExpiresIn = Objects.requireNonNull(seconds);
    }
    return this;
  }

  /**
   * Whether a refresh rotates the refresh token (default true). When false, refresh responses omit
   * {@code refresh_token} and the presented token stays valid.
   */
  public FakeOAuthProvider rotateRefreshTokens(boolean rotate) {
    synchronized (lock) {
      this.rotateRefreshTokens = rotate;
    }
    return this;
  }

  /** Whether a code exchange returns a refresh token at all (default true). */
  public FakeOAuthProvider issueRefreshTokens(boolean issue) {
    synchronized (lock) {
      this.issueRefreshTokens = issue;
    }
    return this;
  }

  /** Whether token responses carry the granted {@code scope} (default true). */
  public FakeOAuthProvider echoScope(boolean echo) {
    synchronized (lock) {
      this.echoScope = echo;
    }
    return this;
  }

  /** Whether the authorize endpoint requires a PKCE S256 challenge (default true). */
  public FakeOAuthProvider requirePkce(boolean require) {
    synchronized (lock) {
      this.requirePkce = require;
    }
    return this;
  }

  /** When true, the authorize endpoint redirects with {@code error=access_denied}. */
  public FakeOAuthProvider denyAuthorizations(boolean deny) {
    synchronized (lock) {
      this.denyAuthorizations = deny;
    }
    return this;
  }

  /**
   * The next {@code count} token-endpoint responses are {@code failure}, queued after failures
   * already queued. Such a request is recorded but changes nothing.
   */
  public FakeOAuthProvider failNext(int count, TokenFailure failure) {
    synchronized (lock) {
      for (int i = 0; i < count; i++) {
        failures.addLast(failure);
      }
    }
    return this;
  }

  /**
   * Runs {@code action} when the next token-endpoint request arrives, before it is answered (and
   * before the answer is decided): e.g. a change the test makes while the client waits for tokens.
   * Actions queue up, one per request.
   */
  public FakeOAuthProvider onNextTokenRequest(Runnable action) {
    synchronized (lock) {
      beforeTokenAnswers.addLast(Objects.requireNonNull(action));
    }
    return this;
  }

  /** A delay before every token-endpoint response, after the request took effect. */
  public FakeOAuthProvider responseDelay(Duration delay) {
    synchronized (lock) {
      this.responseDelay = delay;
    }
    return this;
  }

  /**
   * What the response delay waits on: real time by default; a test that checks the delay itself
   * passes one that records it.
   */
  public FakeOAuthProvider sleeper(Sleeper newSleeper) {
    synchronized (lock) {
      this.sleeper = newSleeper;
    }
    return this;
  }

  // ---- acting as the user and the provider's admin ----

  /**
   * Acts as the user's browser: GETs {@code authorizeUrl} without following redirects and returns
   * the {@code Location} (the redirect URI with {@code code} and {@code state}, or {@code error}).
   */
  public URI followAuthorization(URI authorizeUrl) {
    return FakeHttp.follow(authorizeUrl);
  }

  /**
   * Seeds a grant for the registered client without the authorization dance, as if a code had been
   * redeemed; useful to start a test from a stored credential.
   */
  public Tokens issueTokens(String scope) {
    synchronized (lock) {
      Family family = grants.newFamily(clientId, scope);
      String access = grants.issueAccess(family, scope, now().plusSeconds(expiresIn));
      Optional<String> refresh =
          issueRefreshTokens ? Optional.of(grants.issueRefresh(family)) : Optional.empty();
      return new Tokens(access, refresh, scope);
    }
  }

  /**
   * Revokes a token as the provider would when the user withdraws consent; a refresh token takes
   * its family with it.
   */
  public void revokeToken(String token) {
    synchronized (lock) {
      grants.revoke(token);
    }
  }

  // ---- records ----

  public List<RecordedRequest> authorizationRequests() {
    synchronized (lock) {
      return List.copyOf(authorizationRequests);
    }
  }

  /**
   * Requests (to any endpoint) the provider is handling right now: received, and not yet answered
   * (a {@link #responseDelay(Duration)} keeps a token request in here).
   */
  public int requestsInProgress() {
    return server.inProgress().get();
  }

  /** Every token-endpoint request, in arrival order, including malformed and failed ones. */
  public List<RecordedRequest> tokenRequests() {
    synchronized (lock) {
      return List.copyOf(tokenRequests);
    }
  }

  public int tokenRequestCount() {
    synchronized (lock) {
      return tokenRequests.size();
    }
  }

  /** Token-endpoint requests with this {@code grant_type}. */
  public int tokenRequestCount(String grantType) {
    synchronized (lock) {
      return (int) tokenRequests.stream().filter(r -> r.grantType().equals(grantType)).count();
    }
  }

  public List<RecordedRequest> revocationRequests() {
    synchronized (lock) {
      return List.copyOf(revocationRequests);
    }
  }

  public List<RecordedRequest> resourceRequests() {
    synchronized (lock) {
      return List.copyOf(resourceRequests);
    }
  }

  /** How many times a spent refresh token was presented (each one revoked its family). */
  public int reuseDetected() {
    synchronized (lock) {
      return reuseDetected;
    }
  }

  /** How many times an already redeemed authorization code was presented again. */
  public int codeReuseDetected() {
    synchronized (lock) {
      return codeReuseDetected;
    }
  }

  /** Whether the resource endpoint would accept this access token now. */
  public boolean isAccessTokenValid(String token) {
    synchronized (lock) {
      return grants.access(token).map(a -> a.isValid(now())).orElse(false);
    }
  }

  /** Whether this refresh token could be redeemed now (known, unspent, family not revoked). */
  public boolean isRefreshTokenValid(String token) {
    synchronized (lock) {
      return grants.refresh(token).map(Refresh::isValid).orElse(false);
    }
  }

  @Override
  public void close() {
    server.close();
  }

  // ---- endpoints ----

  private Instant now() {
    return clock.get();
  }

  private void authorize(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("GET")) {
      FakeHttp.methodNotAllowed(exchange, "GET");
      return;
    }
    Incoming in = FakeHttp.receive(exchange, now(), false);
    Reply reply;
    synchronized (lock) {
      authorizationRequests.add(in.recorded());
      reply = authorizeReply(in);
    }
    reply.send(exchange);
  }

  private Reply authorizeReply(Incoming in) {
    // Errors about the client or the redirect URI must not redirect (RFC 6749 §4.1.2.1).
    if (in.problem().isPresent()) {
      return Reply.json(400, OAuthRules.error("invalid_request", in.problem().get()));
    }
    if (!in.param("client_id").equals(clientId)) {
      return Reply.json(400, OAuthRules.error("invalid_client", "unknown client_id"));
    }
    String redirectUri = in.param("redirect_uri");
    if (!isAbsoluteHttpWithoutFragment(redirectUri)) {
      return Reply.json(
          400, OAuthRules.error("invalid_request", "redirect_uri must be an absolute URI"));
    }
    Map<String, String> answer = new LinkedHashMap<>();
    String challenge = in.param("code_challenge");
    String method = in.param("code_challenge_method");
    if (!in.param("response_type").equals("code")) {
      answer.put("error", "unsupported_response_type");
    } else if (challenge.isEmpty() && requirePkce) {
      answer.put("error", "invalid_request");
      answer.put("error_description", "code_challenge required");
    } else if (!challenge.isEmpty()
        && (!method.equals("S256") || !S256_CHALLENGE.matcher(challenge).matches())) {
      answer.put("error", "invalid_request");
      answer.put("error_description", "only a 43-character S256 code_challenge is supported");
    } else if (denyAuthorizations) {
      answer.put("error", "access_denied");
      answer.put("error_description", "The user denied the request");
    } else {
      Optional<String> bound = challenge.isEmpty() ? Optional.empty() : Optional.of(challenge);
      answer.put(
          "code",
          grants.newCode(
              clientId, redirectUri, bound, in.param("scope"), now().plus(CODE_LIFETIME)));
    }
    in.recorded().param("state").ifPresent(state -> answer.put("state", state));
    return Reply.redirect(FakeHttp.withQuery(redirectUri, answer));
  }

  private static boolean isAbsoluteHttpWithoutFragment(String uri) {
    try {
      URI parsed = new URI(uri);
      return parsed.isAbsolute()
          && parsed.getRawFragment() == null
          && (parsed.getScheme().equals("http") || parsed.getScheme().equals("https"));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private void token(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      FakeHttp.methodNotAllowed(exchange, "POST");
      return;
    }
    Incoming in = FakeHttp.receive(exchange, now(), true);
    Runnable before;
    synchronized (lock) {
      tokenRequests.add(in.recorded());
      before = beforeTokenAnswers.pollFirst();
    }
    if (before != null) {
      before.run();
    }
    Reply reply;
    Duration delay;
    synchronized (lock) {
      delay = responseDelay;
      TokenFailure failure = failures.pollFirst();
      reply = failure != null ? failureReply(failure, in) : tokenReply(in);
    }
    Sleeper waiting;
    synchronized (lock) {
      waiting = sleeper;
    }
    FakeHttp.pause(waiting, delay);
    reply.send(exchange);
  }

  private Reply tokenReply(Incoming in) {
    try {
      if (in.problem().isPresent()) {
        throw new OAuthFailure(400, "invalid_request", in.problem().get());
      }
      OAuthRules.authenticateClient(in, clientId, clientSecret);
      return switch (in.param("grant_type")) {
        case "authorization_code" -> redeemCode(in);
        case "refresh_token" -> refresh(in);
        case "" -> throw new OAuthFailure(400, "invalid_request", "grant_type is required");
        default -> throw new OAuthFailure(400, "unsupported_grant_type", in.param("grant_type"));
      };
    } catch (OAuthFailure f) {
      return f.reply();
    }
  }

  private Reply redeemCode(Incoming in) {
    String value = in.param("code");
    if (value.isEmpty()) {
      throw new OAuthFailure(400, "invalid_request", "code is required");
    }
    Code code =
        grants
            .code(value)
            .orElseThrow(() -> new OAuthFailure(400, "invalid_grant", "unknown code"));
    if (code.redeemed) {
      codeReuseDetected++;
      if (code.family != null) {
        code.family.revoked = true;
      }
      throw new OAuthFailure(400, "invalid_grant", "code already used");
    }
    code.redeemed = true;
    if (!now().isBefore(code.expiresAt)) {
      throw new OAuthFailure(400, "invalid_grant", "code expired");
    }
    if (!code.clientId.equals(clientId)) {
      throw new OAuthFailure(400, "invalid_grant", "code was issued to another client");
    }
    if (!code.redirectUri.equals(in.param("redirect_uri"))) {
      throw new OAuthFailure(400, "invalid_grant", "redirect_uri differs from the authorization");
    }
    OAuthRules.checkPkce(code.challenge, in.recorded().param("code_verifier"));
    Family family = grants.newFamily(clientId, code.scope);
    code.family = family;
    String access = grants.issueAccess(family, code.scope, now().plusSeconds(expiresIn));
    String refresh = issueRefreshTokens ? grants.issueRefresh(family) : null;
    return Reply.json(200, tokenResponse(access, refresh, code.scope), OAuthRules.NO_STORE);
  }

  private Reply refresh(Incoming in) {
    String value = in.param("refresh_token");
    if (value.isEmpty()) {
      throw new OAuthFailure(400, "invalid_request", "refresh_token is required");
    }
    Refresh presented =
        grants
            .refresh(value)
            .orElseThrow(() -> new OAuthFailure(400, "invalid_grant", "unknown refresh token"));
    Family family = presented.family;
    if (!family.clientId.equals(clientId)) {
      throw new OAuthFailure(400, "invalid_grant", "refresh token of another client");
    }
    if (presented.spent) {
      reuseDetected++;
      family.revoked = true;
      throw new OAuthFailure(400, "invalid_grant", "refresh token reused; grant revoked");
    }
    if (family.revoked) {
      throw new OAuthFailure(400, "invalid_grant", "grant revoked");
    }
    String scope = family.scope;
    if (in.recorded().param("scope").isPresent()) {
      String requested = in.param("scope");
      if (!scopes(family.scope).containsAll(scopes(requested))) {
        throw new OAuthFailure(400, "invalid_scope", "scope wider than granted: " + requested);
      }
      scope = requested;
    }
    String access = grants.issueAccess(family, scope, now().plusSeconds(expiresIn));
    String rotated = null;
    if (rotateRefreshTokens) {
      presented.spent = true;
      rotated = grants.issueRefresh(family);
    }
    return Reply.json(200, tokenResponse(access, rotated, scope), OAuthRules.NO_STORE);
  }

  private static Set<String> scopes(String scope) {
    Set<String> out = new LinkedHashSet<>(Arrays.asList(scope.trim().split(" +")));
    out.remove("");
    return out;
  }

  private Map<String, Object> tokenResponse(String access, String refresh, String scope) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", access);
    body.put("token_type", "Bearer");
    if (advertiseExpiresIn) {
      body.put("expires_in", expiresIn);
    }
    if (refresh != null) {
      body.put("refresh_token", refresh);
      refreshTokenExpiresIn.ifPresent(s -> body.put(refreshTokenExpiresInMember, s));
    }
    if (echoScope && !scope.isEmpty()) {
      body.put("scope", scope);
    }
    return body;
  }

  private static Reply failureReply(TokenFailure failure, Incoming in) {
    return switch (failure) {
      case INVALID_GRANT -> new OAuthFailure(400, "invalid_grant", "forced by the test").reply();
      case INVALID_CLIENT -> new OAuthFailure(401, "invalid_client", "forced by the test").reply();
      case TEMPORARILY_UNAVAILABLE ->
          new OAuthFailure(400, "temporarily_unavailable", "forced by the test").reply();
      case HTTP_500 ->
          Reply.html(500, "<html><body><h1>500 Internal Server Error</h1></body></html>");
      case HTTP_503_EMPTY -> Reply.empty(503);
      case INVALID_GRANT_ECHOING_THE_REQUEST ->
          new OAuthFailure(400, "invalid_grant", "rejected: " + echo(in.recorded())).reply();
    };
  }

  /** Everything a request carried, as received and decoded. */
  private static String echo(RecordedRequest r) {
    String authorization = r.authorization().orElse("");
    String basic = "";
    if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        basic =
            new String(
                java.util.Base64.getDecoder().decode(authorization.substring(6).trim()),
                java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        basic = "(not base64)";
      }
    }
    return "body "
        + r.body()
        + " params "
        + r.params()
        + " authorization "
        + authorization
        + " basic "
        + basic
        + " decoded "
        + formDecoded(basic);
  }

  private static String formDecoded(String s) {
    try {
      return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private void revoke(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      FakeHttp.methodNotAllowed(exchange, "POST");
      return;
    }
    Incoming in = FakeHttp.receive(exchange, now(), true);
    Reply reply;
    synchronized (lock) {
      revocationRequests.add(in.recorded());
      reply = revokeReply(in);
    }
    reply.send(exchange);
  }

  private Reply revokeReply(Incoming in) {
    try {
      if (in.problem().isPresent()) {
        throw new OAuthFailure(400, "invalid_request", in.problem().get());
      }
      OAuthRules.authenticateClient(in, clientId, clientSecret);
      if (in.param("token").isEmpty()) {
        throw new OAuthFailure(400, "invalid_request", "token is required");
      }
      // RFC 7009 §2.2: unknown tokens are not an error; the hint is only a hint.
      grants.revoke(in.param("token"));
      return Reply.empty(200);
    } catch (OAuthFailure f) {
      return f.reply();
    }
  }

  private void resource(HttpExchange exchange) throws IOException {
    Incoming in = FakeHttp.receive(exchange, now(), false);
    Reply reply;
    synchronized (lock) {
      resourceRequests.add(in.recorded());
      reply = resourceReply(in);
    }
    reply.send(exchange);
  }

  private Reply resourceReply(Incoming in) {
    Optional<String> header = in.recorded().authorization();
    if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Reply.json(
          401, OAuthRules.error("invalid_request", "bearer token required"), bearerChallenge(null));
    }
    Optional<Access> access =
        grants.access(header.get().substring(7).trim()).filter(a -> a.isValid(now()));
    if (access.isEmpty()) {
      return Reply.json(
          401,
          OAuthRules.error("invalid_token", "token unknown, expired or revoked"),
          bearerChallenge("invalid_token"));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subject", SUBJECT);
    body.put("scope", access.get().scope);
    body.put("method", in.recorded().method());
    body.put("query", in.params());
    return Reply.json(200, body);
  }

  private static Map<String, String> bearerChallenge(String error) {
    String value =
        "Bearer realm=\"fake-oauth\"" + (error == null ? "" : ", error=\"" + error + "\"");
    return Map.of("WWW-Authenticate", value);
  }

  @Override
  public String toString() {
    return "FakeOAuthProvider[" + baseUrl() + "]";
  }
}
