package io.credflow.demo;

import io.credflow.common.Secret;
import io.javalin.config.RoutesConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A small OAuth 2.0 provider inside Credflow, for {@code serve --demo} only: a newcomer clicks
 * through Authenticate, signs in with any account name and watches tokens refresh, without a real
 * provider or a network. One confidential client, the authorization-code grant with PKCE (S256,
 * required), rotating refresh tokens with replay detection, and a userinfo endpoint for Verify.
 *
 * <p>Everything lives in memory and is gone at a restart; every expiry is computed from the
 * injected clock. Routes are added to Credflow's own server with {@link #register}, all under
 * {@code /demo/oauth2}; every answer carries {@code Cache-Control: no-store}.
 */
public final class DemoProvider {
  /**
   * The one client and the token lifetimes.
   *
   * <p>{@link #toString()} shows the secret masked, as {@link Secret} prints itself.
   *
   * @param accessTokenLifetime short by default, so that a newcomer sees a refresh happen
   */
  public record Settings(
      String clientId,
      Secret clientSecret,
      Duration accessTokenLifetime,
      Duration refreshTokenLifetime) {
    public static final String DEFAULT_CLIENT_ID = "credflow-demo";
    public static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(2);
    public static final Duration DEFAULT_REFRESH_TOKEN_LIFETIME = Duration.ofDays(30);

    /**
     * Fixed, so that the demo auth-client Credflow seeds keeps working across restarts; it guards
     * nothing but a provider that exists only in demo mode.
     */
    private static final String DEFAULT_CLIENT_SECRET = "credflow-demo-secret";

    public Settings {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(clientSecret, "clientSecret");
      if (clientId.isBlank() || clientSecret.reveal().isEmpty()) {
        throw new IllegalArgumentException("the demo client needs an id and a secret");
      }
      positive(accessTokenLifetime, "accessTokenLifetime");
      positive(refreshTokenLifetime, "refreshTokenLifetime");
    }

    /**
     * Client {@value #DEFAULT_CLIENT_ID}, access tokens of 2 minutes, refresh tokens of 30 days.
     */
    public static Settings defaults() {
      return new Settings(
          DEFAULT_CLIENT_ID,
          Secret.of(DEFAULT_CLIENT_SECRET),
          DEFAULT_ACCESS_TOKEN_LIFETIME,
          DEFAULT_REFRESH_TOKEN_LIFETIME);
    }

    public Settings withAccessTokenLifetime(Duration lifetime) {
      return new Settings(clientId, clientSecret, lifetime, refreshTokenLifetime);
    }

    public Settings withRefreshTokenLifetime(Duration lifetime) {
      return new Settings(clientId, clientSecret, accessTokenLifetime, lifetime);
    }

    private static void positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
    }
  }

  private final Settings settings;
  private final Addresses addresses;
  private final AuthorizeEndpoint authorize;
  private final TokenEndpoint token;
  private final UserinfoEndpoint userinfo;

  private DemoProvider(Clock clock, Supplier<URI> publicUrl, Settings settings) {
    this.settings = settings;
    this.addresses = new Addresses(publicUrl);
    Grants grants =
        new Grants(
            clock,
            settings.accessTokenLifetime(),
            settings.refreshTokenLifetime(),
            Grants.DEFAULT_LIMIT);
    this.authorize = new AuthorizeEndpoint(grants, settings.clientId(), addresses);
    this.token = new TokenEndpoint(grants, settings.clientId(), settings.clientSecret(), addresses);
    this.userinfo = new UserinfoEndpoint(grants);
  }

  /** A provider below {@code publicUrl}, the absolute URL users reach Credflow at. */
  public static DemoProvider create(Clock clock, URI publicUrl, Settings settings) {
    Objects.requireNonNull(publicUrl, "publicUrl");
    if (!publicUrl.isAbsolute() || publicUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "the public URL must be absolute, like http://localhost:8080, was " + publicUrl);
    }
    return create(clock, () -> publicUrl, settings);
  }

  /**
   * A provider below the public URL {@code publicUrl} supplies when asked: for a server on port 0,
   * whose URL is known only once it listens. It is asked on every request and must then be an
   * absolute URL.
   */
  public static DemoProvider create(Clock clock, Supplier<URI> publicUrl, Settings settings) {
    return new DemoProvider(
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(publicUrl, "publicUrl"),
        Objects.requireNonNull(settings, "settings"));
  }

  /** Adds the provider's routes to a server; call once, before it starts. */
  public void register(RoutesConfig routes) {
    // Tokens, codes and pages with one-time references: no cache may keep any of them (RFC 6749
    // §5.1), errors and redirects included.
    routes.before(
        Addresses.BASE_PATH + "/*",
        ctx -> ctx.header("Cache-Control", "no-store").header("Pragma", "no-cache"));
    routes.get(Addresses.BASE_PATH + "/authorize", authorize::show);
    routes.post(Addresses.BASE_PATH + "/authorize", authorize::answer);
    routes.post(Addresses.BASE_PATH + "/token", token::handle);
    routes.get(Addresses.BASE_PATH + "/userinfo", userinfo::handle);
  }

  public URI authorizationEndpoint() {
    return addresses.endpoint("authorize");
  }

  public URI tokenEndpoint() {
    return addresses.endpoint("token");
  }

  public URI userinfoEndpoint() {
    return addresses.endpoint("userinfo");
  }

  /** The one redirect URI the client may use: Credflow's callback below the public URL. */
  public URI redirectUri() {
    return addresses.redirectUri();
  }

  public String clientId() {
    return settings.clientId();
  }

  public Secret clientSecret() {
    return settings.clientSecret();
  }

  /** The scopes an authorization request may ask for. */
  public List<String> scopes() {
    return DemoScope.names();
  }
}
