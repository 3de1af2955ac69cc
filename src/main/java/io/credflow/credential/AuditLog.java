package io.credflow.credential;

import java.time.Instant;

/**
 * Records every release of a secret for use: who, which credential, why; never the secret. A
 * release to a runtime ({@code …/access}) is one record; the uses of a credential by the requests
 * Credflow sends itself are counted per caller and minute ({@link RequestAudit}), one record with
 * {@link AuditRecord#uses()} for each.
 */
@FunctionalInterface
public interface AuditLog {
  void record(AuditRecord record);

  /** One release of a credential's secret, or {@code uses} of it in the minute from {@code at}. */
  record AuditRecord(
      Instant at,
      String userId,
      String workspaceId,
      String credentialId,
      String action,
      String reason,
      long uses) {
    /** A single release. */
    public AuditRecord(
        Instant at,
        String userId,
        String workspaceId,
        String credentialId,
        String action,
        String reason) {
      this(at, userId, workspaceId, credentialId, action, reason, 1);
    }
  }
}
