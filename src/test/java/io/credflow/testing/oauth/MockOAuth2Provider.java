package io.credflow.testing.oauth;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * A real, third-party OAuth 2.0 / OpenID Connect server for tests: NAV's {@code mock-oauth2-server}
 * (2.3.0) on 127.0.0.1 and a free port, with one issuer, {@value #ISSUER_ID}. Use it to show that
 * Credflow interoperates with an implementation it did not write; use {@link FakeOAuthProvider} to
 * show that Credflow is correct, because this server is lenient.
 *
 * <p>What it does and does not check, as pinned by {@code MockOAuth2ProviderTest} (found by reading
 * the 2.3.0 classes and by experiment, so these are facts of this version):
 *
 * <ul>
 *   <li><b>Login</b> is non-interactive by default: {@code GET authorize} answers 302 to {@code
 *       redirect_uri?code=…&state=…} at once (an existing query on the redirect URI is kept). The
 *       subject is random unless a test {@linkplain #enqueueLogin enqueues} one. The request is
 *       parsed as an OpenID Connect authentication request: the {@code scope} MUST contain {@code
 *       openid}, else 400 {@code invalid_request} and no redirect. So a component that uses this
 *       server needs {@code openid} among its scopes.
 *   <li><b>PKCE</b> is checked only when the token request carries a {@code code_verifier} and the
 *       code is known: a wrong verifier is 400 {@code invalid_grant}; a missing verifier is
 *       accepted. A verifier for a code whose authorization had no challenge is a 500 {@code
 *       server_error}. So it proves that Credflow's verifier matches its challenge, but cannot
 *       prove that Credflow sends one.
 *   <li><b>Codes</b> are not checked: a replayed code or a made-up one still yields tokens (for the
 *       default or next enqueued subject). {@code redirect_uri} is not compared.
 *   <li><b>Client authentication</b> is not checked: the client id must be present (form or Basic)
 *       but any secret is accepted, and a Basic header and {@code client_secret} in the form
 *       together are not refused.
 *   <li><b>Tokens</b>: signed JWT access and ID tokens ({@code iss} = {@link #issuer()}), {@code
 *       token_type} {@code Bearer}, {@code expires_in} of the login's lifetime (one hour by
 *       default, answered as 3599), and a refresh token on every code exchange.
 *   <li><b>Refresh</b> works and keeps the subject of the grant. Without rotation ({@link
 *       #start()}) the same refresh token comes back; with rotation ({@link
 *       #startWithRefreshTokenRotation()}) a new one comes back but the old one is still accepted,
 *       so it has no reuse detection. An unknown refresh token is accepted too.
 *   <li><b>Revocation</b> ({@link #revocationUri()}) requires {@code token_type_hint}; without it
 *       the answer is 400 {@code unsupported_token_type}, which RFC 7009 does not allow.
 * </ul>
 *
 * <p>It logs every refused request at ERROR, with the request URL (query included) and a stack
 * trace, under {@code no.nav.security.mock.oauth2}; a test that scans captured logs for secrets
 * should leave that logger out.
 *
 * <p>So Credflow's tests use it for the happy path end to end (authorize, callback, code exchange
 * with PKCE, refresh, bearer JWTs with a real issuer and JWKS) and rely on {@link
 * FakeOAuthProvider} for everything that must be refused: replayed codes, wrong verifiers or
 * secrets, reuse detection, error mapping.
 */
public final class MockOAuth2Provider implements AutoCloseable {
  /** The issuer id: the first path segment of every endpoint. */
  public static final String ISSUER_ID = "credflow";

  private final MockOAuth2Server server;

  private MockOAuth2Provider(boolean interactiveLogin, boolean rotateRefreshTokens) {
    // No static assets; its login page (a form asking for a subject) only when interactive.
    server =
        new MockOAuth2Server(new OAuth2Config(interactiveLogin, null, null, rotateRefreshTokens));
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  /** Starts a server that returns the same refresh token on every refresh (the default). */
  public static MockOAuth2Provider start() {
    return new MockOAuth2Provider(false, false);
  }

  /**
   * Starts a server whose authorize endpoint shows its login page (a {@code username} field and a
   * {@code Sign-in} button) instead of redirecting at once: for browser tests, where a person signs
   * in at the provider.
   */
  public static MockOAuth2Provider startInteractive() {
    return new MockOAuth2Provider(true, true);
  }

  /** Starts a server that returns a new refresh token on every refresh. */
  public static MockOAuth2Provider startWithRefreshTokenRotation() {
    return new MockOAuth2Provider(false, true);
  }

  public URI authorizeUri() {
    return endpoint("authorize");
  }

  public URI tokenUri() {
    return endpoint("token");
  }

  public URI revocationUri() {
    return endpoint("revoke");
  }

  /** OpenID Connect userinfo: 200 with the claims for a valid bearer token, else 401. */
  public URI userinfoUri() {
    return endpoint("userinfo");
  }

  public URI jwksUri() {
    return endpoint("jwks");
  }

  /**
   * The issuer, {@code http://127.0.0.1:PORT/credflow}: the {@code iss} of tokens requested through
   * these URIs (the server derives it from the request's host).
   */
  public String issuer() {
    return "http://127.0.0.1:" + server.getConfig().getHttpServer().port() + "/" + ISSUER_ID;
  }

  /**
   * Makes the next token request (a code exchange, typically) issue tokens for {@code subject} with
   * these extra claims and lifetime; a refresh of that grant keeps them. Logins queue up in order.
   */
  public void enqueueLogin(String subject, Map<String, Object> claims, Duration lifetime) {
    server.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            ISSUER_ID, subject, "JWT", null, Map.copyOf(claims), lifetime.toSeconds()));
  }

  /**
   * Acts as the user's browser: GETs {@code authorizeUrl} with {@link java.net.http.HttpClient}
   * without following redirects and returns the {@code Location}: the callback URL with {@code
   * code} and {@code state}.
   *
   * @throws IllegalStateException when the server does not redirect (e.g. no {@code openid} scope)
   */
  public URI followAuthorization(URI authorizeUrl) {
    return FakeHttp.follow(authorizeUrl);
  }

  /** The wrapped server, for what this class does not cover (e.g. {@code takeRequest()}). */
  public MockOAuth2Server server() {
    return server;
  }

  @Override
  public void close() {
    server.shutdown();
  }

  /**
   * The library's {@code url(...)} methods name the host {@code localhost} and return OkHttp's
   * {@code HttpUrl}; its paths are {@code /ISSUER_ID/authorize} and so on. Building them here pins
   * 127.0.0.1, where it listens, and keeps OkHttp out of the compile classpath.
   */
  private URI endpoint(String name) {
    return URI.create(issuer() + "/" + name);
  }
}
