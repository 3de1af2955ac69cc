package io.credflow.audit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where in the ownership tree it happened, as far as known: a tenant, a contract or a workspace
 * (ids), or nowhere (an installation-wide act, seen by installation admins only). A place with only
 * a workspace is completed from the workspace when written.
 */
public record Place(
    Optional<String> tenantId, Optional<String> contractId, Optional<String> workspaceId) {
  public static final Place NONE = new Place(Optional.empty(), Optional.empty(), Optional.empty());

  public Place {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(contractId, "contractId");
    Objects.requireNonNull(workspaceId, "workspaceId");
  }

  /** A node's place from its path (tenant, contract, workspace ids from the top). */
  public static Place of(List<String> path) {
    return new Place(
        Optional.of(path.get(0)),
        path.size() > 1 ? Optional.of(path.get(1)) : Optional.empty(),
        path.size() > 2 ? Optional.of(path.get(2)) : Optional.empty());
  }

  public static Place tenant(String tenantId) {
    return new Place(Optional.of(tenantId), Optional.empty(), Optional.empty());
  }

  /** A workspace, its tenant and contract looked up when the record is written. */
  public static Place workspace(String workspaceId) {
    return new Place(Optional.empty(), Optional.empty(), Optional.of(workspaceId));
  }
}
