package io.credflow.tenancy;

import io.credflow.audit.Actor;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.Origin;
import io.credflow.audit.Place;
import io.credflow.audit.Subject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who a request acts as, with every membership resolved to its location. All access decisions go
 * through {@link #roleAt} (may act on a node) and {@link #sees} (may know the node exists).
 *
 * <p>For the audit trail a caller also says how it came: through which API key ({@code apiKeyId};
 * empty for a console session and for work done on a user's behalf), and from where and why ({@link
 * Origin}). These decide nothing about access.
 */
public record Caller(
    User user, List<Membership> memberships, Optional<String> apiKeyId, Origin origin) {
  public Caller {
    memberships = List.copyOf(memberships);
    java.util.Objects.requireNonNull(apiKeyId, "apiKeyId");
    java.util.Objects.requireNonNull(origin, "origin");
  }

  /** A caller acting as the user itself, from nowhere in particular. */
  public Caller(User user, List<Membership> memberships) {
    this(user, memberships, Optional.empty(), Origin.NONE);
  }

  /** This caller, its request from {@code origin}. */
  public Caller from(Origin origin) {
    return new Caller(user, memberships, apiKeyId, origin);
  }

  /** Who the audit trail names: the API key the request came with, else the user. */
  public Actor actor() {
    return apiKeyId
        .map(k -> Actor.apiKey(k, user.id(), user.email()))
        .orElseGet(() -> Actor.user(user.id(), user.email()));
  }

  /** An audit record of this caller doing {@code action} to {@code subject} at {@code place}. */
  public AuditRecord audit(Instant at, String action, Subject subject, Place place) {
    return AuditRecord.of(at, actor(), action, subject, place, origin);
  }

  /**
   * The place of acts on the caller's own account (API keys, sign-in): its tenant when it has
   * memberships in exactly one, else none (seen by installation admins only).
   */
  public Place homePlace() {
    Set<String> tenants = tenantIds();
    return tenants.size() == 1 ? Place.tenant(tenants.iterator().next()) : Place.NONE;
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
