package io.credflow.credential;

import java.time.Instant;

/** Records every release of a secret for use: who, which credential, why; never the secret. */
@FunctionalInterface
public interface AuditLog {
  void record(AuditRecord record);

  /** One release of a credential's secret. */
  record AuditRecord(
      Instant at,
      String userId,
      String workspaceId,
      String credentialId,
      String action,
      String reason) {}
}
