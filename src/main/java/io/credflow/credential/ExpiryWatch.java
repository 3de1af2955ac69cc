package io.credflow.credential;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientSettings;
import io.credflow.authclient.KnownLifetimes;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.Sleeper;
import io.credflow.common.Timing;
import io.credflow.common.Transactions;
import io.credflow.component.AuthClientType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns ahead of time of what will stop a credential from working that no refresh can renew: its
 * refresh token's expiry (the provider's {@code refresh_token_expires_in}, else the auth-client's
 * {@code refresh_token_lifetime} counted from when that refresh token was issued) and its oauth2
 * auth-client's {@code client_secret_expires_at}. A sweep records one {@code
 * credential.expiring_soon} event per credential and expiry once it falls within the warning
 * window; a new expiry (re-authentication, a rotated refresh token, a replaced secret) may warn
 * again. Instagram tokens are not watched: Credflow renews them itself, and a renewal that fails
 * says so with its own events.
 */
public final class ExpiryWatch implements ExpiryListener, AutoCloseable {
  /** How far ahead expiries are warned about (--expiry-warning / CREDFLOW_EXPIRY_WARNING). */
  public static final Duration DEFAULT_WARNING = Duration.ofDays(7);

  /** How often a process sweeps. */
  public static final Duration DEFAULT_SWEEP = Duration.ofMinutes(15);

  /**
   * Expiries this close are the same expiry: a provider that says the remaining lifetime on every
   * refresh gives an instant that moves by the time its answers take, which must not warn again.
   */
  static final Duration SAME_EXPIRY = Duration.ofMinutes(1);

  /** The kinds whose expiries are stored per credential (client secrets are the auth-client's). */
  private static final List<Expiries.Kind> WATCHED =
      List.of(Expiries.Kind.REFRESH_TOKEN, Expiries.Kind.ACCESS_TOKEN);

  private static final int BATCH = 500;
  private static final int MAX_ROUNDS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(ExpiryWatch.class);

  private final Expiries store;
  private final Function<String, Optional<AuthClient>> authClients;
  private final EventLog events;
  private final Transactions transactions;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration warning;
  private volatile Thread sweeper;

  public ExpiryWatch(
      Expiries store,
      Function<String, Optional<AuthClient>> authClients,
      EventLog events,
      Transactions transactions,
      Timing timing,
      Duration warning) {
    if (warning.isNegative()) {
      throw new IllegalArgumentException("the warning window must not be negative: " + warning);
    }
    this.store = store;
    this.authClients = authClients;
    this.events = events;
    this.transactions = transactions;
    this.clock = timing.clock();
    this.sleeper = timing.sleeper();
    this.warning = warning;
  }

  /** How far ahead expiries are warned about. */
  public Duration warning() {
    return warning;
  }

  /**
   * After new tokens were stored for {@code c} (made with an auth-client of {@code settings}):
   * records when its refresh token expires. {@code reported} is what the provider said; else a
   * {@code newRefreshToken} lives the auth-client's {@code refresh_token_lifetime} (or its
   * provider's documented one, {@link KnownLifetimes}) from now; a refresh token kept from before
   * keeps its expiry. Call within the transaction that stored them.
   */
  @Override
  public void issued(
      Credential c,
      AuthClientSettings settings,
      Optional<Instant> reported,
      boolean newRefreshToken) {
    if (c.type() == AuthClientType.OAUTH2_INSTAGRAM) {
      // Renewed: the long-lived token needs no warning any more.
      store.clear(c.id(), Expiries.Kind.ACCESS_TOKEN);
      return;
    }
    if (!(settings instanceof OAuth2Settings oauth2) || !c.hasRefreshToken()) {
      store.clear(c.id(), Expiries.Kind.REFRESH_TOKEN);
      return;
    }
    Instant now = clock.instant();
    Optional<Instant> expiresAt =
        reported.or(
            () ->
                newRefreshToken
                    ? oauth2
                        .refreshTokenLifetime()
                        .or(
                            () ->
                                KnownLifetimes.refreshToken(oauth2.tokenUri())
                                    .map(Duration::toSeconds))
                        .map(now::plusSeconds)
                    : Optional.empty());
    if (expiresAt.isPresent()) {
      keepOrSet(c.id(), Expiries.Kind.REFRESH_TOKEN, expiresAt.get());
    } else if (newRefreshToken) {
      // A new refresh token whose lifetime nobody said: the old one's expiry is not its own.
      store.clear(c.id(), Expiries.Kind.REFRESH_TOKEN);
    }
  }

  /**
   * After a refresh of {@code c} failed (and is retried later): an Instagram long-lived token,
   * which Credflow renews itself, now expires unless a retry succeeds, and is watched until then.
   */
  @Override
  public void refreshFailed(Credential c) {
    if (c.type() == AuthClientType.OAUTH2_INSTAGRAM && c.expiresAt().isPresent()) {
      keepOrSet(c.id(), Expiries.Kind.ACCESS_TOKEN, c.expiresAt().get());
    }
  }

  /** Stores {@code expiresAt} unless the same expiry is stored; returns the one stored. */
  private Instant keepOrSet(String credentialId, Expiries.Kind kind, Instant expiresAt) {
    Optional<Instant> same =
        store
            .find(credentialId, kind)
            .map(Expiries.Expiry::expiresAt)
            .filter(e -> Duration.between(e, expiresAt).abs().compareTo(SAME_EXPIRY) <= 0);
    if (same.isPresent()) {
      return same.get();
    }
    store.set(credentialId, kind, expiresAt);
    return store.find(credentialId, kind).map(Expiries.Expiry::expiresAt).orElse(expiresAt);
  }

  /**
   * What expires of a credential: its refresh token and its auth-client's client secret, when
   * known, and whether either falls within the warning window.
   */
  public record Status(
      Optional<Instant> refreshTokenExpiresAt,
      Optional<Instant> clientSecretExpiresAt,
      boolean expiringSoon) {
    public static final Status NONE = new Status(Optional.empty(), Optional.empty(), false);
  }

  /** The status of {@code c}, made with an auth-client of {@code settings}. */
  public Status status(Credential c, Optional<AuthClientSettings> settings) {
    return statuses(List.of(c), id -> settings).get(c.id());
  }

  /** The statuses of several credentials, by id; {@code settings} reads an auth-client's. */
  public Map<String, Status> statuses(
      List<Credential> credentials, Function<String, Optional<AuthClientSettings>> settings) {
    Map<String, Instant> refresh = new HashMap<>();
    Map<String, Instant> renewal = new HashMap<>();
    List<String> ids = credentials.stream().map(Credential::id).toList();
    for (Expiries.Expiry e : store.of(ids)) {
      switch (e.kind()) {
        case REFRESH_TOKEN -> refresh.put(e.credentialId(), e.expiresAt());
        case ACCESS_TOKEN -> renewal.put(e.credentialId(), e.expiresAt());
        case CLIENT_SECRET -> {
          // Read from the auth-client's settings: the row only remembers the warning.
        }
      }
    }
    Map<String, Optional<AuthClientSettings>> read = new HashMap<>();
    Map<String, Status> out = new HashMap<>();
    for (Credential c : credentials) {
      Optional<AuthClientSettings> s =
          c.type().isOAuth() ? read.computeIfAbsent(c.authClientId(), settings) : Optional.empty();
      out.put(
          c.id(),
          status(
              Optional.ofNullable(refresh.get(c.id())),
              Optional.ofNullable(renewal.get(c.id())),
              s));
    }
    return out;
  }

  private Status status(
      Optional<Instant> refreshToken,
      Optional<Instant> failedRenewal,
      Optional<AuthClientSettings> settings) {
    Optional<Instant> clientSecret = clientSecretExpiry(settings);
    Instant horizon = clock.instant().plus(warning);
    boolean soon =
        refreshToken.filter(e -> e.isBefore(horizon)).isPresent()
            || failedRenewal.filter(e -> e.isBefore(horizon)).isPresent()
            || clientSecret.filter(e -> e.isBefore(horizon)).isPresent();
    return new Status(refreshToken, clientSecret, soon);
  }

  private static Optional<Instant> clientSecretExpiry(Optional<AuthClientSettings> settings) {
    return settings
        .filter(OAuth2Settings.class::isInstance)
        .map(OAuth2Settings.class::cast)
        .flatMap(OAuth2Settings::clientSecretExpiresAt);
  }

  /**
   * One thing of a credential that expires within the warning window: its refresh token, or (named
   * by {@code authClientId}) its auth-client's client secret.
   */
  public record Expiring(
      String credentialId,
      String credentialName,
      Expiries.Kind kind,
      Instant expiresAt,
      Optional<String> authClientId) {}

  /**
   * What of workspace {@code workspaceId} expires within the warning window (or has expired),
   * soonest first. The caller has checked that the workspace may be read.
   */
  List<Expiring> expiringIn(String workspaceId) {
    Instant horizon = clock.instant().plus(warning);
    List<Expiring> out = new ArrayList<>();
    for (Expiries.Kind kind : WATCHED) {
      for (Expiries.Expiry e : store.dueIn(workspaceId, kind, horizon)) {
        out.add(
            new Expiring(
                e.credentialId(), e.credentialName(), e.kind(), e.expiresAt(), Optional.empty()));
      }
    }
    for (String authClientId : store.authClientsUsedIn(workspaceId)) {
      Optional<Instant> secret =
          clientSecretExpiry(authClients.apply(authClientId).map(AuthClient::settings))
              .filter(e -> e.isBefore(horizon));
      if (secret.isEmpty()) {
        continue;
      }
      for (Expiries.Holder h : store.credentialsOf(authClientId, Optional.of(workspaceId))) {
        out.add(
            new Expiring(
                h.credentialId(),
                h.name(),
                Expiries.Kind.CLIENT_SECRET,
                secret.get(),
                Optional.of(authClientId)));
      }
    }
    out.sort(Comparator.comparing(Expiring::expiresAt).thenComparing(Expiring::credentialName));
    return out;
  }

  /**
   * Records a {@code credential.expiring_soon} event for every expiry within the warning window not
   * warned about yet, once each, whichever process sweeps; returns how many it recorded.
   */
  public int sweep() {
    Instant now = clock.instant();
    Instant horizon = now.plus(warning);
    int warned = 0;
    for (String authClientId : store.authClientsWithSecretExpiry()) {
      Optional<AuthClient> authClient = authClients.apply(authClientId);
      Optional<Instant> secret =
          clientSecretExpiry(authClient.map(AuthClient::settings)).filter(e -> e.isBefore(horizon));
      if (secret.isEmpty()) {
        continue;
      }
      List<Expiries.Holder> holders =
          store.notWarned(
              authClientId,
              Expiries.Kind.CLIENT_SECRET,
              secret.get().minus(SAME_EXPIRY),
              secret.get().plus(SAME_EXPIRY));
      for (Expiries.Holder h : holders) {
        if (transactions.inTransaction(
            () -> {
              Instant stored =
                  keepOrSet(h.credentialId(), Expiries.Kind.CLIENT_SECRET, secret.get());
              Expiries.Expiry e =
                  new Expiries.Expiry(
                      h.credentialId(),
                      h.workspaceId(),
                      h.name(),
                      Expiries.Kind.CLIENT_SECRET,
                      stored,
                      Optional.empty());
              return warn(e, now, clientSecretDetail(authClientId, secret.get(), now));
            })) {
          warned++;
        }
      }
    }
    for (Expiries.Kind kind : WATCHED) {
      for (int round = 0; round < MAX_ROUNDS; round++) {
        List<Expiries.Expiry> due = store.unwarned(kind, horizon, BATCH);
        for (Expiries.Expiry e : due) {
          if (transactions.inTransaction(() -> warn(e, now, detail(e, now)))) {
            warned++;
          }
        }
        if (due.size() < BATCH) {
          break;
        }
      }
    }
    return warned;
  }

  /**
   * Marks the expiry warned and records its event; neither when another process did, or the expiry
   * changed meanwhile (a new one is found by the next look).
   */
  private boolean warn(Expiries.Expiry e, Instant now, String detail) {
    if (!store.markWarned(e.credentialId(), e.kind(), e.expiresAt(), now)) {
      return false;
    }
    events.record(
        new CredentialEvent(
            0, e.credentialId(), e.workspaceId(), CredentialEvent.EXPIRING_SOON, detail, now));
    return true;
  }

  private static String detail(Expiries.Expiry e, Instant now) {
    String when = (e.expiresAt().isAfter(now) ? "expires at " : "expired at ") + e.expiresAt();
    return switch (e.kind()) {
      case REFRESH_TOKEN ->
          "the refresh token "
              + when
              + ": reconnect the credential (Authenticate again) before then, or it will need a"
              + " person to authenticate it again";
      case ACCESS_TOKEN ->
          "the Instagram token "
              + when
              + " and renewing it has failed (retried meanwhile): reconnect the credential before"
              + " then";
      case CLIENT_SECRET -> "the client secret " + when;
    };
  }

  private static String clientSecretDetail(String authClientId, Instant expiresAt, Instant now) {
    return "the client secret of auth-client "
        + authClientId
        + (expiresAt.isAfter(now) ? " expires at " : " expired at ")
        + expiresAt
        + ": replace client_secret (and client_secret_expires_at) on the auth-client before then,"
        + " or the credential stops refreshing";
  }

  /** Sweeps every {@code every} in the background until closed. */
  public ExpiryWatch start(Duration every) {
    sweeper =
        Thread.ofPlatform()
            .daemon()
            .name("credflow-expiry-sweep")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      sweep();
                    } catch (RuntimeException e) {
                      LOG.warn("expiry sweep failed: {}", e.getMessage());
                    }
                    try {
                      sleeper.sleep(every);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    return this;
  }

  /** Stops the background sweep, waiting (briefly) for one under way to end before the database. */
  @Override
  public void close() {
    Thread t = sweeper;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
