package io.credflow.authclient;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Refresh token lifetimes that providers document but do not say in their token responses, by the
 * host of their token endpoint. Each lives that long from when it was issued, and a refresh issues
 * a new one (the providers below rotate them), so a credential used at least that often never
 * expires. An auth-client's own {@code refresh_token_lifetime} overrides this, and a token
 * response's {@code refresh_token_expires_in} overrides both.
 */
public final class KnownLifetimes {
  private static final Map<String, Duration> REFRESH_TOKENS =
      Map.of(
          // Microsoft identity platform: 90 days for every client but single-page apps.
          "login.microsoftonline.com", Duration.ofDays(90),
          // Xero: 60 days.
          "identity.xero.com", Duration.ofDays(60),
          // Box: 60 days, and each is used once.
          "api.box.com", Duration.ofDays(60));

  private KnownLifetimes() {}

  /** How long a refresh token from the provider at {@code tokenUri} lives, where documented. */
  public static Optional<Duration> refreshToken(URI tokenUri) {
    String host = tokenUri.getHost();
    return host == null
        ? Optional.empty()
        : Optional.ofNullable(REFRESH_TOKENS.get(host.toLowerCase(Locale.ROOT)));
  }
}
