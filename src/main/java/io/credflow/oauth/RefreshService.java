package io.credflow.oauth;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.ConflictException;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Secret;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialError;
import io.credflow.credential.CredentialEvent;
import io.credflow.credential.CredentialRepository;
import io.credflow.credential.CredentialSecrets;
import io.credflow.credential.CredentialState;
import io.credflow.credential.EventLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes OAuth2 credentials so that no account is ever lost: one refresh of a credential at a
 * time in this process (every caller joins the one in flight) and across processes (a lease on the
 * schedule row); after taking the lease the credential is read again and nobody is called when
 * another process already refreshed it; new tokens are written with a compare-and-set on the
 * credential's version before anyone gets them.
 */
public final class RefreshService {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshService.class);
  private static final Duration WAIT_STEP = Duration.ofMillis(20);

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
  private final Function<String, Optional<AuthClient>> authClients;
  private final RefreshSchedule schedule;
  private final TokenClient tokenClient;
  private final EventLog events;
  private final RefreshPolicy policy;
  private final Clock clock;
  private final String owner = "process-" + Ids.newId();

  /** A refresh under way in this process, and what started it. */
  private record Run(CompletableFuture<Credential> result, Trigger trigger) {}

  private final ConcurrentHashMap<String, Run> inFlight = new ConcurrentHashMap<>();

  private final java.util.List<java.util.function.Consumer<String>> changeListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Calls {@code listener} with a credential's id after this service wrote it (new tokens or a new
   * state), for whoever keeps what it derived from the credential.
   */
  public void onChange(java.util.function.Consumer<String> listener) {
    changeListeners.add(listener);
  }

  public RefreshService(
      CredentialRepository credentials,
      Function<String, Optional<AuthClient>> authClients,
      RefreshSchedule schedule,
      TokenClient tokenClient,
      EventLog events,
      RefreshPolicy policy,
      Clock clock) {
    this.credentials = credentials;
    this.authClients = authClients;
    this.schedule = schedule;
    this.tokenClient = tokenClient;
    this.events = events;
    this.policy = policy;
    this.clock = clock;
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
   * {@code needs_reauth}/{@code error} with the reason.
   */
  public Credential refresh(String id, Trigger trigger) {
    CompletableFuture<Credential> mine = new CompletableFuture<>();
    Run run = new Run(mine, trigger);
    Run running = inFlight.putIfAbsent(id, run);
    if (running != null) {
      Credential joined;
      try {
        joined = running.result().join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      // A scheduled run gives up at once when another process holds the lease, and returns the
      // credential as stored, before that process has stored its new tokens. A caller that needs
      // a fresh token must not take the old one from it: it refreshes (or waits) itself.
      if (running.trigger() instanceof Trigger.Scheduled
          && !(trigger instanceof Trigger.Scheduled)
          && stillNeeded(joined, trigger)) {
        return refresh(id, trigger);
      }
      return joined;
    }
    try {
      Credential result = leased(id, trigger);
      mine.complete(result);
      return result;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(id, run);
    }
  }

  /** Refreshes in flight in this process right now (for tests and metrics). */
  public int inFlight() {
    return inFlight.size();
  }

  private Credential leased(String id, Trigger trigger) {
    if (trigger instanceof Trigger.Scheduled) {
      Instant now = clock.instant();
      if (!schedule.tryLeaseIfDue(id, owner, now, now.plus(policy.leaseLength()))) {
        // Another process has it, or it is no longer due: nothing to do here.
        return credentials.find(id).orElseThrow(() -> new NotFoundException("credential", id));
      }
      return underLease(id, trigger);
    }
    long deadline = System.nanoTime() + policy.leaseLength().multipliedBy(2).toNanos();
    boolean rowChecked = false;
    while (true) {
      Instant now = clock.instant();
      if (schedule.tryLease(id, owner, now, now.plus(policy.leaseLength()))) {
        break;
      }
      if (!rowChecked && schedule.find(id).isEmpty()) {
        // No schedule yet (tokens stored before the schedule existed): make one, then lease it.
        Credential c =
            credentials.find(id).orElseThrow(() -> new NotFoundException("credential", id));
        schedule.schedule(id, Optional.empty(), c.updatedAt());
        rowChecked = true;
        continue;
      }
      rowChecked = true;
      // Another process holds the lease: wait for it, and take its result when it refreshed.
      sleep(WAIT_STEP);
      Credential current =
          credentials.find(id).orElseThrow(() -> new NotFoundException("credential", id));
      if (!stillNeeded(current, trigger)) {
        return current;
      }
      if (System.nanoTime() > deadline) {
        throw new ConflictException(
            "refresh_in_progress",
            "credential " + id + " is being refreshed by another process; try again shortly");
      }
    }
    return underLease(id, trigger);
  }

  private Credential underLease(String id, Trigger trigger) {
    boolean released = false;
    try {
      // Read again under the lease: another process may have refreshed since we looked.
      Credential current =
          credentials.find(id).orElseThrow(() -> new NotFoundException("credential", id));
      if (!stillNeeded(current, trigger)) {
        if (trigger instanceof Trigger.Scheduled
            && current.state() == CredentialState.NEEDS_REAUTH) {
          // Marked by a process that stopped before it stopped the schedule: stop it now, or the
          // row is due on every poll and, oldest first, crowds the due batch.
          stopSchedule(id, clock.instant());
        }
        return current;
      }
      Result result = refreshLeased(current, trigger);
      released = result.released();
      return result.credential();
    } finally {
      if (!released) {
        schedule.release(id, owner);
      }
    }
  }

  /** A refresh's credential, and whether its last write already gave the lease back. */
  private record Result(Credential credential, boolean released) {
    static Result kept(Credential c) {
      return new Result(c, false);
    }
  }

  private boolean stillNeeded(Credential c, Trigger trigger) {
    // A credential that needs a person is left alone unless a person asks; one in error (expired
    // while the provider failed) keeps being retried, so it recovers when the provider does.
    if (c.state() == CredentialState.NEEDS_REAUTH && !(trigger instanceof Trigger.Forced)) {
      return false;
    }
    Instant now = clock.instant();
    return switch (trigger) {
      case Trigger.OnUse u -> policy.dueForUse(c.expiresAt(), now);
      case Trigger.Forced f -> c.version() == f.seenVersion();
      // Leased only while due (tryLeaseIfDue); outside the lease, due means due now.
      case Trigger.Scheduled s -> true;
    };
  }

  private Result refreshLeased(Credential c, Trigger trigger) {
    AuthClient authClient =
        authClients
            .apply(c.authClientId())
            .orElseThrow(() -> new NotFoundException("auth-client", c.authClientId()));
    if (!(c.secrets() instanceof CredentialSecrets.Tokens tokens)) {
      throw new ConflictException("not_refreshable", "credential " + c.id() + " has no tokens");
    }
    Instant now = clock.instant();
    TokenOutcome outcome;
    long defaultLifetime;
    switch (authClient.settings()) {
      case OAuth2Settings s -> {
        defaultLifetime = s.tokenExpiresIn();
        if (tokens.refreshToken().isEmpty()) {
          return Result.kept(withoutRefreshToken(c, now));
        }
        outcome = tokenClient.refresh(s, tokens.refreshToken().get());
      }
      case InstagramSettings s -> {
        defaultLifetime = s.tokenExpiresIn();
        Instant issued =
            schedule.find(c.id()).map(RefreshSchedule.Entry::tokenIssuedAt).orElse(c.updatedAt());
        if (now.isBefore(issued.plus(RefreshPolicy.INSTAGRAM_MIN_AGE))) {
          // Instagram refuses refreshes of tokens younger than 24 hours: never call it early.
          schedule.schedule(
              c.id(), Optional.of(issued.plus(RefreshPolicy.INSTAGRAM_MIN_AGE)), issued);
          return Result.kept(c);
        }
        if (c.expiresBefore(now)) {
          return Result.kept(
              needsReauth(
                  c,
                  "instagram_token_expired",
                  "the long-lived Instagram token expired before it could be refreshed: authenticate"
                      + " again"));
        }
        outcome = tokenClient.instagramRefresh(s, tokens.accessToken());
      }
      default ->
          throw new ConflictException(
              "not_refreshable", "credential " + c.id() + " is not an OAuth2 credential");
    }
    return switch (outcome) {
      case TokenOutcome.Issued issued ->
          new Result(persist(c, tokens, issued, defaultLifetime, now, trigger), true);
      case TokenOutcome.Refused refused -> Result.kept(refused(c, authClient, refused, now));
      case TokenOutcome.Unavailable unavailable ->
          Result.kept(failed(c, "provider_unavailable", unavailable.reason(), now));
      case TokenOutcome.Blocked blocked -> Result.kept(blocked(c, authClient, blocked, now));
    };
  }

  private Credential persist(
      Credential c,
      CredentialSecrets.Tokens old,
      TokenOutcome.Issued issued,
      long defaultLifetime,
      Instant now,
      Trigger trigger) {
    // A response without a new refresh token keeps the old one (no rotation at this provider).
    CredentialSecrets.Tokens fresh =
        new CredentialSecrets.Tokens(
            issued.accessToken(), issued.refreshToken().or(old::refreshToken));
    Optional<Instant> expiresAt =
        Optional.of(now.plusSeconds(issued.expiresIn().orElse(defaultLifetime)));
    Optional<String> scope = issued.scope().or(c::scope);
    Credential base = c;
    for (int attempt = 0; attempt < 5; attempt++) {
      Credential updated = base.withSecrets(fresh, expiresAt, scope);
      if (credentials.compareAndSet(updated)) {
        Credential stored = updated.withVersion(updated.version() + 1);
        changeListeners.forEach(l -> l.accept(c.id()));
        schedule.refreshed(c.id(), owner, policy.nextRefresh(c.type(), now, expiresAt), now);
        events.record(
            CredentialEvent.of(
                stored,
                CredentialEvent.REFRESHED,
                "tokens refreshed ("
                    + describe(trigger)
                    + "); the new access token expires at "
                    + expiresAt.get(),
                now));
        return stored;
      }
      // Someone else wrote (a rename, a re-authentication). Keep ours only over the same grant.
      Credential reread = reread(c.id());
      if (!sameRefreshToken(reread, old)) {
        LOG.info(
            "credential {} was re-authenticated during a refresh; the refresh is discarded",
            c.id());
        return reread;
      }
      base = reread;
    }
    throw new ConflictException(
        "version_conflict", "credential " + c.id() + " kept changing while it was refreshed");
  }

  private static boolean sameRefreshToken(Credential c, CredentialSecrets.Tokens old) {
    if (!(c.secrets() instanceof CredentialSecrets.Tokens now)) {
      return false;
    }
    return now.refreshToken().map(Secret::reveal).equals(old.refreshToken().map(Secret::reveal))
        && now.accessToken().sameAs(old.accessToken());
  }

  private Credential refused(
      Credential c, AuthClient authClient, TokenOutcome.Refused refused, Instant now) {
    OAuthError error = refused.error();
    if (error.meansReauthentication()) {
      return needsReauth(
          c,
          error.code(),
          "the provider refused the refresh ("
              + error.describe()
              + "): the grant was revoked or expired; authenticate the credential again");
    }
    if (error.meansClientMisconfigured()) {
      return failed(
          c,
          "auth_client_misconfigured",
          "the provider refused auth-client "
              + authClient.id()
              + " ("
              + authClient.type().wireName()
              + ") with "
              + error.describe()
              + ": fix its client_id/client_secret",
          now);
    }
    return failed(
        c,
        "refresh_refused",
        "the provider refused the refresh with "
            + error.describe()
            + " (HTTP "
            + refused.httpStatus()
            + ")",
        now);
  }

  /**
   * The token endpoint is on an address Credflow does not call: like a wrong client secret, a
   * problem of the auth-client's configuration, retried with backoff so a fixed auth-client (or a
   * server restarted with {@code --allow-private-network}) recovers by itself.
   */
  private Credential blocked(
      Credential c, AuthClient authClient, TokenOutcome.Blocked blocked, Instant now) {
    return failed(
        c,
        "auth_client_misconfigured",
        blocked
            .refusal()
            .about(
                "the token endpoint of auth-client "
                    + authClient.id()
                    + " ("
                    + authClient.type().wireName()
                    + ") was not called")
            .getMessage(),
        now);
  }

  private Credential withoutRefreshToken(Credential c, Instant now) {
    if (c.expiresBefore(now.plus(Duration.ofSeconds(1)))) {
      return needsReauth(
          c,
          "no_refresh_token",
          "the access token expired and the provider issued no refresh token: authenticate the"
              + " credential again");
    }
    // Still valid: nothing to do until it expires; then it needs a person.
    schedule.schedule(
        c.id(),
        c.expiresAt(),
        schedule.find(c.id()).map(RefreshSchedule.Entry::tokenIssuedAt).orElse(now));
    return c;
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

  private Credential failed(Credential c, String code, String detail, Instant now) {
    int failures = schedule.find(c.id()).map(RefreshSchedule.Entry::failures).orElse(0) + 1;
    Instant retryAt = now.plus(policy.backoff(failures));
    schedule.failed(c.id(), Optional.of(retryAt), failures);
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

  /** Writes a state change with compare-and-set, re-reading on a conflict. */
  private Credential transition(Credential c, CredentialState state, CredentialError error) {
    Credential base = c;
    for (int attempt = 0; attempt < 5; attempt++) {
      if (credentials.compareAndSet(base.withState(state, Optional.of(error)))) {
        changeListeners.forEach(l -> l.accept(c.id()));
        return reread(c.id());
      }
      base = reread(c.id());
    }
    throw new ConflictException(
        "version_conflict", "credential " + c.id() + " kept changing while its state was set");
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

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConflictException("interrupted", "the refresh wait was interrupted");
    }
  }
}
