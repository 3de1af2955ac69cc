package io.credflow.credential;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.common.BoundedCache;
import io.credflow.common.CredflowException;
import io.credflow.common.NotFoundException;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The authorizations of requests Credflow sends itself, kept in memory by credential id: a request
 * re-reads only the credential's stamp (no decryption), at most every {@link #STAMP_RECHECK} on the
 * injected clock, and rebuilds when the credential or its auth-client changed. Changes made through
 * this process drop an entry at once ({@link #forget}, and every auth-client update); a change made
 * by another process is seen within that interval, and an OAuth2 401 re-reads at once ({@link
 * #afterUnauthorized}). Each authority carries the mask of its secret, built once with it.
 *
 * <p>Every authorization handed to a request is audited: counted per credential, caller and minute
 * ({@link RequestAudit}), since an upstream may hand back whatever a request carried. {@link
 * #close()} writes what is still counted.
 */
public final class RequestAuthorities implements AutoCloseable {
  /** How long a request trusts a stamp it compared. */
  public static final Duration STAMP_RECHECK = Duration.ofSeconds(1);

  private static final long STAMP_RECHECK_MILLIS = STAMP_RECHECK.toMillis();
  private static final int KNOWN_LIMIT = 100_000;

  private final CredentialRepository repository;
  private final TenancyService tenancy;
  private final TokenLifecycle lifecycle;
  private final CredentialLookup lookup;
  private final Clock clock;
  private final RequestAudit audit;
  private final BoundedCache<String, Known> known = new BoundedCache<>(KNOWN_LIMIT);

  public RequestAuthorities(
      CredentialRepository repository,
      AuthClientService authClients,
      TenancyService tenancy,
      TokenLifecycle lifecycle,
      io.credflow.audit.AuditTrail audit,
      Clock clock) {
    this.repository = repository;
    this.tenancy = tenancy;
    this.lifecycle = lifecycle;
    this.lookup = new CredentialLookup(repository, authClients, tenancy, lifecycle);
    this.clock = clock;
    this.audit = RequestAudit.start(audit, clock);
    authClients.onChange(this::forgetAuthClient);
  }

  /**
   * An authority built from {@code stamp}, last compared with the database at {@code checkedAt}
   * (epoch millis of the injected clock).
   */
  private record Known(
      CredentialRepository.Stamp stamp,
      Authority authority,
      AuthClient authClient,
      long checkedAt) {
    Known checked(long at) {
      return new Known(stamp, authority, authClient, at);
    }

    /**
     * Whether the stamp is due for a compare at {@code now}. A clock that went back (a wall clock
     * corrected, a test clock set earlier) compares rather than trust an entry from its future.
     */
    boolean dueAt(long now) {
      return now < checkedAt || now - checkedAt > STAMP_RECHECK_MILLIS;
    }
  }

  /**
   * The authorization for a request: the credential must be ready, and an OAuth2 token within the
   * refresh skew is refreshed first. Not found unless the credential is in the caller's workspace.
   */
  public Authority forRequest(Caller caller, String workspaceId, String id) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    Known k = current(caller, ws, id);
    Credential credential = k.authority().credential();
    Credential fresh = lookup.freshened(credential, k.authClient());
    Authority authority;
    if (fresh != credential) {
      known.remove(id);
      CredentialLookup.requireReady(fresh);
      authority = Authority.of(fresh, k.authClient());
    } else {
      CredentialLookup.requireReady(credential);
      authority = k.authority();
    }
    audit.count(caller, ws, id);
    return authority;
  }

  /** Writes the request uses counted so far to the audit log (the current minute's too). */
  public void flushAudit() {
    audit.flush();
  }

  /** Stops counting in the background and writes what is counted. */
  @Override
  public void close() {
    audit.close();
  }

  /** What is known of credential {@code id}, compared with its stamp when due. */
  private Known current(Caller caller, Workspace ws, String id) {
    long now = clock.millis();
    Known k = known.get(id);
    if (k != null && !k.dueAt(now)) {
      if (!k.authority().credential().workspaceId().equals(ws.id())) {
        throw new NotFoundException("credential", id);
      }
      return k;
    }
    CredentialRepository.Stamp stamp =
        repository
            .stamp(id)
            .filter(s -> s.workspaceId().equals(ws.id()))
            .orElseThrow(() -> new NotFoundException("credential", id));
    if (k != null && k.stamp().equals(stamp)) {
      Known checked = k.checked(now);
      known.put(id, checked);
      return checked;
    }
    Credential found = lookup.find(caller, ws.id(), id);
    return remember(stamp, found, lookup.authClientOf(found), now);
  }

  private Known remember(
      CredentialRepository.Stamp stamp, Credential found, AuthClient authClient, long now) {
    // A credential read after the stamp may be newer than it: keep the stamp of what was read.
    CredentialRepository.Stamp read =
        new CredentialRepository.Stamp(
            stamp.workspaceId(), found.version(), stamp.authClientState());
    Known k = new Known(read, Authority.of(found, authClient), authClient, now);
    if (found.version() == stamp.version()) {
      known.put(found.id(), k);
    }
    return k;
  }

  /**
   * After the API answered 401 to {@code used}: the credential as stored now if another refresh
   * already replaced its token, else after one forced refresh. Empty when the credential has no
   * tokens to refresh or the refresh did not leave it ready (the caller then reports the 401).
   */
  public Optional<Authority> afterUnauthorized(Authority used) {
    Credential sent = used.credential();
    if (!sent.type().isOAuth()) {
      return Optional.empty();
    }
    Optional<Credential> current = repository.find(sent.id());
    if (current.isEmpty()) {
      return Optional.empty();
    }
    AuthClient authClient = lookup.authClientOf(current.get());
    Credential next;
    try {
      next =
          current.get().version() != sent.version()
              ? current.get()
              : lifecycle.refreshNow(current.get(), authClient);
    } catch (CredflowException e) {
      // The provider is down or refused: the caller reports the 401 it got.
      return Optional.empty();
    }
    known.remove(sent.id());
    if (next.state() != CredentialState.READY || next.version() == sent.version()) {
      return Optional.empty();
    }
    return Optional.of(Authority.of(next, authClient));
  }

  /** Drops what requests know of credential {@code id}, after it was written. */
  public void forget(String id) {
    known.remove(id);
  }

  /** Drops what requests know of every credential of {@code authClientId}. */
  private void forgetAuthClient(String authClientId) {
    known.removeIf(k -> k.authClient().id().equals(authClientId));
  }
}
