package io.credflow.credential;

import io.credflow.authclient.ApiKeySettings;
import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.BasicSettings;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.ConflictException;
import io.credflow.common.ForbiddenException;
import io.credflow.common.Ids;
import io.credflow.common.Members;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Role;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Credentials in workspaces: create, read, change, delete, and release for use (audited). */
public final class CredentialService {
  private static final String CREDENTIALS = "/data/attributes/credentials";
  private static final int CAS_ATTEMPTS = 5;

  private final CredentialRepository repository;
  private final AuthClientService authClients;
  private final TenancyService tenancy;
  private final AuditLog audit;
  private final Clock clock;

  public CredentialService(
      CredentialRepository repository,
      AuthClientService authClients,
      TenancyService tenancy,
      AuditLog audit,
      Clock clock) {
    this.repository = repository;
    this.authClients = authClients;
    this.tenancy = tenancy;
    this.audit = audit;
    this.clock = clock;
  }

  /** A credential with the authorization it produces (shown masked in reads). */
  public record View(Credential credential, AuthClient authClient, Authorization authorization) {}

  /** A create request as named. */
  public record NewCredential(
      String name, Object credentials, String authClientId, Optional<String> componentId) {}

  /** A released authorization, for runtimes that make the call themselves. */
  public record Access(Authorization authorization, Optional<Instant> expiresAt) {}

  public View create(Caller caller, String workspaceId, NewCredential request) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    String name = TenancyService.checkName(request.name());
    AuthClient authClient =
        authClients.usableIn(ws, request.authClientId(), "/data/relationships/auth_client");
    String componentId = chooseComponent(authClient, request.componentId());
    Instant now = clock.instant();
    Parsed parsed = parseSecrets(authClient, request.credentials(), Optional.empty(), now);
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
    repository.insert(credential);
    return view(repository.find(credential.id()).orElseThrow());
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

  /** Renames and/or takes new secret inputs; the auth-client never changes. */
  public View update(
      Caller caller,
      String workspaceId,
      String id,
      Optional<String> name,
      Optional<Object> credentials) {
    Optional<String> checkedName = name.map(TenancyService::checkName);
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Credential current = find(caller, workspaceId, id);
      requireWriter(caller, current);
      Credential updated = current;
      if (checkedName.isPresent()) {
        updated = updated.withName(checkedName.get());
      }
      if (credentials.isPresent()) {
        AuthClient authClient = authClientOf(current);
        Parsed parsed =
            parseSecrets(authClient, credentials.get(), Optional.of(current), clock.instant());
        updated = updated.withSecrets(parsed.secrets(), parsed.expiresAt(), parsed.scope());
      }
      if (repository.compareAndSet(updated)) {
        return view(repository.find(id).orElseThrow());
      }
    }
    throw new ConflictException(
        "version_conflict",
        "credential " + id + " kept changing while this update was applied; send it again");
  }

  public void delete(Caller caller, String workspaceId, String id) {
    Credential current = find(caller, workspaceId, id);
    requireWriter(caller, current);
    repository.delete(id);
  }

  /**
   * The real authorization of a credential, for a runtime that makes the call itself. Every call is
   * audited (who, which credential, why); the secret is never in the record.
   */
  public Access access(Caller caller, String workspaceId, String id, String reason) {
    Credential credential = find(caller, workspaceId, id);
    if (credential.state() != CredentialState.READY) {
      String why =
          credential.error().map(CredentialError::detail).orElse("it is " + credential.state());
      throw new ConflictException(
          "credential_not_ready",
          "credential " + id + " is " + credential.state().wireName() + ": " + why);
    }
    Authorization authorization = Authorizer.of(credential, authClientOf(credential));
    audit.record(
        new AuditLog.AuditRecord(
            clock.instant(), caller.user().id(), workspaceId, id, "credential.access", reason));
    return new Access(authorization, credential.expiresAt());
  }

  private Credential find(Caller caller, String workspaceId, String id) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    return repository
        .find(id)
        .filter(c -> c.workspaceId().equals(ws.id()))
        .orElseThrow(() -> new NotFoundException("credential", id));
  }

  private View view(Credential c) {
    AuthClient authClient = authClientOf(c);
    return new View(c, authClient, Authorizer.of(c, authClient));
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

  private static String chooseComponent(AuthClient authClient, Optional<String> requested) {
    if (requested.isPresent()) {
      if (!authClient.componentIds().contains(requested.get())) {
        throw new ValidationException(
            "/data/relationships/component",
            "component_not_linked",
            "component "
                + requested.get()
                + " is not linked to auth-client "
                + authClient.id()
                + ", which serves "
                + authClient.componentIds());
      }
      return requested.get();
    }
    if (authClient.componentIds().size() == 1) {
      return authClient.componentIds().get(0);
    }
    throw new ValidationException(
        "/data/relationships/component",
        "missing_component",
        "auth-client "
            + authClient.id()
            + " serves several components "
            + authClient.componentIds()
            + ": name one in relationships.component");
  }

  private record Parsed(
      CredentialSecrets secrets, Optional<Instant> expiresAt, Optional<String> scope) {}

  private Parsed parseSecrets(
      AuthClient authClient, Object tree, Optional<Credential> current, Instant now) {
    Members m = Members.of(tree, CREDENTIALS, authClient.type().wireName() + " credentials");
    Parsed parsed =
        switch (authClient.settings()) {
          case io.credflow.authclient.NoAuthSettings s -> {
            m.allowOnly(Set.of());
            yield new Parsed(new CredentialSecrets.None(), Optional.empty(), Optional.empty());
          }
          case BasicSettings s -> basic(m, s, current);
          case ApiKeySettings s -> apiKey(m, s);
          case OAuth2Settings s -> tokens(m, s.tokenExpiresIn(), now);
          case InstagramSettings s -> tokens(m, s.tokenExpiresIn(), now);
        };
    m.finish();
    return parsed;
  }

  private static Parsed basic(Members m, BasicSettings s, Optional<Credential> current) {
    m.allowOnly(Set.of("username", "password"));
    Optional<String> previousUser =
        current
            .map(Credential::secrets)
            .filter(CredentialSecrets.Basic.class::isInstance)
            .map(b -> ((CredentialSecrets.Basic) b).username());
    Optional<String> username = m.string("username", false).or(() -> previousUser);
    username = username.or(s::defaultUsername);
    Optional<Secret> password = m.secret("password", true);
    if (username.isEmpty() && !m.has("username")) {
      m.violation(
          "username",
          "missing_member",
          "basic credentials need \"username\": the auth-client has no default user name");
    }
    if (username.isPresent() && username.get().contains(":")) {
      m.violation("username", "invalid_username", "a Basic user name cannot contain \":\"");
    }
    return new Parsed(
        new CredentialSecrets.Basic(username.orElse(""), password.orElse(Secret.of(""))),
        Optional.empty(),
        Optional.empty());
  }

  private static Parsed apiKey(Members m, ApiKeySettings s) {
    m.allowOnly(Set.of("value"));
    Optional<Secret> value = m.secret("value", s.value().isEmpty());
    return new Parsed(new CredentialSecrets.ApiKey(value), Optional.empty(), Optional.empty());
  }

  private static Parsed tokens(Members m, long defaultExpiresIn, Instant now) {
    if (m.has("state") || m.has("code")) {
      m.allowOnly(Set.of("state", "code"));
      m.violation(
          m.has("state") ? "state" : "code",
          "authorization_flow_unavailable",
          "saving a credential from an Authenticate round trip (state/code) is not available on"
              + " this server yet; import tokens with access_token, refresh_token and expires_in");
      return new Parsed(new CredentialSecrets.None(), Optional.empty(), Optional.empty());
    }
    m.allowOnly(Set.of("access_token", "refresh_token", "expires_in", "scope", "token_type"));
    Optional<Secret> access = m.secret("access_token", true);
    Optional<Secret> refresh = m.secret("refresh_token", false);
    long expiresIn =
        m.longInRange("expires_in", 1, io.credflow.authclient.SettingsParser.MAX_TOKEN_EXPIRES_IN)
            .orElse(defaultExpiresIn);
    Optional<String> scope = m.string("scope", false);
    Optional<String> tokenType = m.string("token_type", false);
    if (tokenType.isPresent() && !tokenType.get().equalsIgnoreCase("bearer")) {
      m.violation("token_type", "unsupported_token_type", "token_type must be bearer (any case)");
    }
    return new Parsed(
        new CredentialSecrets.Tokens(access.orElse(Secret.of("")), refresh),
        Optional.of(now.plusSeconds(expiresIn)),
        scope);
  }
}
