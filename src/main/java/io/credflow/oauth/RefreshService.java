package io.credflow.oauth;

import io.credflow.audit.Actions;
import io.credflow.audit.Actor;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.AuditTrail;
import io.credflow.audit.Origin;
import io.credflow.audit.Place;
import io.credflow.audit.Subject;
import io.credflow.authclient.AuthClient;
import io.credflow.authclient.OAuthSettings;
import io.credflow.common.ConflictException;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Secret;
import io.credflow.common.SingleFlight;
import io.credflow.common.Timing;
import io.credflow.common.Transactions;
import io.credflow.component.AuthClientType;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialError;
import io.credflow.credential.CredentialEvent;
import io.credflow.credential.CredentialRepository;
import io.credflow.credential.CredentialSecrets;
import io.credflow.credential.CredentialState;
import io.credflow.credential.CredentialUpdates;
import io.credflow.credential.EventLog;
import io.credflow.credential.ExpiryListener;
import io.credflow.credential.RefreshResult;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes OAuth2 credentials so that no account is ever lost. It puts four parts together: a
 * {@link SingleFlight} (one refresh of a credential at a time in this process; every caller joins
 * the one in flight), a {@link RefreshLease} (one at a time across processes; after taking it the
 * credential is read again and nobody is called when another process already refreshed it), the
 * credential's {@link OAuthProvider} (the call itself), and {@link RefreshOutcomes} (what the
 * answer means). New tokens are written with a compare-and-set on the credential's version before
 * anyone gets them.
 */
public final class RefreshService {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshService.class);

  /** Why a refresh runs, which decides whether it is still needed once the lease is held. */
  public sealed interface Trigger {
    /** The token is about to be used and expires within the skew. */
    record OnUse() implements Trigger {}

    /** A person or a 401 asked for it; skipped when the credential changed since {@code seen}. */
    record Forced(long seenVersion) implements Trigger {}

    /** The proactive schedule found it due. */
    record Scheduled() implements Trigger {}
  }

  private final CredentialRepository credentials;
  private final CredentialUpdates updates;
  private final Function<String, Optional<AuthClient>> authClients;
  private final RefreshSchedule schedule;
  private final OAuthProviders providers;
  private final EventLog events;
  private final RefreshPolicy policy;
  private final Transactions transactions;
  private final Clock clock;
  private final RefreshLease lease;
  private final ExpiryListener expiries;
  private final AuditTrail audit;
  private final SingleFlight<String, Trigger, RefreshResult> flights = new SingleFlight<>();
  private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();
  private final RefreshMetrics metrics;

  /**
   * A refresher that tells {@code expiries} of every new token (a rotated refresh token's life),
   * writes one audit record per refresh it carries out, and counts and times its refresh attempts
   * in {@code metrics} ({@code credflow_refresh_total{type,outcome}}, {@code
   * credflow_refresh_duration_seconds{type}}). {@link ExpiryListener#NONE}, {@link AuditTrail#NONE}
   * and a {@code SimpleMeterRegistry} leave each of them out.
   */
  public RefreshService(
      CredentialRepository credentials,
      Function<String, Optional<AuthClient>> authClients,
      RefreshSchedule schedule,
      OAuthProviders providers,
      EventLog events,
      RefreshPolicy policy,
      Transactions transactions,
      Timing timing,
      ExpiryListener expiries,
      AuditTrail audit,
      MeterRegistry metrics) {
    this.expiries = expiries;
    this.audit = audit;
    this.metrics = new RefreshMetrics(metrics);
    this.credentials = credentials;
    this.updates = new CredentialUpdates(credentials);
    this.authClients = authClients;
    this.schedule = schedule;
    this.providers = providers;
    this.events = events;
    this.policy = policy;
    this.transactions = transactions;
    this.clock = timing.clock();
    this.lease =
        new RefreshLease(
            schedule,
            "process-" + Ids.newId(),
            policy.leaseLength(),
            timing.clock(),
            timing.sleeper());
  }

  /**
   * Calls {@code listener} with a credential's id after this service wrote it (new tokens or a new
   * state), for whoever keeps what it derived from the credential.
   */
  public void onChange(Consumer<String> listener) {
    changeListeners.add(listener);
  }

  public RefreshPolicy policy() {
    return policy;
  }

  /** The credential with a token that outlives the skew: refreshed first when it does not. */
  public Credential fresh(Credential credential) {
    if (!policy.dueForUse(credential.expiresAt(), clock.instant())) {
      return credential;
    }
    return refresh(credential.id(), new Trigger.OnUse());
  }

  /**
   * Runs (or joins) the refresh of credential {@code id}. Returns the credential as stored
   * afterwards: refreshed, unchanged (another process did it, or it was not needed), or marked
   * {@code needs_reauth}/{@code error} with the reason. {@link #attempt} also says which.
   */
  public Credential refresh(String id, Trigger trigger) {
    return attempt(id, trigger).credential();
  }

  /**
   * {@link #refresh}, with what happened: new tokens stored, nothing needed, not possible yet, a
   * refused grant (now {@code needs_reauth}) or a failure retried later. A caller that joins a
   * refresh in flight gets that refresh's outcome.
   */
  public RefreshResult attempt(String id, Trigger trigger) {
    SingleFlight.Outcome<Trigger, RefreshResult> outcome =
        flights.run(id, trigger, () -> measured(id, trigger));
    // A scheduled run gives up at once when another process holds the lease, and returns the
    // credential as stored, before that process has stored its new tokens. A caller that needs a
    // fresh token must not take the old one from it: it refreshes (or waits) itself.
    boolean joinedAScheduledRun =
        outcome.joined().filter(Trigger.Scheduled.class::isInstance).isPresent();
    if (joinedAScheduledRun
        && !(trigger instanceof Trigger.Scheduled)
        && stillNeeded(outcome.value().credential(), trigger)) {
      return attempt(id, trigger);
    }
    return outcome.value();
  }

  /** Refreshes in flight in this process right now (for tests and metrics). */
  public int inFlight() {
    return flights.inFlight();
  }

  /** {@link #leased}, counted and timed per auth-client type and outcome. */
  private RefreshResult measured(String id, Trigger trigger) {
    Instant began = clock.instant();
    try {
      RefreshResult result = leased(id, trigger);
      metrics.record(
          result.credential().type().wireName(),
          result.outcome().wireName(),
          Duration.between(began, clock.instant()));
      return result;
    } catch (RuntimeException e) {
      metrics.record(
          RefreshMetrics.UNKNOWN_TYPE,
          RefreshMetrics.ERROR,
          Duration.between(began, clock.instant()));
      throw e;
    }
  }

  private RefreshResult leased(String id, Trigger trigger) {
    Optional<Credential> readUnderLease = Optional.empty();
    if (trigger instanceof Trigger.Scheduled) {
      // The claim and the read under it share one connection and one commit: a storm of due
      // refreshes takes a pooled connection twice per refresh (here and to store), not per
      // statement.
      readUnderLease =
          transactions.inTransaction(
              () -> lease.claimIfDue(id) ? Optional.of(reread(id)) : Optional.<Credential>empty());
      if (readUnderLease.isEmpty()) {
        // Another process has it, or it is no longer due: nothing to do here.
        return notNeeded(reread(id), "another process is refreshing it, or it is no longer due");
      }
    } else if (lease.acquire(id, () -> reread(id), c -> stillNeeded(c, trigger))
        instanceof RefreshLease.Acquired.Settled settled) {
      return notNeeded(settled.current(), "another process refreshed it meanwhile");
    }
    boolean released = false;
    try {
      // Read again under the lease: another process may have refreshed since we looked.
      Credential current = readUnderLease.isPresent() ? readUnderLease.get() : reread(id);
      if (current.secretsUnreadable()) {
        // No refresh token to send until the keyset is put right or new secrets come: look again
        // with backoff rather than on every poll, and never give up on the schedule.
        backOff(id, failuresSoFar(id) + 1, clock.instant());
        return audited(
            current,
            trigger,
            new RefreshResult(
                current,
                new RefreshResult.Outcome.Failed(
                    CredentialSecrets.Unreadable.CODE,
                    current
                        .error()
                        .map(CredentialError::detail)
                        .orElse("its secrets are unreadable"))));
      }
      if (!stillNeeded(current, trigger)) {
        if (trigger instanceof Trigger.Scheduled
            && current.state() == CredentialState.NEEDS_REAUTH) {
          // Marked by a process that stopped before it stopped the schedule: stop it now, or the
          // row is due on every poll and, oldest first, crowds the due batch.
          stopSchedule(id, clock.instant());
        }
        return notNeeded(current, whyNotNeeded(current, trigger));
      }
      Applied applied = refreshLeased(current, trigger);
      released = applied.leaseReleased();
      return audited(current, trigger, applied.result());
    } finally {
      if (!released) {
        lease.release(id);
      }
    }
  }

  /**
   * Writes the audit record of a refresh this process carried out (Credflow acting, whatever asked
   * for it: the schedule, a use, a person or a 401), with its trigger and outcome; a failed write
   * does not undo the refresh.
   */
  private RefreshResult audited(Credential c, Trigger trigger, RefreshResult result) {
    try {
      audit.record(
          AuditRecord.of(
                  clock.instant(),
                  Actor.system("refresh"),
                  Actions.CREDENTIAL_REFRESH,
                  Subject.of(Subject.CREDENTIAL, c.id()),
                  Place.workspace(c.workspaceId()),
                  Origin.NONE)
              .with(
                  "trigger",
                  switch (trigger) {
                    case Trigger.OnUse u -> "on_use";
                    case Trigger.Forced f -> "forced";
                    case Trigger.Scheduled s -> "scheduled";
                  })
              .with("outcome", result.outcome().wireName()));
    } catch (RuntimeException e) {
      LOG.warn("the audit record of refreshing credential {} was not written", c.id(), e);
    }
    return result;
  }

  /** A refresh's result, and whether its last write already gave the lease back. */
  private record Applied(RefreshResult result, boolean leaseReleased) {
    Applied(Credential credential, RefreshResult.Outcome outcome, boolean leaseReleased) {
      this(new RefreshResult(credential, outcome), leaseReleased);
    }
  }

  private static RefreshResult notNeeded(Credential c, String why) {
    return new RefreshResult(c, new RefreshResult.Outcome.NotNeeded(why));
  }

  private String whyNotNeeded(Credential c, Trigger trigger) {
    if (c.state() == CredentialState.NEEDS_REAUTH && !(trigger instanceof Trigger.Forced)) {
      return "it needs a person to authenticate it again";
    }
    return switch (trigger) {
      case Trigger.OnUse u -> "its token outlives the refresh skew";
      case Trigger.Forced f -> "it changed meanwhile (another refresh or a new authentication)";
      case Trigger.Scheduled s -> "it is no longer due";
    };
  }

  private boolean stillNeeded(Credential c, Trigger trigger) {
    // A credential that needs a person is left alone unless a person asks; one in error (expired
    // while the provider failed) keeps being retried, so it recovers when the provider does.
    if (c.state() == CredentialState.NEEDS_REAUTH && !(trigger instanceof Trigger.Forced)) {
      return false;
    }
    return switch (trigger) {
      case Trigger.OnUse u -> policy.dueForUse(c.expiresAt(), clock.instant());
      case Trigger.Forced f -> c.version() == f.seenVersion();
      // Leased only while due (claimIfDue); outside the lease, due means due now.
      case Trigger.Scheduled s -> true;
    };
  }

  private Applied refreshLeased(Credential c, Trigger trigger) {
    AuthClient authClient =
        authClients
            .apply(c.authClientId())
            .orElseThrow(() -> new NotFoundException("auth-client", c.authClientId()));
    if (!(authClient.settings() instanceof OAuthSettings settings)
        || !(c.secrets() instanceof CredentialSecrets.Tokens tokens)) {
      throw new ConflictException(
          "not_refreshable", "credential " + c.id() + " has no OAuth2 tokens to refresh");
    }
    OAuthProvider provider = providers.of(settings);
    Instant now = clock.instant();
    Supplier<Instant> issuedAt = memoized(() -> tokenIssuedAt(c));
    OAuthProvider.RefreshAttempt attempt =
        provider.refresh(new OAuthProvider.RefreshRequest(tokens, issuedAt, c.expiresAt(), now));
    return switch (RefreshOutcomes.decide(attempt, authClient)) {
      case RefreshOutcomes.Decision.Store store ->
          store(c, tokens, store.issued(), provider, now, trigger);
      case RefreshOutcomes.Decision.Reschedule r -> {
        schedule.schedule(c.id(), r.at(), issuedAt.get());
        yield new Applied(c, new RefreshResult.Outcome.NotYet(notYet(c, r.at())), false);
      }
      case RefreshOutcomes.Decision.NeedsReauth n -> {
        Credential marked = needsReauth(c, n.code(), n.detail());
        yield new Applied(
            marked,
            new RefreshResult.Outcome.NeedsReauth(
                marked.error().orElse(new CredentialError(n.code(), n.detail(), now))),
            false);
      }
      case RefreshOutcomes.Decision.Retry r ->
          new Applied(
              failed(c, r.code(), r.detail(), now),
              new RefreshResult.Outcome.Failed(r.code(), r.detail()),
              false);
    };
  }

  /** Why the provider was not asked: tokens it will not refresh before {@code at}, or at all. */
  private static String notYet(Credential c, Optional<Instant> at) {
    if (c.type() == AuthClientType.OAUTH2_INSTAGRAM) {
      return "Instagram refreshes a long-lived token only once it is 24 hours old"
          + at.map(a -> ": not before " + a).orElse("");
    }
    if (!c.hasRefreshToken()) {
      return "the provider issued no refresh token: the access token works"
          + at.map(a -> " until " + a).orElse("")
          + ", then the credential needs a person to authenticate it again";
    }
    return "the provider does not refresh these tokens yet"
        + at.map(a -> ": not before " + a).orElse("");
  }

  private static <T> Supplier<T> memoized(Supplier<T> supplier) {
    return new Supplier<>() {
      private Optional<T> value = Optional.empty();

      @Override
      public T get() {
        if (value.isEmpty()) {
          value = Optional.of(supplier.get());
        }
        return value.get();
      }
    };
  }

  /** When the stored tokens were issued, as the schedule recorded it. */
  private Instant tokenIssuedAt(Credential c) {
    return schedule.find(c.id()).map(RefreshSchedule.Entry::tokenIssuedAt).orElse(c.updatedAt());
  }

  /** Stores issued tokens; a refresh discarded for a newer grant still holds the lease. */
  private Applied store(
      Credential c,
      CredentialSecrets.Tokens old,
      TokenOutcome.Issued issued,
      OAuthProvider provider,
      Instant now,
      Trigger trigger) {
    // A response without a new refresh token keeps the old one (no rotation at this provider).
    CredentialSecrets.Tokens fresh =
        new CredentialSecrets.Tokens(
            issued.accessToken(), issued.refreshToken().or(old::refreshToken));
    Optional<Instant> expiresAt =
        Optional.of(
            now.plusSeconds(issued.expiresIn().orElse(provider.settings().tokenExpiresIn())));
    Optional<String> scope = issued.scope().or(c::scope);
    // The new tokens, the next refresh (which gives the lease back) and the event land in one
    // transaction: one commit per refresh, and never tokens without their schedule.
    CredentialUpdates.Updated written =
        transactions.inTransaction(
            () -> {
              // Someone else may write meanwhile (a rename, a re-authentication): keep ours only
              // over the same grant; over a new one, the refresh is discarded.
              CredentialUpdates.Updated w =
                  updates.update(
                      c,
                      current ->
                          sameGrant(current, old)
                              ? current.withSecrets(fresh, expiresAt, scope)
                              : current);
              if (w.written()) {
                expiries.issued(
                    w.credential(),
                    provider.settings(),
                    issued.refreshTokenExpiresIn().map(now::plusSeconds),
                    rotated(old, issued));
                lease.refreshed(
                    c.id(), policy.nextRefresh(now, expiresAt, provider.earliestRefresh(now)), now);
                events.record(
                    CredentialEvent.of(
                        w.credential(),
                        CredentialEvent.REFRESHED,
                        "tokens refreshed ("
                            + describe(trigger)
                            + "); the new access token expires at "
                            + expiresAt.get(),
                        now));
              }
              return w;
            });
    if (!written.written()) {
      LOG.info(
          "credential {} was re-authenticated during a refresh; the refresh is discarded", c.id());
      return new Applied(
          written.credential(),
          new RefreshResult.Outcome.NotNeeded(
              "it was authenticated again while the refresh ran; the refresh is discarded"),
          false);
    }
    changed(c.id());
    return new Applied(written.credential(), new RefreshResult.Outcome.Refreshed(), true);
  }

  /** Whether the provider issued a refresh token other than the one presented. */
  private static boolean rotated(CredentialSecrets.Tokens old, TokenOutcome.Issued issued) {
    return issued
        .refreshToken()
        .filter(r -> old.refreshToken().map(o -> !o.sameAs(r)).orElse(true))
        .isPresent();
  }

  private static boolean sameGrant(Credential c, CredentialSecrets.Tokens old) {
    if (!(c.secrets() instanceof CredentialSecrets.Tokens now)) {
      return false;
    }
    return now.refreshToken().map(Secret::reveal).equals(old.refreshToken().map(Secret::reveal))
        && now.accessToken().sameAs(old.accessToken());
  }

  private Credential needsReauth(Credential c, String code, String detail) {
    Instant now = clock.instant();
    Credential marked =
        transition(c, CredentialState.NEEDS_REAUTH, new CredentialError(code, detail, now));
    stopSchedule(c.id(), now);
    events.record(CredentialEvent.of(marked, CredentialEvent.NEEDS_REAUTH, detail, now));
    return marked;
  }

  /** No proactive refresh until a person authenticates the credential again. */
  private void stopSchedule(String id, Instant now) {
    schedule.schedule(
        id,
        Optional.empty(),
        schedule.find(id).map(RefreshSchedule.Entry::tokenIssuedAt).orElse(now));
  }

  /** Counts a failed attempt and schedules the next one with backoff; returns when that is. */
  private Instant backOff(String id, int failures, Instant now) {
    Instant retryAt = now.plus(policy.backoff(failures));
    schedule.failed(id, Optional.of(retryAt), failures);
    return retryAt;
  }

  private int failuresSoFar(String id) {
    return schedule.find(id).map(RefreshSchedule.Entry::failures).orElse(0);
  }

  private Credential failed(Credential c, String code, String detail, Instant now) {
    int failures = failuresSoFar(c.id()) + 1;
    Instant retryAt = backOff(c.id(), failures, now);
    expiries.refreshFailed(c);
    events.record(
        CredentialEvent.of(
            c,
            CredentialEvent.REFRESH_FAILED,
            detail + "; attempt " + failures + ", next at " + retryAt,
            now));
    if (c.expiresBefore(now)) {
      Credential marked =
          transition(
              c,
              CredentialState.ERROR,
              new CredentialError(code, detail + "; the access token has expired", now));
      events.record(CredentialEvent.of(marked, CredentialEvent.ERROR, detail, now));
      return marked;
    }
    return c;
  }

  /** Writes a state change (compare-and-set), and returns the credential as stored after it. */
  private Credential transition(Credential c, CredentialState state, CredentialError error) {
    updates.update(c, current -> current.withState(state, Optional.of(error)));
    changed(c.id());
    return reread(c.id());
  }

  private void changed(String id) {
    changeListeners.forEach(l -> l.accept(id));
  }

  /** The credential as stored now; gone when it was deleted while it was being refreshed. */
  private Credential reread(String id) {
    return credentials.find(id).orElseThrow(() -> new NotFoundException("credential", id));
  }

  private static String describe(Trigger trigger) {
    return switch (trigger) {
      case Trigger.OnUse u -> "on use";
      case Trigger.Forced f -> "on request";
      case Trigger.Scheduled s -> "on schedule";
    };
  }
}
