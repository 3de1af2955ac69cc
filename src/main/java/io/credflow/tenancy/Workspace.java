package io.credflow.tenancy;

import java.time.Instant;

/** A workspace of one contract; credentials live in workspaces. */
public record Workspace(
    String id, String contractId, String tenantId, String name, Instant createdAt, long seq) {
  public Location location() {
    return Location.workspace(tenantId, contractId, id);
  }
}
