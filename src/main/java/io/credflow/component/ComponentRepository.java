package io.credflow.component;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Storage of components; implemented by the store. */
public interface ComponentRepository {
  void insert(Component component);

  Optional<Component> find(String id);

  /** Components in creation order after {@code after}; only of {@code tenantIds} when present. */
  List<Component> list(Optional<Set<String>> tenantIds, long after, int limit);

  void update(Component component);

  void delete(String id);

  /** The types of the auth-clients that link this component (empty when none does). */
  Set<AuthClientType> linkedAuthClientTypes(String componentId);

  /** How many auth-clients link this component. */
  int countLinkedAuthClients(String componentId);
}
