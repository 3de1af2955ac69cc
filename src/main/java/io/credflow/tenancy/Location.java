package io.credflow.tenancy;

import java.util.List;

/**
 * A node of the ownership tree as its path from the tenant down: {@code [tenant]}, {@code [tenant,
 * contract]} or {@code [tenant, contract, workspace]}. Ids are globally unique, so one location is
 * inside another exactly when the other's path is a prefix of its own.
 */
public record Location(List<String> path) {
  public Location {
    path = List.copyOf(path);
    if (path.isEmpty() || path.size() > 3) {
      throw new IllegalArgumentException("a location has 1 to 3 levels, got " + path.size());
    }
  }

  public static Location tenant(String tenantId) {
    return new Location(List.of(tenantId));
  }

  public static Location contract(String tenantId, String contractId) {
    return new Location(List.of(tenantId, contractId));
  }

  public static Location workspace(String tenantId, String contractId, String workspaceId) {
    return new Location(List.of(tenantId, contractId, workspaceId));
  }

  public Level level() {
    return Level.values()[path.size() - 1];
  }

  /** The id of the node itself (the last element of the path). */
  public String id() {
    return path.get(path.size() - 1);
  }

  public String tenantId() {
    return path.get(0);
  }

  /** Whether this location is {@code other} or below it. */
  public boolean isWithin(Location other) {
    return other.path.size() <= path.size()
        && path.subList(0, other.path.size()).equals(other.path);
  }
}
