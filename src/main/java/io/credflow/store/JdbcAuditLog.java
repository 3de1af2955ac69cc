package io.credflow.store;

import io.credflow.credential.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;

/** The audit trail of secret releases, in its own table. */
public final class JdbcAuditLog implements AuditLog {
  private static final String INSERT =
      "INSERT INTO audit_records (at, user_id, workspace_id, credential_id, action, reason, uses)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String BY_CREDENTIAL =
      "SELECT at, user_id, workspace_id, credential_id, action, reason, uses FROM audit_records"
          + " WHERE credential_id = ? ORDER BY seq";

  private final Jdbc jdbc;
  private final Counter writes;

  public JdbcAuditLog(Jdbc jdbc) {
    this(jdbc, new SimpleMeterRegistry());
  }

  /** An audit log that counts the records it writes ({@code credflow_audit_writes_total}). */
  public JdbcAuditLog(Jdbc jdbc, MeterRegistry metrics) {
    this.jdbc = jdbc;
    this.writes =
        Counter.builder("credflow.audit.writes")
            .description("Audit records written")
            .register(metrics);
  }

  @Override
  public void record(AuditRecord r) {
    jdbc.update(
        INSERT,
        r.at(),
        r.userId(),
        r.workspaceId(),
        r.credentialId(),
        r.action(),
        r.reason(),
        r.uses());
    writes.increment();
  }

  /** The records of one credential, oldest first. */
  public List<AuditRecord> ofCredential(String credentialId) {
    return jdbc.query(
        BY_CREDENTIAL,
        rs ->
            new AuditRecord(
                Jdbc.instant(rs, "at"),
                rs.getString("user_id"),
                rs.getString("workspace_id"),
                rs.getString("credential_id"),
                rs.getString("action"),
                rs.getString("reason"),
                rs.getLong("uses")),
        credentialId);
  }
}
