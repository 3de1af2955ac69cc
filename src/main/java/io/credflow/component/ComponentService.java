package io.credflow.component;

import io.credflow.common.ConflictException;
import io.credflow.common.Field;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.Paging;
import io.credflow.common.ValidationException;
import io.credflow.tenancy.Access;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Level;
import io.credflow.tenancy.Location;
import io.credflow.tenancy.TenancyService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Deploys, reads, changes and removes components, with the descriptor rules and access rules. */
public final class ComponentService {
  private static final String DESCRIPTOR = "descriptor";

  private final ComponentRepository repository;
  private final TenancyService tenancy;
  private final Clock clock;

  public ComponentService(ComponentRepository repository, TenancyService tenancy, Clock clock) {
    this.repository = repository;
    this.tenancy = tenancy;
    this.clock = clock;
  }

  /**
   * Deploys a component at a tenant or a workspace; the caller must be an admin there. Parse the
   * descriptor with {@link DescriptorParser}.
   */
  public Component create(
      Caller caller, String name, Level level, String deployedAtId, Descriptor descriptor) {
    String checkedName = TenancyService.checkName(name);
    if (level == Level.CONTRACT) {
      throw new ValidationException(
          "contract",
          "invalid_relationship",
          "a component is deployed at a tenant or a workspace, not a contract");
    }
    Location at = tenancy.locate(caller, level, deployedAtId, level.wireName());
    Access.requireAdmin(caller, at, level.wireName() + " " + at.id());
    Instant now = clock.instant();
    Component component = new Component(Ids.newId(), checkedName, at, descriptor, now, now, 0);
    repository.insert(component);
    return repository.find(component.id()).orElseThrow();
  }

  /** The component, when the caller can see where it is deployed. */
  public Component get(Caller caller, String id) {
    return find(caller, id).orElseThrow(() -> new NotFoundException("component", id));
  }

  /** The component, when the caller can see it; empty otherwise, exactly as when it is missing. */
  public Optional<Component> find(Caller caller, String id) {
    return repository.find(id).filter(c -> caller.sees(c.deployedAt()));
  }

  /** Looks a component up without access checks, for services that check access themselves. */
  public Optional<Component> findUnchecked(String id) {
    return repository.find(id);
  }

  public Page<Component> list(Caller caller, PageRequest page) {
    Optional<Set<String>> tenants =
        caller.globalAdmin() ? Optional.empty() : Optional.of(caller.tenantIds());
    if (tenants.isPresent() && tenants.get().isEmpty()) {
      return new Page<>(List.of(), Optional.empty());
    }
    List<Component> rows =
        Paging.collect(
            page,
            (after, limit) -> repository.list(tenants, after, limit),
            c -> caller.sees(c.deployedAt()),
            Component::seq);
    return Page.of(rows, page.size(), Component::seq);
  }

  /**
   * Renames and/or redescribes a component. A new descriptor passes the same rules as on create,
   * and must still accept the type of every auth-client that links the component.
   */
  public Component update(
      Caller caller, String id, Optional<String> name, Optional<Descriptor> newDescriptor) {
    Component component = get(caller, id);
    Access.requireAdmin(caller, component.deployedAt(), "component " + id + "'s deployment");
    Component updated = component;
    if (name.isPresent()) {
      updated = updated.withName(TenancyService.checkName(name.get()));
    }
    if (newDescriptor.isPresent()) {
      Descriptor descriptor = newDescriptor.get();
      List<AuthClientType> dropped =
          repository.linkedAuthClientTypes(id).stream()
              .filter(t -> !descriptor.accepts(t))
              .sorted()
              .toList();
      if (!dropped.isEmpty()) {
        throw new ConflictException(
            "component_in_use",
            "component "
                + id
                + " is linked by auth-clients of types "
                + dropped
                + ", which the new authClientTypes "
                + descriptor.authClientTypes()
                + " no longer accept: unlink or delete those auth-clients first",
            Field.child(DESCRIPTOR, "authClientTypes"));
      }
      updated = updated.withDescriptor(descriptor);
    }
    repository.update(updated);
    return repository.find(id).orElseThrow();
  }

  public void delete(Caller caller, String id) {
    Component component = get(caller, id);
    Access.requireAdmin(caller, component.deployedAt(), "component " + id + "'s deployment");
    int links = repository.countLinkedAuthClients(id);
    if (links > 0) {
      throw new ConflictException(
          "component_in_use",
          "component "
              + id
              + " is linked by "
              + links
              + " auth-client(s): delete them or unlink the component from them first");
    }
    repository.delete(id);
  }
}
