package io.credflow.credential;

import io.credflow.authclient.ApiKeySettings;
import io.credflow.authclient.AuthClient;
import io.credflow.common.CredflowException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * What can be checked of a credential without a verify request, i.e. without calling the API it is
 * for: an OAuth2 credential has a live token (refreshed first when it is within the refresh skew);
 * a basic or api_key credential has its fields. Never says more than it checked.
 */
final class OfflineCheck {
  private final CredentialLookup lookup;
  private final Clock clock;

  OfflineCheck(CredentialLookup lookup, Clock clock) {
    this.lookup = lookup;
    this.clock = clock;
  }

  Verification check(Credential c, AuthClient authClient) {
    return switch (c.secrets()) {
      case CredentialSecrets.Unreadable u -> failed(reason(c));
      case CredentialSecrets.None n -> ok("a noauth credential holds nothing to check");
      case CredentialSecrets.Basic b ->
          b.username().isEmpty()
              ? failed("its user name is empty")
              : b.password().reveal().isEmpty()
                  ? failed("its password is empty")
                  : ok("its user name and password are present (not tried: no verify_request)");
      case CredentialSecrets.ApiKey k -> apiKey(k, authClient);
      case CredentialSecrets.Tokens t -> tokens(c, authClient);
    };
  }

  private Verification apiKey(CredentialSecrets.ApiKey k, AuthClient authClient) {
    if (k.value().filter(v -> !v.reveal().isEmpty()).isPresent()) {
      return ok("its own key is present (not tried: no verify_request)");
    }
    boolean shared =
        authClient.settings() instanceof ApiKeySettings s
            && s.value().filter(v -> !v.reveal().isEmpty()).isPresent();
    return shared
        ? ok(
            "it uses the shared key of auth-client "
                + authClient.id()
                + ", which is present (not tried: no verify_request)")
        : failed("it has no key, and auth-client " + authClient.id() + " shares none");
  }

  private Verification tokens(Credential c, AuthClient authClient) {
    if (c.state() == CredentialState.NEEDS_REAUTH) {
      return failed(reason(c));
    }
    Credential fresh;
    try {
      fresh = lookup.freshened(c, authClient);
    } catch (CredflowException e) {
      return failed("refreshing its token failed: " + e.getMessage());
    }
    if (fresh.state() != CredentialState.READY) {
      return failed(reason(fresh));
    }
    Instant now = clock.instant();
    if (fresh.expiresBefore(now)) {
      return failed("its access token expired at " + fresh.expiresAt().orElseThrow());
    }
    return ok(
        (fresh.version() != c.version() ? "its token was refreshed just now and " : "its ")
            + "access token is live"
            + fresh.expiresAt().map(e -> " until " + e).orElse("")
            + " (not tried: no verify_request)");
  }

  private static String reason(Credential c) {
    return "it is " + c.state().wireName() + c.error().map(e -> ": " + e.detail()).orElse("");
  }

  private Verification ok(String detail) {
    return new Verification(true, clock.instant(), false, Optional.empty(), detail);
  }

  private Verification failed(String detail) {
    return new Verification(false, clock.instant(), false, Optional.empty(), detail);
  }
}
