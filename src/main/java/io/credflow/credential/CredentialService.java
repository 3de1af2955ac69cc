package io.credflow.credential;

import io.credflow.audit.Actions;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.AuditTrail;
import io.credflow.audit.Place;
import io.credflow.audit.Subject;
import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.VerifyRequest;
import io.credflow.common.ConflictException;
import io.credflow.common.ForbiddenException;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.Transactions;
import io.credflow.common.UpstreamException;
import io.credflow.component.AuthClientType;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Role;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials in workspaces: create, read, change, delete, refresh now, and release for use
 * (audited). Requests Credflow sends itself take their authorization from {@link
 * RequestAuthorities}, which this service tells of every write.
 */
public final class CredentialService {
  private final CredentialRepository repository;
  private final AuthClientService authClients;
  private final TenancyService tenancy;
  private final AuditTrail audit;
  private final EventLog events;
  private final TokenLifecycle lifecycle;
  private final RequestAuthorities requestAuthorities;
  private final Transactions transactions;
  private final Clock clock;
  private final CredentialLookup lookup;
  private final InputResolver inputs;
  private final VerifyRequest.Check verifyRequests;
  private final OfflineCheck offline;
  private final CredentialUpdates updates;
  private final ExpiryWatch expiries;
  private volatile CredentialUsage usage = CredentialUsage.NONE;

  public CredentialService(
      CredentialRepository repository,
      AuthClientService authClients,
      TenancyService tenancy,
      AuditTrail audit,
      EventLog events,
      TokenLifecycle lifecycle,
      RequestAuthorities requestAuthorities,
      Transactions transactions,
      Clock clock,
      VerifyRequest.Check verifyRequests,
      ExpiryWatch expiries) {
    this.repository = repository;
    this.expiries = expiries;
    this.authClients = authClients;
    this.tenancy = tenancy;
    this.audit = audit;
    this.events = events;
    this.lifecycle = lifecycle;
    this.requestAuthorities = requestAuthorities;
    this.transactions = transactions;
    this.clock = clock;
    this.lookup = new CredentialLookup(repository, authClients, tenancy, lifecycle);
    this.inputs = new InputResolver(lifecycle, clock);
    this.verifyRequests = verifyRequests;
    this.offline = new OfflineCheck(lookup, clock);
    this.updates = new CredentialUpdates(repository);
  }

  /**
   * A credential with the shape of the authorization it produces, for reads: the authorization
   * holds only masks, so a view cannot leak a secret. {@code expiry} says what of it expires that
   * no refresh renews (its refresh token, its auth-client's client secret).
   */
  public record View(
      Credential credential, Authorization authorization, ExpiryWatch.Status expiry) {
    /** A view that knows of no expiry. */
    public View(Credential credential, Authorization authorization) {
      this(credential, authorization, ExpiryWatch.Status.NONE);
    }
  }

  /** The field of a credential's own verify request. */
  public static final String VERIFY_REQUEST = "verify_request";

  /**
   * A create: the name, the auth-client (visible to the workspace) and, when it serves several, the
   * component; {@code secrets} reads the input once the auth-client is known (see {@link
   * CredentialInputParser}); the credential's own verify request, if any.
   */
  public record NewCredential(
      String name,
      String authClientId,
      Optional<String> componentId,
      CredentialInput.Source secrets,
      Optional<VerifyRequest> verifyRequest) {
    /** Without a verify request. */
    public NewCredential(
        String name,
        String authClientId,
        Optional<String> componentId,
        CredentialInput.Source secrets) {
      this(name, authClientId, componentId, secrets, Optional.empty());
    }
  }

  /**
   * What a PATCH may carry: a new name, new secret inputs, a new verify request (or its removal);
   * what is absent stays.
   */
  public record Change(
      Optional<String> name,
      Optional<CredentialInput.Source> secrets,
      Optional<VerifyRequestEdit> verifyRequest) {
    /** A change of name and secrets only. */
    public Change(Optional<String> name, Optional<CredentialInput.Source> secrets) {
      this(name, secrets, Optional.empty());
    }
  }

  /** The credential's own verify request from now on: this one, or none (its auth-client's). */
  public record VerifyRequestEdit(Optional<VerifyRequest> value) {}

  /** A verification carried out and recorded: the credential as read after it, and its outcome. */
  public record Verified(View view, Verification verification) {}

  /** A released authorization, for runtimes that make the call themselves. */
  public record Access(Authorization authorization, Optional<Instant> expiresAt) {}

  public View create(Caller caller, String workspaceId, NewCredential request) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    String name = TenancyService.checkName(request.name());
    request.verifyRequest().ifPresent(v -> verifyRequests.check(v, VERIFY_REQUEST));
    AuthClient authClient = authClients.usableIn(ws, request.authClientId(), "auth_client");
    String componentId = authClients.componentFor(authClient, request.componentId(), ws);
    NewSecrets secrets =
        inputs.resolve(caller, ws, authClient, componentId, Optional.empty(), request.secrets());
    return insert(caller, ws, authClient, componentId, name, secrets, request.verifyRequest());
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
        NewSecrets.authenticated(tokens),
        Optional.empty());
  }

  private View insert(
      Caller caller,
      Workspace ws,
      AuthClient authClient,
      String componentId,
      String name,
      NewSecrets secrets,
      Optional<VerifyRequest> verifyRequest) {
    Instant now = clock.instant();
    Credential credential =
        new Credential(
            Ids.newId(),
            new Credential.Owner(ws.id(), authClient.id(), componentId, caller.user().id()),
            name,
            new Credential.Grant(
                authClient.type(), secrets.secrets(), secrets.expiresAt(), secrets.scope()),
            new Credential.Condition.Ready(),
            Credential.Revision.first(now),
            new Credential.Check(verifyRequest, Optional.empty()));
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
                          + (secrets.authenticated() ? " from an Authenticate round trip" : "")
                          + " by user "
                          + caller.user().id(),
                      now));
              lifecycle.saved(inserted, authClient);
              if (inserted.type().isOAuth()) {
                expiries.issued(
                    inserted, authClient.settings(), secrets.refreshTokenExpiresAt(), true);
              }
              audit.record(
                  audited(caller, Actions.CREDENTIAL_CREATED, inserted)
                      .with("auth_client", authClient.id())
                      .with("component", componentId)
                      .with("authenticated", Boolean.toString(secrets.authenticated())));
              return inserted;
            });
    return view(stored);
  }

  public View get(Caller caller, String workspaceId, String id) {
    return view(lookup.find(caller, workspaceId, id));
  }

  public Page<View> list(
      Caller caller, String workspaceId, CredentialRepository.Filter filter, PageRequest page) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    List<Credential> rows = repository.list(ws.id(), filter, page.afterOrZero(), page.size() + 1);
    Map<String, ExpiryWatch.Status> statuses =
        expiries.statuses(rows, id -> authClients.findUnchecked(id).map(AuthClient::settings));
    return Page.of(rows, page.size(), Credential::seq)
        .map(c -> view(c, statuses.getOrDefault(c.id(), ExpiryWatch.Status.NONE)));
  }

  /**
   * What of the workspace's credentials expires within the warning window ({@link
   * ExpiryWatch#warning()}) that no refresh renews, soonest first.
   */
  public List<ExpiryWatch.Expiring> expiring(Caller caller, String workspaceId) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    return expiries.expiringIn(ws.id());
  }

  /** How far ahead expiries are warned about. */
  public java.time.Duration expiryWarning() {
    return expiries.warning();
  }

  /** How many credentials the workspace has, by component id; no secret is read. */
  public Map<String, Integer> countByComponent(Caller caller, String workspaceId) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    return repository.countByComponent(ws.id());
  }

  /**
   * Renames and/or takes new secret inputs (a new password, a re-authentication's {@code state});
   * the auth-client never changes and the id stays.
   */
  public View update(Caller caller, String workspaceId, String id, Change change) {
    Optional<String> name = change.name().map(TenancyService::checkName);
    change
        .verifyRequest()
        .flatMap(VerifyRequestEdit::value)
        .ifPresent(v -> verifyRequests.check(v, VERIFY_REQUEST));
    Credential first = lookup.find(caller, workspaceId, id);
    requireWriter(caller, first);
    AuthClient authClient = lookup.authClientOf(first);
    Workspace ws = tenancy.findWorkspace(first.workspaceId()).orElseThrow();
    // Read (and a code redeemed) once, outside the compare-and-set loop.
    Optional<NewSecrets> secrets =
        change
            .secrets()
            .map(
                source ->
                    inputs.resolve(
                        caller, ws, authClient, first.componentId(), Optional.of(first), source));
    // The change, its event and the new schedule land together, or not at all; a concurrent
    // writer makes the change apply again to what it wrote (compare-and-set on the version).
    Credential stored =
        transactions.inTransaction(
            () -> {
              CredentialUpdates.Updated written =
                  updates.update(
                      first,
                      current -> {
                        requireWriter(caller, current);
                        Credential updated = name.map(current::withName).orElse(current);
                        if (change.verifyRequest().isPresent()) {
                          updated = updated.withVerifyRequest(change.verifyRequest().get().value());
                        }
                        if (secrets.isPresent()) {
                          NewSecrets s = secrets.get();
                          updated = updated.withSecrets(s.secrets(), s.expiresAt(), s.scope());
                        }
                        return updated;
                      });
              if (!written.written()) {
                return written.credential();
              }
              Credential now = repository.find(id).orElseThrow();
              secrets.ifPresent(
                  s -> {
                    events.record(
                        CredentialEvent.of(
                            now,
                            s.authenticated()
                                ? CredentialEvent.AUTHENTICATED
                                : CredentialEvent.UPDATED,
                            (s.authenticated()
                                    ? "authenticated again by user "
                                    : "secrets replaced by user ")
                                + caller.user().id(),
                            clock.instant()));
                    lifecycle.saved(now, authClient);
                    if (now.type().isOAuth()) {
                      expiries.issued(now, authClient.settings(), s.refreshTokenExpiresAt(), true);
                    }
                  });
              audit.record(
                  audited(
                          caller,
                          secrets.filter(NewSecrets::authenticated).isPresent()
                              ? Actions.CREDENTIAL_REAUTHENTICATED
                              : Actions.CREDENTIAL_UPDATED,
                          now)
                      .with("changed", changed(change)));
              return now;
            });
    requestAuthorities.forget(id);
    return view(stored);
  }

  /**
   * A refresh asked for and carried out, or found unnecessary: the credential as stored after it,
   * and what happened ({@link RefreshResult.Outcome.Refreshed} or {@link
   * RefreshResult.Outcome.NotNeeded}).
   */
  public record Refreshed(View view, RefreshResult.Outcome outcome) {}

  /**
   * Refreshes an OAuth2 credential's tokens now (single flight with any other refresh of it).
   *
   * @throws ConflictException {@code needs_reauth} when the provider refused the grant (the
   *     credential now needs a person, the provider's reason in the message); {@code
   *     not_refreshable_yet} when the provider must not be asked yet; {@code credential_not_ready}
   *     when its secrets cannot be read
   * @throws UpstreamException with the failure's code when the provider failed (unavailable,
   *     refusing the client, unreachable): the credential keeps its token and the refresh is
   *     retried with backoff
   */
  public Refreshed refresh(Caller caller, String workspaceId, String id) {
    Credential credential = lookup.find(caller, workspaceId, id);
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
    if (credential.secretsUnreadable()) {
      CredentialLookup.requireReady(credential);
    }
    RefreshResult result = lifecycle.refreshOnRequest(credential, lookup.authClientOf(credential));
    requestAuthorities.forget(id);
    Credential after = result.credential();
    audit.record(
        audited(caller, Actions.CREDENTIAL_REFRESH_REQUESTED, after)
            .with("outcome", result.outcome().wireName()));
    return switch (result.outcome()) {
      case RefreshResult.Outcome.Refreshed r -> new Refreshed(view(after), r);
      case RefreshResult.Outcome.NotNeeded n -> new Refreshed(view(after), n);
      case RefreshResult.Outcome.NotYet n ->
          throw new ConflictException(
              "not_refreshable_yet", "credential " + id + " was not refreshed: " + n.detail());
      case RefreshResult.Outcome.NeedsReauth n ->
          throw new ConflictException(
              "needs_reauth",
              "credential "
                  + id
                  + " was not refreshed and now needs_reauth: "
                  + n.reason().detail());
      case RefreshResult.Outcome.Failed f ->
          throw new UpstreamException(
              f.code(),
              "credential " + id + " was not refreshed: " + f.detail() + "; " + keeps(after));
    };
  }

  /** What a credential whose refresh failed is left with, for the message that says so. */
  private String keeps(Credential c) {
    if (c.state() != CredentialState.READY) {
      return "it is " + c.state().wireName() + " and the refresh is retried with backoff";
    }
    return "it keeps its current token"
        + c.expiresAt().map(e -> ", which works until " + e).orElse("")
        + ", and the refresh is retried with backoff";
  }

  /**
   * Checks that the credential works, records how it went (not as a new version) and its event
   * ({@code credential.verified} or {@code credential.verification_failed}). With a verify request
   * (the credential's own, else its auth-client's) {@code sender} sends it with the credential's
   * authorization and a 2xx answer means it works; without one, what can be checked offline is. Any
   * member of the workspace may verify, as any member may use the credential.
   */
  public Verified verify(Caller caller, String workspaceId, String id, Verification.Sender sender) {
    Credential c = lookup.find(caller, workspaceId, id);
    AuthClient authClient = lookup.authClientOf(c);
    Optional<VerifyRequest> own = c.verifyRequest();
    Optional<VerifyRequest> request = own.or(() -> authClient.settings().verifyRequest());
    Verification verification;
    if (request.isPresent()) {
      Verification.Answer answer = sender.send(caller, c, request.get());
      String whose =
          own.isPresent()
              ? "its verify_request"
              : "the verify_request of auth-client " + authClient.id();
      verification =
          new Verification(
              answer.ok(), clock.instant(), true, answer.status(), whose + " " + answer.detail());
    } else {
      verification = offline.check(c, authClient);
    }
    Credential recorded =
        transactions.inTransaction(
            () -> {
              if (!repository.recordVerification(id, verification)) {
                throw new NotFoundException("credential", id);
              }
              events.record(
                  CredentialEvent.of(
                      c,
                      verification.ok()
                          ? CredentialEvent.VERIFIED
                          : CredentialEvent.VERIFICATION_FAILED,
                      "verified by user " + caller.user().id() + ": " + verification.detail(),
                      verification.checkedAt()));
              return repository.find(id).orElseThrow(() -> new NotFoundException("credential", id));
            });
    return new Verified(view(recorded), verification);
  }

  /** A workspace's credential events, of one credential when named. */
  public Page<CredentialEvent> events(
      Caller caller, String workspaceId, Optional<String> credentialId, PageRequest page) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    List<CredentialEvent> rows =
        events.list(ws.id(), credentialId, page.afterOrZero(), page.size() + 1);
    return Page.of(rows, page.size(), CredentialEvent::seq);
  }

  /**
   * The newest {@code limit} events of a workspace (of one credential when named), newest first.
   */
  public List<CredentialEvent> latestEvents(
      Caller caller, String workspaceId, Optional<String> credentialId, int limit) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    return events.latest(ws.id(), credentialId, limit);
  }

  /** Who else uses credentials (flows): set once, by the composition root. */
  public void usedBy(CredentialUsage newUsage) {
    this.usage = newUsage;
  }

  /**
   * Deletes a credential; refused with {@code 409 credential_in_use} naming the active flows that
   * use it.
   */
  public void delete(Caller caller, String workspaceId, String id) {
    Credential current = lookup.find(caller, workspaceId, id);
    requireWriter(caller, current);
    List<String> users = usage.activeFlowsUsing(id);
    if (!users.isEmpty()) {
      throw new ConflictException(
          "credential_in_use",
          "credential "
              + id
              + " is used by "
              + (users.size() == 1 ? "active flow " : "active flows ")
              + String.join(", ", users)
              + "; deactivate "
              + (users.size() == 1 ? "it" : "them")
              + " or give "
              + (users.size() == 1 ? "its" : "their")
              + " steps another credential first");
    }
    lifecycle.deleting(current, lookup.authClientOf(current));
    repository.delete(id);
    requestAuthorities.forget(id);
    audit.record(audited(caller, Actions.CREDENTIAL_DELETED, current));
    events.record(
        CredentialEvent.of(
            current,
            CredentialEvent.DELETED,
            "deleted by user " + caller.user().id(),
            clock.instant()));
  }

  /**
   * The real authorization of a credential, for a runtime that makes the call itself, refreshed
   * first when its token is within the refresh skew. Every call is audited (who, which credential,
   * why); the secret is never in the record.
   */
  public Access access(Caller caller, String workspaceId, String id, String reason) {
    // Read as stored now: a runtime keeps what it gets, so it must not get a second-old token.
    Credential found = lookup.find(caller, workspaceId, id);
    AuthClient authClient = lookup.authClientOf(found);
    Credential credential = lookup.freshened(found, authClient);
    CredentialLookup.requireReady(credential);
    Authority authority = Authority.of(credential, authClient);
    audit.record(
        caller
            .from(caller.origin().withReason(reason))
            .audit(
                clock.instant(),
                Actions.CREDENTIAL_ACCESS,
                Subject.of(Subject.CREDENTIAL, id),
                Place.workspace(credential.workspaceId())));
    return new Access(authority.authorization(), authority.credential().expiresAt());
  }

  /** An audit record of the caller acting on credential {@code c}, in its workspace. */
  private AuditRecord audited(Caller caller, String action, Credential c) {
    return caller.audit(
        clock.instant(),
        action,
        Subject.of(Subject.CREDENTIAL, c.id()),
        Place.workspace(c.workspaceId()));
  }

  /** The attributes a change names, for the audit (names only, never values). */
  private static String changed(Change change) {
    List<String> names = new java.util.ArrayList<>();
    change.name().ifPresent(n -> names.add("name"));
    change.secrets().ifPresent(n -> names.add("credentials"));
    change.verifyRequest().ifPresent(n -> names.add(VERIFY_REQUEST));
    return String.join(",", names);
  }

  private View view(Credential c) {
    // Only an oauth2 credential's expiries depend on its auth-client (its client secret's).
    ExpiryWatch.Status expiry =
        c.type().isOAuth()
            ? expiries.status(c, Optional.of(lookup.authClientOf(c).settings()))
            : ExpiryWatch.Status.NONE;
    return view(c, expiry);
  }

  /** A view whose expiry status was read already (with its page's). */
  private View view(Credential c, ExpiryWatch.Status expiry) {
    // Only an api_key credential's shape depends on its auth-client (header name, placement).
    Optional<AuthClient> authClient =
        c.type() == AuthClientType.API_KEY ? Optional.of(lookup.authClientOf(c)) : Optional.empty();
    return new View(c, Authorizer.masked(c, authClient), expiry);
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
}
