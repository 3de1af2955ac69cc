package io.credflow.authclient;

import io.credflow.audit.Actions;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.AuditTrail;
import io.credflow.audit.Place;
import io.credflow.audit.Subject;
import io.credflow.common.ConflictException;
import io.credflow.common.Field;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.Paging;
import io.credflow.common.Transactions;
import io.credflow.common.ValidationException;
import io.credflow.component.AuthClientType;
import io.credflow.component.Component;
import io.credflow.component.ComponentService;
import io.credflow.outbound.OutboundPolicy;
import io.credflow.tenancy.Access;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Level;
import io.credflow.tenancy.Location;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Creates, reads, changes and deletes auth-clients with their visibility and access rules. */
public final class AuthClientService {
  private static final String CREDENTIALS = "credentials";

  private final AuthClientRepository repository;
  private final ComponentService components;
  private final TenancyService tenancy;
  private final Transactions transactions;
  private final Clock clock;
  private final ComponentLinks links;
  private final DuplicateSecrets duplicates;
  private final OutboundPolicy outbound;
  private final VerifyRequest.Check verifyRequests;
  private final AuditTrail audit;
  private final List<java.util.function.Consumer<String>> changeListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * An auth-client service whose creates, updates and deletes go to {@code audit} ({@link
   * AuditTrail#NONE} for none).
   */
  public AuthClientService(
      AuthClientRepository repository,
      ComponentService components,
      TenancyService tenancy,
      Transactions transactions,
      Clock clock,
      OutboundPolicy outbound,
      VerifyRequest.Check verifyRequests,
      AuditTrail audit) {
    this.audit = audit;
    this.repository = repository;
    this.components = components;
    this.tenancy = tenancy;
    this.transactions = transactions;
    this.clock = clock;
    this.links = new ComponentLinks(repository, components);
    this.duplicates = new DuplicateSecrets(repository, components, this::mayManage);
    this.outbound = outbound;
    this.verifyRequests = verifyRequests;
  }

  /**
   * What a create needs: the name, the settings (which carry the type; parse them with {@link
   * SettingsParser}), the components to serve, and the owner when not at the component level.
   */
  public record NewAuthClient(
      String name,
      AuthClientSettings settings,
      List<String> componentIds,
      Optional<Level> ownerLevel,
      Optional<String> ownerId) {}

  /** A stored auth-client and the warnings its creation raised. */
  public record Created(AuthClient authClient, List<Warning> warnings) {}

  /** A warning that did not stop the request: e.g. a client secret shared with another client. */
  public record Warning(String code, String detail, String authClientId) {}

  public Created create(Caller caller, NewAuthClient request) {
    String name = TenancyService.checkName(request.name());
    AuthClientSettings settings = request.settings();
    EndpointCheck.check(outbound, settings, Map.of(), CREDENTIALS);
    checkVerifyRequest(settings);
    AuthClientType type = settings.type();
    List<Component> linked = links.resolve(caller, request.componentIds(), type);
    String tenantId = linked.get(0).deployedAt().tenantId();
    Optional<Location> owner = Optional.empty();
    if (request.ownerLevel().isPresent()) {
      Level level = request.ownerLevel().get();
      Location at =
          tenancy.locate(caller, level, request.ownerId().orElseThrow(), level.wireName());
      if (!at.tenantId().equals(tenantId)) {
        throw new ValidationException(
            level.wireName(),
            "owner_outside_tenant",
            "the "
                + level.wireName()
                + " "
                + at.id()
                + " is in another tenant than the components it would serve");
      }
      Access.requireAdmin(caller, at, level.wireName() + " " + at.id());
      owner = Optional.of(at);
    } else {
      for (Component c : linked) {
        Access.requireAdmin(caller, c.deployedAt(), "the deployment of component " + c.id());
      }
    }
    Instant now = clock.instant();
    AuthClient authClient =
        new AuthClient(
            Ids.newId(),
            name,
            settings,
            owner,
            tenantId,
            linked.stream().map(Component::id).toList(),
            now,
            now,
            0);
    List<Warning> warnings = duplicates.of(caller, authClient);
    repository.insert(authClient);
    audit.record(
        audited(caller, Actions.AUTH_CLIENT_CREATED, authClient)
            .with("type", type.wireName())
            .with("components", String.join(",", authClient.componentIds())));
    return new Created(repository.find(authClient.id()).orElseThrow(), warnings);
  }

  /**
   * The auth-client, when the caller can see it.
   *
   * <p>Whether it exists elsewhere must not show in the time the answer takes either: the check
   * reads the same one row of where it is seen from (no settings, no secrets, no component lookups)
   * for every id, and only an auth-client the caller may see is read whole.
   */
  public AuthClient get(Caller caller, String id) {
    return readIf(id, repository.findReach(id).filter(r -> visibleTo(caller, r)).isPresent(), null);
  }

  /**
   * The auth-client {@code id} when workspace {@code ws} may use it; not found otherwise, at the
   * command's {@code field}. Used by credentials, which only take auth-clients their workspace can
   * use. Costs the same for an unknown id and for one the workspace may not use (see {@link #get}).
   */
  public AuthClient usableIn(Workspace ws, String id, String field) {
    Location at = ws.location();
    return readIf(id, repository.findReach(id).filter(r -> usableAt(r, at)).isPresent(), field);
  }

  private AuthClient readIf(String id, boolean allowed, String field) {
    Optional<AuthClient> found = allowed ? repository.find(id) : Optional.empty();
    return found.orElseThrow(() -> new NotFoundException("auth-client", id, field));
  }

  /** Looks an auth-client up without access checks, for services that check access themselves. */
  public Optional<AuthClient> findUnchecked(String id) {
    return repository.find(id);
  }

  /** Filters of the list. */
  public record Filter(
      Optional<String> workspaceId, Optional<String> componentId, Optional<AuthClientType> type) {}

  public Page<AuthClient> list(Caller caller, Filter filter, PageRequest page) {
    Optional<Location> ws =
        filter.workspaceId().map(id -> tenancy.workspace(caller, id).location());
    Optional<Set<String>> tenants =
        caller.globalAdmin() ? Optional.empty() : Optional.of(caller.tenantIds());
    if (tenants.isPresent() && tenants.get().isEmpty()) {
      return new Page<>(List.of(), Optional.empty());
    }
    List<AuthClient> rows =
        Paging.collect(
            page,
            (after, limit) -> repository.list(tenants, after, limit),
            a ->
                (ws.isPresent() ? usableAt(a, ws.get()) : visibleTo(caller, a))
                    && filter.componentId().map(a.componentIds()::contains).orElse(true)
                    && filter.type().map(t -> t == a.type()).orElse(true),
            AuthClient::seq);
    return Page.of(rows, page.size(), AuthClient::seq);
  }

  /** What a PATCH may carry; what is absent keeps its value. */
  public record Change(
      Optional<String> name,
      Optional<SettingsPatch> settings,
      Optional<List<String>> componentIds) {}

  public AuthClient update(Caller caller, String id, Change change) {
    AuthClient current = get(caller, id);
    requireManager(caller, current);
    String name = change.name().map(TenancyService::checkName).orElse(current.name());
    AuthClientSettings settings = current.settings();
    if (change.settings().isPresent()) {
      settings = SettingsMerge.apply(current.settings(), change.settings().get(), CREDENTIALS);
      EndpointCheck.check(
          outbound, settings, EndpointCheck.endpoints(current.settings()), CREDENTIALS);
      checkVerifyRequest(settings);
      requireSharedKeyKept(current, settings);
    }
    List<String> componentIds =
        change
            .componentIds()
            .map(ids -> links.relink(caller, current, ids))
            .orElse(current.componentIds());
    AuthClient updated = current.with(name, settings, componentIds);
    repository.update(updated);
    changeListeners.forEach(l -> l.accept(id));
    List<String> changed = new java.util.ArrayList<>();
    change.name().ifPresent(n -> changed.add("name"));
    change.settings().ifPresent(n -> changed.add(CREDENTIALS));
    change.componentIds().ifPresent(n -> changed.add("components"));
    audit.record(
        audited(caller, Actions.AUTH_CLIENT_UPDATED, updated)
            .with("changed", String.join(",", changed)));
    return repository.find(id).orElseThrow();
  }

  private void checkVerifyRequest(AuthClientSettings settings) {
    settings
        .verifyRequest()
        .ifPresent(
            v -> verifyRequests.check(v, Field.child(CREDENTIALS, SettingsParser.VERIFY_REQUEST)));
  }

  /**
   * Calls {@code listener} with an auth-client's id after every update made through this service,
   * for whoever keeps what it derived from the auth-client (the authorizations of its credentials).
   */
  public void onChange(java.util.function.Consumer<String> listener) {
    changeListeners.add(listener);
  }

  /**
   * Credentials of an api_key auth-client may bring no key of their own and use its shared value
   * (which is not recorded per credential), so the value cannot go while any credential uses it.
   */
  private void requireSharedKeyKept(AuthClient current, AuthClientSettings updated) {
    if (current.settings() instanceof ApiKeySettings before
        && before.value().isPresent()
        && updated instanceof ApiKeySettings after
        && after.value().isEmpty()) {
      int uses = repository.countCredentials(current.id());
      if (uses > 0) {
        throw new ConflictException(
            "auth_client_in_use",
            "auth-client "
                + current.id()
                + " is used by "
                + uses
                + " credential(s), which may rely on its shared value: give it a new value"
                + " instead of removing it, or delete those credentials first",
            Field.child(CREDENTIALS, "value"));
      }
    }
  }

  public void delete(Caller caller, String id) {
    AuthClient current = get(caller, id);
    requireManager(caller, current);
    transactions.inTransaction(
        () -> {
          int uses = repository.countCredentials(id);
          if (uses > 0) {
            throw new ConflictException(
                "auth_client_in_use",
                "auth-client "
                    + id
                    + " is used by "
                    + uses
                    + " credential(s): delete them before the auth-client");
          }
          repository.delete(id);
          audit.record(audited(caller, Actions.AUTH_CLIENT_DELETED, current));
        });
  }

  /** An audit record of the caller acting on {@code a}, placed where it is owned. */
  private AuditRecord audited(Caller caller, String action, AuthClient a) {
    return caller.audit(
        clock.instant(),
        action,
        Subject.of(Subject.AUTH_CLIENT, a.id()),
        a.owner().map(o -> Place.of(o.path())).orElseGet(() -> Place.tenant(a.tenantId())));
  }

  /**
   * The component a credential of {@code authClient} in {@code ws} is for: {@code requested} when
   * the auth-client links it (else 422 {@code component_not_linked}) and the workspace may use it
   * (else 404, as if it did not exist); without one, the only linked component the workspace may
   * use (else 422 {@code missing_component}, or {@code component_not_usable} when there is none).
   * Errors name the field {@code component}. Saving a credential and starting an Authenticate round
   * trip both choose with this.
   */
  public String componentFor(AuthClient authClient, Optional<String> requested, Workspace ws) {
    return ComponentChoice.choose(
        authClient, requested, ws, (id, w) -> componentUsableAt(id, w.location()));
  }

  /** Whether a workspace at {@code ws} may use component {@code componentId}. */
  public boolean componentUsableAt(String componentId, Location ws) {
    return components.findUnchecked(componentId).filter(c -> c.usableAt(ws)).isPresent();
  }

  /** Whether a workspace at {@code ws} may use the auth-client. */
  public boolean usableAt(AuthClient a, Location ws) {
    return usableAt(reachOf(a), ws);
  }

  private static boolean usableAt(AuthClientRepository.Reach r, Location ws) {
    if (r.owner().isPresent() && !ws.isWithin(r.owner().get())) {
      return false;
    }
    // Owned or not, an auth-client serves a workspace only through a component it can use.
    return r.deployments().stream().anyMatch(ws::isWithin);
  }

  private boolean visibleTo(Caller caller, AuthClient a) {
    return visibleTo(caller, reachOf(a));
  }

  private static boolean visibleTo(Caller caller, AuthClientRepository.Reach r) {
    if (caller.globalAdmin()) {
      return true;
    }
    if (r.owner().isPresent()) {
      return caller.sees(r.owner().get());
    }
    return r.deployments().stream().anyMatch(caller::sees);
  }

  private AuthClientRepository.Reach reachOf(AuthClient a) {
    return new AuthClientRepository.Reach(
        a.owner(), linkedComponents(a).stream().map(Component::deployedAt).toList());
  }

  private void requireManager(Caller caller, AuthClient a) {
    if (a.owner().isPresent()) {
      Access.requireAdmin(caller, a.owner().get(), "the owner of auth-client " + a.id());
      return;
    }
    for (Component c : linkedComponents(a)) {
      Access.requireAdmin(caller, c.deployedAt(), "the deployment of component " + c.id());
    }
  }

  /**
   * Whether the caller may change (and so set the secret of) the auth-client: an admin of its
   * owner, or of every linked component's deployment when it has no owner.
   */
  private boolean mayManage(Caller caller, AuthClient a) {
    if (a.owner().isPresent()) {
      return caller.isAdminAt(a.owner().get());
    }
    return linkedComponents(a).stream().allMatch(c -> caller.isAdminAt(c.deployedAt()));
  }

  private List<Component> linkedComponents(AuthClient a) {
    return a.componentIds().stream()
        .map(components::findUnchecked)
        .flatMap(Optional::stream)
        .toList();
  }
}
