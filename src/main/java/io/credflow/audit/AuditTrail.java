package io.credflow.audit;

/**
 * Where audit records are written. A record holds who, what, when, where and why, never a secret:
 * callers put ids and outcomes in it, not values. Writing is append-only; nothing updates a record,
 * and only the retention sweep ({@link AuditService#sweep}) deletes old ones.
 */
@FunctionalInterface
public interface AuditTrail {
  /** Writes nothing: for parts wired without an audit trail (tests of other features). */
  AuditTrail NONE = record -> {};

  void record(AuditRecord record);
}
