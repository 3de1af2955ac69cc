package io.credflow.tenancy;

import java.time.Instant;

/** The top of the ownership tree. {@code seq} orders lists by creation. */
public record Tenant(String id, String name, Instant createdAt, long seq) {
  public Location location() {
    return Location.tenant(id);
  }
}
