package io.credflow.audit;

import java.util.List;

/**
 * Which part of the trail a reader may see: all of it (an installation admin), or the records of
 * the nodes below the given paths (the tenants, contracts and workspaces the reader administers).
 * The tenancy decides a reader's scope; the trail only applies it.
 */
public sealed interface AuditScope {
  /** Every record, installation-wide ones too. */
  record Everything() implements AuditScope {}

  /** The records at or below these nodes, each a path of ids from the tenant down. */
  record Within(List<List<String>> paths) implements AuditScope {
    public Within {
      paths = paths.stream().map(List::copyOf).toList();
      if (paths.isEmpty()) {
        throw new IllegalArgumentException("a scope within nodes names at least one");
      }
    }
  }
}
