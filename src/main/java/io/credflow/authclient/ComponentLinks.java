package io.credflow.authclient;

import io.credflow.common.ConflictException;
import io.credflow.common.Field;
import io.credflow.common.NotFoundException;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.AuthClientType;
import io.credflow.component.Component;
import io.credflow.component.ComponentService;
import io.credflow.tenancy.Caller;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules for the components an auth-client serves: at least one, each listed once, visible to
 * the caller, accepting the auth-client's type, all in one tenant; and none unlinked while
 * credentials use it. Errors name the field {@code components} or one of its items.
 */
final class ComponentLinks {
  static final String FIELD = "components";

  private final AuthClientRepository repository;
  private final ComponentService components;

  ComponentLinks(AuthClientRepository repository, ComponentService components) {
    this.repository = repository;
    this.components = components;
  }

  /** The components {@code ids} names, for an auth-client of {@code type}. */
  List<Component> resolve(Caller caller, List<String> ids, AuthClientType type) {
    if (ids.isEmpty()) {
      throw new ValidationException(
          Field.items(FIELD),
          "missing_components",
          "relationships.components must name at least one component the auth-client serves");
    }
    List<Component> linked = new ArrayList<>();
    List<Violation> violations = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      String field = Field.item(FIELD, i);
      if (!seen.add(id)) {
        violations.add(
            new Violation(field, "duplicate_component", "component " + id + " is listed twice"));
        continue;
      }
      Component c =
          components
              .find(caller, id)
              .orElseThrow(() -> new NotFoundException("component", id, field));
      if (!c.descriptor().accepts(type)) {
        violations.add(
            new Violation(
                field,
                "auth_client_type_not_accepted",
                "component "
                    + id
                    + " ("
                    + c.name()
                    + ") accepts "
                    + c.descriptor().authClientTypes()
                    + ", not "
                    + type.wireName()));
      }
      if (!linked.isEmpty()
          && !linked.get(0).deployedAt().tenantId().equals(c.deployedAt().tenantId())) {
        violations.add(
            new Violation(
                field,
                "components_in_several_tenants",
                "component " + id + " is in another tenant than " + linked.get(0).id()));
      }
      linked.add(c);
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return linked;
  }

  /**
   * The ids of the components a PATCH links {@code current} to instead: they stay in its tenant,
   * and a component whose credentials use the auth-client is not unlinked.
   */
  List<String> relink(Caller caller, AuthClient current, List<String> ids) {
    List<Component> linked = resolve(caller, ids, current.type());
    for (Component c : linked) {
      if (!c.deployedAt().tenantId().equals(current.tenantId())) {
        throw new ValidationException(
            FIELD, "component_outside_tenant", "component " + c.id() + " is in another tenant");
      }
    }
    List<String> componentIds = linked.stream().map(Component::id).toList();
    for (String removed : current.componentIds()) {
      if (!componentIds.contains(removed)
          && repository.countCredentials(current.id(), removed) > 0) {
        throw new ConflictException(
            "auth_client_in_use",
            "credentials of component "
                + removed
                + " use auth-client "
                + current.id()
                + ": delete them before unlinking the component",
            FIELD);
      }
    }
    return componentIds;
  }
}
