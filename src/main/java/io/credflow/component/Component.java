package io.credflow.component;

import io.credflow.tenancy.Location;
import java.time.Instant;

/** A deployed copy of a component, at a tenant or a workspace. */
public record Component(
    String id,
    String name,
    Location deployedAt,
    Descriptor descriptor,
    Instant createdAt,
    Instant updatedAt,
    long seq) {
  /** Whether a workspace at {@code workspace} may use this component. */
  public boolean usableAt(Location workspace) {
    return workspace.isWithin(deployedAt);
  }

  public Component withName(String newName) {
    return new Component(id, newName, deployedAt, descriptor, createdAt, updatedAt, seq);
  }

  public Component withDescriptor(Descriptor newDescriptor) {
    return new Component(id, name, deployedAt, newDescriptor, createdAt, updatedAt, seq);
  }
}
