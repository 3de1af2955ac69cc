package io.credflow.testing.oauth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.credflow.common.Sleeper;
import io.credflow.testing.oauth.FakeHttp.Incoming;
import io.credflow.testing.oauth.FakeHttp.Reply;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Instagram's login endpoints with their quirks, on one server on 127.0.0.1 and a free port, with a
 * time source the test controls (pass {@code clock::instant} or an {@code AtomicReference}'s getter
 * and move it instead of sleeping).
 *
 * <ul>
 *   <li>{@code GET /oauth/authorize?client_id&redirect_uri&scope&response_type=code&state} answers
 *       302 to {@code redirect_uri?code=CODE&state=STATE#_}. Instagram appends {@code #_}; a
 *       browser does not send the fragment on, but a person copying the code by hand does, so
 *       {@link #lastIssuedCode()} returns the code with its {@code #_}. The token endpoint accepts
 *       a code only without it (a code with it is counted in {@link
 *       #codesWithFragmentPresented()}). Codes live one hour and are single use.
 *   <li>{@code POST /oauth/access_token} (form: {@code client_id, client_secret,
 *       grant_type=authorization_code, redirect_uri, code}) answers {@code {"access_token": SHORT,
 *       "user_id": 123}}; SHORT lives one hour. Its errors are in the old api.instagram.com shape
 *       {@code {"error_type":"OAuthException","code":400,"error_message":"…"}}.
 *   <li>{@code GET /access_token?grant_type=ig_exchange_token&client_secret&access_token=SHORT}
 *       answers {@code {"access_token": LONG, "token_type": "bearer", "expires_in": 5183944}}.
 *   <li>{@code GET /refresh_access_token?grant_type=ig_refresh_token&access_token=LONG} answers a
 *       new long-lived token, but only when LONG is at least 24 hours old and not expired. Too
 *       young: Graph error code 10 (HTTP 400), counted in {@link #earlyRefreshAttempts()}. Expired
 *       or invalid: Graph error 190 (HTTP 400; subcode 463 when expired). The refreshed-from token
 *       stays valid until its own expiry.
 *   <li>{@code GET /me?access_token=LONG} answers {@code {"id":"123","username":…}}, else Graph
 *       190.
 * </ul>
 *
 * <p>Graph errors look like {@code {"error":{"message":"…","type":"OAuthException","code":190,
 * "fbtrace_id":"…"}}}. A short-lived token is only ever meant for the exchange: presenting one
 * anywhere else (any parameter, header or body of any other endpoint) is counted in {@link
 * #shortLivedTokenMisuses()} and refused.
 *
 * <p>Knobs can be turned at any time from any thread; each returns {@code this}.
 */
public final class FakeInstagram implements AutoCloseable {
  public static final String DEFAULT_CLIENT_ID = "990602627938098";
  public static final String DEFAULT_CLIENT_SECRET = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

  /** The {@code user_id} the token endpoint reports (and {@code /me} as a string). */
  public static final long USER_ID = 123;

  public static final String USERNAME = "fake_instagram_user";

  /** {@code expires_in} of a long-lived token, in seconds (about 60 days), and its lifetime. */
  public static final long LONG_LIVED_EXPIRES_IN = 5_183_944;

  public static final Duration SHORT_LIVED_LIFETIME = Duration.ofHours(1);
  public static final Duration CODE_LIFETIME = Duration.ofHours(1);

  /** A long-lived token younger than this cannot be refreshed. */
  public static final Duration MIN_REFRESH_AGE = Duration.ofHours(24);

  /** The endpoints, for counters and records. */
  public enum Endpoint {
    AUTHORIZE("/oauth/authorize"),
    TOKEN("/oauth/access_token"),
    EXCHANGE("/access_token"),
    REFRESH("/refresh_access_token"),
    ME("/me");

    private final String path;

    Endpoint(String path) {
      this.path = path;
    }

    public String path() {
      return path;
    }
  }

  /** A failure the API endpoints (all but authorize) can be told to answer with. */
  public enum Failure {
    /** HTTP 400 with Graph error code 190 (the token is dead). */
    GRAPH_190,
    /** HTTP 500 with Graph's transient error (code 2, {@code is_transient: true}). */
    HTTP_500
  }

  private record IssuedCode(String redirectUri, Instant expiresAt) {}

  private static final class LongLived {
    final Instant issuedAt;
    final Instant expiresAt;
    boolean invalidated;

    LongLived(Instant issuedAt) {
      this.issuedAt = issuedAt;
      this.expiresAt = issuedAt.plusSeconds(LONG_LIVED_EXPIRES_IN);
    }

    boolean isValid(Instant now) {
      return !invalidated && now.isBefore(expiresAt);
    }
  }

  private final FakeHttp.Server server;
  private final String clientId;
  private final String clientSecret;
  private final Supplier<Instant> clock;
  private final Object lock = new Object();

  // Everything below is guarded by lock.
  private final Map<String, IssuedCode> codes = new HashMap<>();
  private final Map<String, Instant> shortLived = new LinkedHashMap<>();
  private final Map<String, LongLived> longLived = new HashMap<>();
  private final Map<Endpoint, List<RecordedRequest>> requests = new EnumMap<>(Endpoint.class);
  private final Deque<Failure> failures = new ArrayDeque<>();
  private Duration responseDelay = Duration.ZERO;
  private Sleeper sleeper = Sleeper.system();
  private boolean denyAuthorizations;
  private String lastIssuedCode;
  private int earlyRefreshAttempts;
  private int shortLivedTokenMisuses;
  private int codesWithFragmentPresented;

  private FakeInstagram(String clientId, String clientSecret, Supplier<Instant> clock) {
    this.clientId = Objects.requireNonNull(clientId);
    this.clientSecret = Objects.requireNonNull(clientSecret);
    this.clock = Objects.requireNonNull(clock);
    for (Endpoint e : Endpoint.values()) {
      requests.put(e, new ArrayList<>());
    }
    this.server =
        FakeHttp.start(
            Map.of(
                Endpoint.AUTHORIZE.path, this::authorize,
                Endpoint.TOKEN.path, api(Endpoint.TOKEN, "POST", this::token),
                Endpoint.EXCHANGE.path, api(Endpoint.EXCHANGE, "GET", this::exchange),
                Endpoint.REFRESH.path, api(Endpoint.REFRESH, "GET", this::refresh),
                Endpoint.ME.path, api(Endpoint.ME, "GET", this::me)));
  }

  /** Starts with the system clock and the default app. */
  public static FakeInstagram start() {
    return start(Instant::now);
  }

  /** Starts with this time source and the default app. */
  public static FakeInstagram start(Supplier<Instant> clock) {
    return start(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, clock);
  }

  public static FakeInstagram start(String clientId, String clientSecret, Supplier<Instant> clock) {
    return new FakeInstagram(clientId, clientSecret, clock);
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI baseUrl() {
    return server.baseUri();
  }

  public URI authorizeUri() {
    return server.uri(Endpoint.AUTHORIZE.path);
  }

  public URI tokenUri() {
    return server.uri(Endpoint.TOKEN.path);
  }

  /** The short-lived to long-lived exchange. */
  public URI exchangeUri() {
    return server.uri(Endpoint.EXCHANGE.path);
  }

  public URI refreshUri() {
    return server.uri(Endpoint.REFRESH.path);
  }

  public URI meUri() {
    return server.uri(Endpoint.ME.path);
  }

  public String clientId() {
    return clientId;
  }

  public String clientSecret() {
    return clientSecret;
  }

  // ---- knobs ----

  /** The next {@code count} API responses (not authorize) are {@code failure}; nothing changes. */
  public FakeInstagram failNext(int count, Failure failure) {
    synchronized (lock) {
      for (int i = 0; i < count; i++) {
        failures.addLast(failure);
      }
    }
    return this;
  }

  /** A delay before every API response (not authorize), after the request took effect. */
  public FakeInstagram responseDelay(Duration delay) {
    synchronized (lock) {
      this.responseDelay = delay;
    }
    return this;
  }

  /**
   * What the response delay waits on: real time by default; a test that checks the delay itself
   * passes one that records it.
   */
  public FakeInstagram sleeper(Sleeper newSleeper) {
    synchronized (lock) {
      this.sleeper = newSleeper;
    }
    return this;
  }

  /** When true, authorize redirects with {@code error=access_denied&error_reason=user_denied}. */
  public FakeInstagram denyAuthorizations(boolean deny) {
    synchronized (lock) {
      this.denyAuthorizations = deny;
    }
    return this;
  }

  // ---- acting as the user and as Instagram ----

  /**
   * Acts as the browser: GETs {@code authorizeUrl} without following redirects and returns the
   * {@code Location}, {@code #_} included.
   */
  public URI followAuthorization(URI authorizeUrl) {
    return FakeHttp.follow(authorizeUrl);
  }

  /** The last code issued, as a person would copy it from the address bar: ending in {@code #_}. */
  public Optional<String> lastIssuedCode() {
    synchronized (lock) {
      return Optional.ofNullable(lastIssuedCode).map(code -> code + "#_");
    }
  }

  /** Seeds a long-lived token issued now (by the fake's clock). */
  public String issueLongLivedToken() {
    synchronized (lock) {
      return newLongLived();
    }
  }

  /** Invalidates a token as if the user removed the app: from now on it is Graph error 190. */
  public void invalidate(String token) {
    synchronized (lock) {
      Optional.ofNullable(longLived.get(token)).ifPresent(t -> t.invalidated = true);
      shortLived.computeIfPresent(token, (k, v) -> Instant.MIN);
    }
  }

  // ---- records ----

  public int requestCount(Endpoint endpoint) {
    synchronized (lock) {
      return requests.get(endpoint).size();
    }
  }

  /** Every request to {@code endpoint}, in arrival order. */
  public List<RecordedRequest> requests(Endpoint endpoint) {
    synchronized (lock) {
      return List.copyOf(requests.get(endpoint));
    }
  }

  /** Refresh calls with a long-lived token younger than {@link #MIN_REFRESH_AGE}. */
  public int earlyRefreshAttempts() {
    synchronized (lock) {
      return earlyRefreshAttempts;
    }
  }

  /** Requests other than the exchange that carried a short-lived token anywhere. */
  public int shortLivedTokenMisuses() {
    synchronized (lock) {
      return shortLivedTokenMisuses;
    }
  }

  /** Token requests whose code still ended in {@code #_}. */
  public int codesWithFragmentPresented() {
    synchronized (lock) {
      return codesWithFragmentPresented;
    }
  }

  /** Every short-lived token issued, so a test can check none of them was stored. */
  public List<String> shortLivedTokens() {
    synchronized (lock) {
      return List.copyOf(shortLived.keySet());
    }
  }

  public boolean isLongLivedTokenValid(String token) {
    synchronized (lock) {
      LongLived t = longLived.get(token);
      return t != null && t.isValid(clock.get());
    }
  }

  @Override
  public void close() {
    server.close();
  }

  // ---- endpoints ----

  private void authorize(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("GET")) {
      FakeHttp.methodNotAllowed(exchange, "GET");
      return;
    }
    Incoming in = FakeHttp.receive(exchange, clock.get(), false);
    Reply reply;
    synchronized (lock) {
      record(Endpoint.AUTHORIZE, in);
      reply = authorizeReply(in);
    }
    reply.send(exchange);
  }

  private Reply authorizeReply(Incoming in) {
    if (in.problem().isPresent()) {
      return instagramError(in.problem().get());
    }
    if (!in.param("client_id").equals(clientId)) {
      return instagramError("Invalid platform app");
    }
    String redirectUri = in.param("redirect_uri");
    URI parsed;
    try {
      parsed = new URI(redirectUri);
    } catch (URISyntaxException e) {
      return instagramError("Invalid redirect_uri");
    }
    if (!parsed.isAbsolute() || parsed.getRawFragment() != null) {
      return instagramError("Invalid redirect_uri");
    }
    if (!in.param("response_type").equals("code")) {
      return instagramError("Invalid response_type");
    }
    if (in.param("scope").isEmpty()) {
      return instagramError("Invalid scope field(s)");
    }
    Map<String, String> answer = new LinkedHashMap<>();
    if (denyAuthorizations) {
      answer.put("error", "access_denied");
      answer.put("error_reason", "user_denied");
      answer.put("error_description", "The user denied your request.");
      in.recorded().param("state").ifPresent(s -> answer.put("state", s));
      return Reply.redirect(FakeHttp.withQuery(redirectUri, answer));
    }
    String code = FakeHttp.randomValue("AQ");
    codes.put(code, new IssuedCode(redirectUri, clock.get().plus(CODE_LIFETIME)));
    lastIssuedCode = code;
    answer.put("code", code);
    in.recorded().param("state").ifPresent(s -> answer.put("state", s));
    return Reply.redirect(FakeHttp.withQuery(redirectUri, answer) + "#_");
  }

  /** The shared frame of the API endpoints: record, detect misuse, forced failures, delay. */
  private HttpHandler api(Endpoint endpoint, String method, Function<Incoming, Reply> logic) {
    return exchange -> {
      if (!exchange.getRequestMethod().equals(method)) {
        FakeHttp.methodNotAllowed(exchange, method);
        return;
      }
      Incoming in = FakeHttp.receive(exchange, clock.get(), method.equals("POST"));
      Reply reply;
      Duration delay;
      synchronized (lock) {
        record(endpoint, in);
        delay = responseDelay;
        Failure failure = failures.pollFirst();
        reply = failure != null ? failureReply(failure) : logic.apply(in);
      }
      Sleeper waiting;
      synchronized (lock) {
        waiting = sleeper;
      }
      FakeHttp.pause(waiting, delay);
      reply.send(exchange);
    };
  }

  private void record(Endpoint endpoint, Incoming in) {
    requests.get(endpoint).add(in.recorded());
    if (endpoint == Endpoint.EXCHANGE) {
      return;
    }
    RecordedRequest r = in.recorded();
    String everything = r.uri() + "\n" + r.body() + "\n" + r.authorization().orElse("");
    if (shortLived.keySet().stream().anyMatch(everything::contains)) {
      shortLivedTokenMisuses++;
    }
  }

  private Reply token(Incoming in) {
    if (in.problem().isPresent()) {
      return instagramError(in.problem().get());
    }
    if (!in.param("client_id").equals(clientId)) {
      return instagramError("Invalid platform app");
    }
    if (!in.param("client_secret").equals(clientSecret)) {
      return instagramError("Error validating client secret.");
    }
    if (!in.param("grant_type").equals("authorization_code")) {
      return instagramError("Unsupported grant_type");
    }
    String value = in.param("code");
    if (value.endsWith("#_")) {
      codesWithFragmentPresented++;
    }
    IssuedCode code = codes.remove(value);
    if (code == null || !clock.get().isBefore(code.expiresAt())) {
      return instagramError("Matching code was not found or was already used");
    }
    if (!code.redirectUri().equals(in.param("redirect_uri"))) {
      return instagramError(
          "Error validating verification code. Please make sure your redirect_uri is identical"
              + " to the one you used in the OAuth dialog request");
    }
    String token = FakeHttp.randomValue("IGQV");
    shortLived.put(token, clock.get().plus(SHORT_LIVED_LIFETIME));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token);
    body.put("user_id", USER_ID);
    return Reply.json(200, body);
  }

  private Reply exchange(Incoming in) {
    if (in.problem().isPresent()) {
      return graphError(100, in.problem().get(), null);
    }
    if (!in.param("grant_type").equals("ig_exchange_token")) {
      return graphError(100, "Unsupported grant type", null);
    }
    if (!in.param("client_secret").equals(clientSecret)) {
      return graphError(101, "Error validating client secret.", null);
    }
    Instant expiresAt = shortLived.get(in.param("access_token"));
    if (expiresAt == null) {
      return graphError(190, "Invalid OAuth access token - Cannot parse access token", null);
    }
    if (!clock.get().isBefore(expiresAt)) {
      return graphError(190, "Error validating access token: Session has expired", 463);
    }
    return longLivedResponse(newLongLived());
  }

  private Reply refresh(Incoming in) {
    if (in.problem().isPresent()) {
      return graphError(100, in.problem().get(), null);
    }
    if (!in.param("grant_type").equals("ig_refresh_token")) {
      return graphError(100, "Unsupported grant type", null);
    }
    Optional<Reply> invalid = checkLongLived(in.param("access_token"));
    if (invalid.isPresent()) {
      return invalid.get();
    }
    LongLived token = longLived.get(in.param("access_token"));
    if (clock.get().isBefore(token.issuedAt.plus(MIN_REFRESH_AGE))) {
      earlyRefreshAttempts++;
      return graphError(
          10,
          "Application does not have permission for this action: a long-lived token can be"
              + " refreshed once it is at least 24 hours old",
          null);
    }
    return longLivedResponse(newLongLived());
  }

  private Reply me(Incoming in) {
    Optional<Reply> invalid = checkLongLived(in.param("access_token"));
    if (invalid.isPresent()) {
      return invalid.get();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", String.valueOf(USER_ID));
    body.put("username", USERNAME);
    return Reply.json(200, body);
  }

  private Optional<Reply> checkLongLived(String value) {
    LongLived token = longLived.get(value);
    if (token == null || token.invalidated) {
      return Optional.of(
          graphError(190, "Invalid OAuth access token - Cannot parse access token", null));
    }
    if (!token.isValid(clock.get())) {
      return Optional.of(
          graphError(190, "Error validating access token: Session has expired", 463));
    }
    return Optional.empty();
  }

  private String newLongLived() {
    String token = FakeHttp.randomValue("IGQV");
    longLived.put(token, new LongLived(clock.get()));
    return token;
  }

  private static Reply longLivedResponse(String token) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token);
    body.put("token_type", "bearer");
    body.put("expires_in", LONG_LIVED_EXPIRES_IN);
    return Reply.json(200, body);
  }

  private static Reply failureReply(Failure failure) {
    return switch (failure) {
      case GRAPH_190 -> graphError(190, "Error validating access token: forced by the test", null);
      case HTTP_500 -> {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", "An unexpected error has occurred. Please retry your request later.");
        error.put("type", "OAuthException");
        error.put("is_transient", true);
        error.put("code", 2);
        error.put("fbtrace_id", FakeHttp.randomValue("A").substring(0, 12));
        yield Reply.json(500, Map.of("error", error));
      }
    };
  }

  private static Reply graphError(int code, String message, Integer subcode) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", message);
    error.put("type", "OAuthException");
    error.put("code", code);
    if (subcode != null) {
      error.put("error_subcode", subcode);
    }
    error.put("fbtrace_id", FakeHttp.randomValue("A").substring(0, 12));
    return Reply.json(400, Map.of("error", error));
  }

  private static Reply instagramError(String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error_type", "OAuthException");
    body.put("code", 400);
    body.put("error_message", message);
    return Reply.json(400, body);
  }
}
