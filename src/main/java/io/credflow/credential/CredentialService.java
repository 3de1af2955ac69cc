package io.credflow.credential;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.common.ConflictException;
import io.credflow.common.ForbiddenException;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.Secret;
import io.credflow.common.Transactions;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Role;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Credentials in workspaces: create, read, change, delete, and release for use (audited). */
public final class CredentialService {
  private static final int CAS_ATTEMPTS = 5;

  private final CredentialRepository repository;
  private final AuthClientService authClients;
  private final TenancyService tenancy;
  private final AuditLog audit;
  private final EventLog events;
  private final TokenLifecycle lifecycle;
  private final Transactions transactions;
  private final Clock clock;

  public CredentialService(
      CredentialRepository repository,
      AuthClientService authClients,
      TenancyService tenancy,
      AuditLog audit,
      EventLog events,
      TokenLifecycle lifecycle,
      Transactions transactions,
      Clock clock) {
    this.repository = repository;
    this.authClients = authClients;
    this.tenancy = tenancy;
    this.audit = audit;
    this.events = events;
    this.lifecycle = lifecycle;
    this.transactions = transactions;
    this.clock = clock;
    authClients.onChange(this::forgetAuthClient);
  }

  /**
   * A credential with the shape of the authorization it produces, for reads: the authorization
   * holds only masks, so a view cannot leak a secret.
   */
  public record View(Credential credential, Authorization authorization) {}

  /**
   * A create: the name, the auth-client (visible to the workspace) and, when it serves several, the
   * component; {@code secrets} reads the input once the auth-client is known (see {@link
   * CredentialInputParser}).
   */
  public record NewCredential(
      String name,
      String authClientId,
      Optional<String> componentId,
      CredentialInput.Source secrets) {}

  /** What a PATCH may carry: a new name, new secret inputs; what is absent stays. */
  public record Change(Optional<String> name, Optional<CredentialInput.Source> secrets) {}

  /** A released authorization, for runtimes that make the call themselves. */
  public record Access(Authorization authorization, Optional<Instant> expiresAt) {}

  public View create(Caller caller, String workspaceId, NewCredential request) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    String name = TenancyService.checkName(request.name());
    AuthClient authClient = authClients.usableIn(ws, request.authClientId(), "auth_client");
    String componentId = authClients.componentFor(authClient, request.componentId(), ws);
    Parsed parsed =
        resolve(caller, ws, authClient, componentId, Optional.empty(), request.secrets());
    return insert(caller, ws, authClient, componentId, name, parsed);
  }

  /**
   * Stores a new credential with tokens already issued, for the OAuth callback that saves the
   * credential itself (an authorization started with a credential name).
   */
  public View createFromTokens(
      Caller caller,
      String workspaceId,
      String name,
      String authClientId,
      String componentId,
      IssuedTokens tokens) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    AuthClient authClient = authClients.usableIn(ws, authClientId, "auth_client");
    return insert(
        caller,
        ws,
        authClient,
        componentId,
        TenancyService.checkName(name),
        new Parsed(tokens.tokens(), tokens.expiresAt(), tokens.scope(), true));
  }

  private View insert(
      Caller caller,
      Workspace ws,
      AuthClient authClient,
      String componentId,
      String name,
      Parsed parsed) {
    Instant now = clock.instant();
    Credential credential =
        new Credential(
            Ids.newId(),
            ws.id(),
            authClient.id(),
            componentId,
            name,
            authClient.type(),
            CredentialState.READY,
            Optional.empty(),
            parsed.expiresAt(),
            parsed.scope(),
            parsed.secrets(),
            caller.user().id(),
            1,
            now,
            now,
            0);
    // The credential, its event and its refresh schedule land together: a process that dies
    // in between never leaves tokens that nothing will refresh.
    Credential stored =
        transactions.inTransaction(
            () -> {
              repository.insert(credential);
              Credential inserted = repository.find(credential.id()).orElseThrow();
              events.record(
                  CredentialEvent.of(
                      inserted,
                      CredentialEvent.CREATED,
                      "credential created"
                          + (parsed.authenticated() ? " from an Authenticate round trip" : "")
                          + " by user "
                          + caller.user().id(),
                      now));
              lifecycle.saved(inserted, authClient);
              return inserted;
            });
    return view(stored);
  }

  public View get(Caller caller, String workspaceId, String id) {
    return view(find(caller, workspaceId, id));
  }

  public Page<View> list(
      Caller caller, String workspaceId, CredentialRepository.Filter filter, PageRequest page) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    List<Credential> rows = repository.list(ws.id(), filter, page.afterOrZero(), page.size() + 1);
    return Page.of(rows, page.size(), Credential::seq).map(this::view);
  }

  /**
   * Renames and/or takes new secret inputs (a new password, a re-authentication's {@code state});
   * the auth-client never changes and the id stays.
   */
  public View update(Caller caller, String workspaceId, String id, Change change) {
    Optional<String> checkedName = change.name().map(TenancyService::checkName);
    Credential first = find(caller, workspaceId, id);
    requireWriter(caller, first);
    AuthClient authClient = authClientOf(first);
    Workspace ws = tenancy.findWorkspace(first.workspaceId()).orElseThrow();
    // Parsed (and a code redeemed) once, outside the compare-and-set loop.
    Optional<Parsed> parsed =
        change
            .secrets()
            .map(
                source ->
                    resolve(
                        caller, ws, authClient, first.componentId(), Optional.of(first), source));
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Credential current = find(caller, workspaceId, id);
      requireWriter(caller, current);
      Credential updated = current;
      if (checkedName.isPresent()) {
        updated = updated.withName(checkedName.get());
      }
      if (parsed.isPresent()) {
        Parsed p = parsed.get();
        updated = updated.withSecrets(p.secrets(), p.expiresAt(), p.scope());
      }
      Credential candidate = updated;
      // The new secrets, their event and the new schedule land together, or not at all.
      Optional<Credential> written =
          transactions.inTransaction(
              () -> {
                if (!repository.compareAndSet(candidate)) {
                  return Optional.<Credential>empty();
                }
                Credential stored = repository.find(id).orElseThrow();
                if (parsed.isPresent()) {
                  events.record(
                      CredentialEvent.of(
                          stored,
                          parsed.get().authenticated()
                              ? CredentialEvent.AUTHENTICATED
                              : CredentialEvent.UPDATED,
                          parsed.get().authenticated()
                              ? "authenticated again by user " + caller.user().id()
                              : "secrets replaced by user " + caller.user().id(),
                          clock.instant()));
                  lifecycle.saved(stored, authClient);
                }
                return Optional.of(stored);
              });
      if (written.isPresent()) {
        Credential stored = written.get();
        authorities.remove(id);
        return view(stored);
      }
    }
    throw new ConflictException(
        "version_conflict",
        "credential " + id + " kept changing while this update was applied; send it again");
  }

  /** Refreshes an OAuth2 credential's tokens now (single flight with any other refresh of it). */
  public View refresh(Caller caller, String workspaceId, String id) {
    Credential credential = find(caller, workspaceId, id);
    if (!credential.type().isOAuth()) {
      throw new ConflictException(
          "not_refreshable",
          "credential "
              + id
              + " is "
              + credential.type().wireName()
              + ": only OAuth2 credentials"
              + " have tokens to refresh");
    }
    Credential refreshed = lifecycle.refreshNow(credential, authClientOf(credential));
    authorities.remove(id);
    return view(refreshed);
  }

  /** A workspace's credential events, of one credential when named. */
  public Page<CredentialEvent> events(
      Caller caller, String workspaceId, Optional<String> credentialId, PageRequest page) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    List<CredentialEvent> rows =
        events.list(ws.id(), credentialId, page.afterOrZero(), page.size() + 1);
    return Page.of(rows, page.size(), CredentialEvent::seq);
  }

  public void delete(Caller caller, String workspaceId, String id) {
    Credential current = find(caller, workspaceId, id);
    requireWriter(caller, current);
    lifecycle.deleting(current, authClientOf(current));
    repository.delete(id);
    authorities.remove(id);
    events.record(
        CredentialEvent.of(
            current,
            CredentialEvent.DELETED,
            "deleted by user " + caller.user().id(),
            clock.instant()));
  }

  /**
   * The real authorization of a credential, for a runtime that makes the call itself. Every call is
   * audited (who, which credential, why); the secret is never in the record.
   */
  public Access access(Caller caller, String workspaceId, String id, String reason) {
    // Read as stored now: a runtime keeps what it gets, so it must not get a second-old token.
    Credential found = find(caller, workspaceId, id);
    AuthClient authClient = authClientOf(found);
    Credential credential = freshened(found, authClient);
    requireReady(credential);
    Authority authority = new Authority(credential, Authorizer.of(credential, authClient));
    audit.record(
        new AuditLog.AuditRecord(
            clock.instant(), caller.user().id(), workspaceId, id, "credential.access", reason));
    return new Access(authority.authorization(), authority.credential().expiresAt());
  }

  /** A ready credential and the authorization its requests carry. */
  public record Authority(Credential credential, Authorization authorization) {}

  /**
   * The authorization for a request Credflow sends itself (the secret never leaves the process, so
   * this is not audited): the credential must be ready, and an OAuth2 token within the refresh skew
   * is refreshed first.
   */
  public Authority forRequest(Caller caller, String workspaceId, String id) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    long now = System.nanoTime();
    Known known = authorities.get(id);
    if (known == null || now - known.checkedAt() > STAMP_RECHECK_NANOS) {
      CredentialRepository.Stamp stamp =
          repository
              .stamp(id)
              .filter(s -> s.workspaceId().equals(ws.id()))
              .orElseThrow(() -> new NotFoundException("credential", id));
      if (known != null && known.stamp().equals(stamp)) {
        known = known.checked(now);
        authorities.put(id, known);
      } else {
        Credential found = find(caller, workspaceId, id);
        known = remember(stamp, found, authClientOf(found), now);
      }
    } else if (!known.authority().credential().workspaceId().equals(ws.id())) {
      throw new NotFoundException("credential", id);
    }
    Credential credential = known.authority().credential();
    Credential fresh = freshened(credential, known.authClient());
    if (fresh != credential) {
      authorities.remove(id);
      requireReady(fresh);
      return new Authority(fresh, Authorizer.of(fresh, known.authClient()));
    }
    requireReady(credential);
    return known.authority();
  }

  /** An OAuth2 credential whose token is within the refresh skew, refreshed; others as they are. */
  private Credential freshened(Credential c, AuthClient authClient) {
    return c.type().isOAuth() && c.state() != CredentialState.NEEDS_REAUTH
        ? lifecycle.fresh(c, authClient)
        : c;
  }

  /**
   * Authorizations built for requests, by credential id, each with the stamp it was built from and
   * when that stamp was last compared with the database. A request re-reads only the stamp (no
   * decryption), at most every {@link #STAMP_RECHECK} per credential, and rebuilds when the
   * credential or its auth-client changed. Changes made through this process drop the entry at
   * once; a change made by another process is seen within that interval (an OAuth2 401 re-reads at
   * once).
   */
  private record Known(
      CredentialRepository.Stamp stamp,
      Authority authority,
      AuthClient authClient,
      long checkedAt) {
    Known checked(long at) {
      return new Known(stamp, authority, authClient, at);
    }
  }

  /** How long a request trusts a stamp it compared. */
  public static final java.time.Duration STAMP_RECHECK = java.time.Duration.ofSeconds(1);

  private static final long STAMP_RECHECK_NANOS = STAMP_RECHECK.toNanos();

  private static final int KNOWN_LIMIT = 100_000;

  private final io.credflow.common.BoundedCache<String, Known> authorities =
      new io.credflow.common.BoundedCache<>(KNOWN_LIMIT);

  /** Drops what requests know of credential {@code id}, after it was written elsewhere. */
  public void forget(String id) {
    authorities.remove(id);
  }

  /** Drops what requests know of every credential of {@code authClientId}. */
  private void forgetAuthClient(String authClientId) {
    authorities.removeIf(k -> k.authClient().id().equals(authClientId));
  }

  private Known remember(
      CredentialRepository.Stamp stamp, Credential found, AuthClient authClient, long now) {
    // A credential read after the stamp may be newer than it: keep the stamp of what was read.
    CredentialRepository.Stamp read =
        new CredentialRepository.Stamp(
            stamp.workspaceId(), found.version(), stamp.authClientState());
    Known known =
        new Known(read, new Authority(found, Authorizer.of(found, authClient)), authClient, now);
    if (found.version() == stamp.version()) {
      authorities.put(found.id(), known);
    }
    return known;
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
    AuthClient authClient = authClientOf(current.get());
    Credential next;
    try {
      next =
          current.get().version() != sent.version()
              ? current.get()
              : lifecycle.refreshNow(current.get(), authClient);
    } catch (io.credflow.common.CredflowException e) {
      // The provider is down or refused: the caller reports the 401 it got.
      return Optional.empty();
    }
    authorities.remove(sent.id());
    if (next.state() != CredentialState.READY || next.version() == sent.version()) {
      return Optional.empty();
    }
    return Optional.of(new Authority(next, Authorizer.of(next, authClient)));
  }

  private static void requireReady(Credential credential) {
    if (credential.state() != CredentialState.READY) {
      String why =
          credential.error().map(CredentialError::detail).orElse("it is " + credential.state());
      throw new ConflictException(
          "credential_not_ready",
          "credential " + credential.id() + " is " + credential.state().wireName() + ": " + why);
    }
  }

  private Credential find(Caller caller, String workspaceId, String id) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    return repository
        .find(id)
        .filter(c -> c.workspaceId().equals(ws.id()))
        .orElseThrow(() -> new NotFoundException("credential", id));
  }

  private View view(Credential c) {
    // Only an api_key credential's shape depends on its auth-client (header name, placement).
    Optional<AuthClient> authClient =
        c.type() == io.credflow.component.AuthClientType.API_KEY
            ? Optional.of(authClientOf(c))
            : Optional.empty();
    return new View(c, Authorizer.masked(c, authClient));
  }

  private AuthClient authClientOf(Credential c) {
    return authClients
        .findUnchecked(c.authClientId())
        .orElseThrow(() -> new IllegalStateException("auth-client of credential " + c.id()));
  }

  /** Admins of the workspace change any credential; members change the ones they made. */
  private void requireWriter(Caller caller, Credential c) {
    Workspace ws = tenancy.findWorkspace(c.workspaceId()).orElseThrow();
    boolean admin = caller.roleAt(ws.location()).filter(r -> r == Role.ADMIN).isPresent();
    if (!admin && !c.createdBy().equals(caller.user().id())) {
      throw new ForbiddenException(
          "credential "
              + c.id()
              + " was made by another user; only they or a workspace admin"
              + " may change it");
    }
  }

  /** Secrets to store; {@code authenticated} when they came from an Authenticate round trip. */
  private record Parsed(
      CredentialSecrets secrets,
      Optional<Instant> expiresAt,
      Optional<String> scope,
      boolean authenticated) {
    Parsed(CredentialSecrets secrets) {
      this(secrets, Optional.empty(), Optional.empty(), false);
    }
  }

  /**
   * Reads the request's input for {@code authClient} and turns it into secrets to store; the state
   * of a round trip is redeemed for tokens here, once.
   */
  private Parsed resolve(
      Caller caller,
      Workspace ws,
      AuthClient authClient,
      String componentId,
      Optional<Credential> current,
      CredentialInput.Source source) {
    Optional<String> storedUsername =
        current
            .map(Credential::secrets)
            .filter(CredentialSecrets.Basic.class::isInstance)
            .map(b -> ((CredentialSecrets.Basic) b).username());
    Instant now = clock.instant();
    return switch (source.read(authClient.settings(), storedUsername)) {
      case CredentialInput.None n -> new Parsed(new CredentialSecrets.None());
      case CredentialInput.Basic b ->
          new Parsed(new CredentialSecrets.Basic(b.username(), b.password()));
      case CredentialInput.ApiKey k -> new Parsed(new CredentialSecrets.ApiKey(k.value()));
      case CredentialInput.Tokens t ->
          new Parsed(
              new CredentialSecrets.Tokens(t.accessToken(), t.refreshToken()),
              Optional.of(now.plusSeconds(t.expiresIn())),
              t.scope(),
              false);
      case CredentialInput.Authenticate a -> {
        IssuedTokens issued =
            lifecycle.redeem(
                caller,
                ws,
                authClient,
                componentId,
                current.map(Credential::id),
                a.state().reveal(),
                a.code().map(Secret::reveal));
        yield new Parsed(issued.tokens(), issued.expiresAt(), issued.scope(), true);
      }
    };
  }
}
