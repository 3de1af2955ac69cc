package io.credflow.tenancy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who a request acts as, with every membership resolved to its location. All access decisions go
 * through {@link #roleAt} (may act on a node) and {@link #sees} (may know the node exists).
 */
public record Caller(User user, List<Membership> memberships) {
  public Caller {
    memberships = List.copyOf(memberships);
  }

  public boolean globalAdmin() {
    return user.globalAdmin();
  }

  /** The strongest role that applies at {@code location}: a membership there or above it. */
  public Optional<Role> roleAt(Location location) {
    if (globalAdmin()) {
      return Optional.of(Role.ADMIN);
    }
    Role best = null;
    for (Membership m : memberships) {
      if (location.isWithin(m.at()) && (best == null || m.role().atLeast(best))) {
        best = m.role();
      }
    }
    return Optional.ofNullable(best);
  }

  public boolean isAdminAt(Location location) {
    return roleAt(location).filter(r -> r == Role.ADMIN).isPresent();
  }

  /**
   * Whether the caller may know that {@code location} exists: it has a role there, or a membership
   * somewhere below it (a workspace member sees its contract and tenant).
   */
  public boolean sees(Location location) {
    if (globalAdmin()) {
      return true;
    }
    for (Membership m : memberships) {
      if (location.isWithin(m.at()) || m.at().isWithin(location)) {
        return true;
      }
    }
    return false;
  }

  /** The tenants the caller has any membership in; meaningless for a global admin. */
  public Set<String> tenantIds() {
    return memberships.stream().map(m -> m.at().tenantId()).collect(Collectors.toSet());
  }

  /** Whether the caller is an admin anywhere (may create users). */
  public boolean isAnyAdmin() {
    return globalAdmin() || memberships.stream().anyMatch(m -> m.role() == Role.ADMIN);
  }
}
