package io.credflow.tenancy;

import java.time.Instant;

/** A contract of one tenant. */
public record Contract(String id, String tenantId, String name, Instant createdAt, long seq) {
  public Location location() {
    return Location.contract(tenantId, id);
  }
}
