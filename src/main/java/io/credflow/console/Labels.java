package io.credflow.console;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.OAuthSettings;
import io.credflow.component.AuthClientType;
import io.credflow.component.Component;
import io.credflow.component.ViewClass;
import io.credflow.console.view.ClientChoice;
import io.credflow.console.view.CredentialRow;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialState;
import io.credflow.credential.Verification;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** The words the console shows for the domain's values, in the seed's names. */
final class Labels {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Labels() {}

  /** The seed's names: No Auth, Basic Auth, API Key Auth, OAuth2 (Instagram's too, on its view). */
  static String type(AuthClientType type, Optional<Component> component) {
    return switch (type) {
      case NOAUTH -> "No Auth";
      case BASIC -> "Basic Auth";
      case API_KEY -> "API Key Auth";
      case OAUTH2 -> "OAuth2";
      case OAUTH2_INSTAGRAM ->
          component
                  .flatMap(c -> c.descriptor().viewClass())
                  .filter(v -> v == ViewClass.OAUTH_FIELD_VIEW)
                  .isPresent()
              ? "OAuth2"
              : "OAuth2 (Instagram)";
    };
  }

  static String state(CredentialState state, Optional<Verification> last) {
    return switch (state) {
      case READY -> last.isEmpty() ? "unverified" : last.get().ok() ? "ready" : "check failed";
      case NEEDS_REAUTH -> "needs re-auth";
      case ERROR -> "error";
    };
  }

  /** The badge's class: ready, unverified, warn or error. */
  static String badge(CredentialState state, Optional<Verification> last) {
    return switch (state) {
      case READY -> last.isEmpty() ? "unverified" : last.get().ok() ? "ready" : "warn";
      case NEEDS_REAUTH -> "warn";
      case ERROR -> "error";
    };
  }

  /** An error policy as the component's form names it. */
  static String errorPolicy(io.credflow.executor.ErrorPolicy policy) {
    return switch (policy) {
      case BY_COMPONENT -> "Retry by component";
      case REBOUND -> "Use rebound functionality";
      case THROW_ERROR -> "Don't retry, throw error";
      case EMIT -> "Emit error as message, don't throw";
    };
  }

  static String when(Instant at) {
    return WHEN.format(at);
  }

  /** "in 1 h 59 min" or "3 min ago", for expiry. */
  static String relative(Instant at, Instant now) {
    Duration d = Duration.between(now, at);
    boolean past = d.isNegative();
    d = d.abs();
    String span;
    if (d.toDays() > 0) {
      span = d.toDays() + " d " + d.toHoursPart() + " h";
    } else if (d.toHours() > 0) {
      span = d.toHours() + " h " + d.toMinutesPart() + " min";
    } else if (d.toMinutes() > 0) {
      span = d.toMinutes() + " min";
    } else {
      span = d.toSeconds() + " s";
    }
    return past ? span + " ago" : "in " + span;
  }

  static CredentialRow row(Credential c, Optional<Component> component, Instant now, String base) {
    Optional<Verification> last = c.lastVerification();
    return new CredentialRow(
        c.id(),
        c.name(),
        c.type().wireName(),
        type(c.type(), component),
        badge(c.state(), last),
        state(c.state(), last),
        c.error()
            .map(e -> e.detail())
            .or(() -> last.filter(v -> !v.ok()).map(Verification::detail)),
        c.expiresAt().map(at -> when(at) + " (" + relative(at, now) + ")"),
        last.map(v -> when(v.checkedAt()) + (v.ok() ? " · works" : " · failed")),
        base + "/credentials/" + c.id());
  }

  static ClientChoice client(AuthClient a, boolean selected) {
    String level = a.owner().map(o -> o.level().wireName()).orElse("component");
    String clientIdEnd = "";
    String host = "";
    if (a.settings() instanceof OAuthSettings o) {
      String id = o.clientId();
      clientIdEnd = id.length() <= 6 ? id : id.substring(id.length() - 6);
      host = Optional.ofNullable(o.tokenUri().getHost()).orElse("");
    }
    return new ClientChoice(
        a.id(), a.name(), level, clientIdEnd, host, a.type().wireName(), selected);
  }
}
