package io.credflow.audit;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit trail on PostgreSQL, where a trigger keeps it append-only too. */
class PostgresAuditTrailTest extends AuditTrailContract {
  @RegisterExtension static final CredflowExtension credflow = server(true);

  @Override
  CredflowExtension credflow() {
    return credflow;
  }

  @Override
  boolean postgres() {
    return true;
  }

  @Test
  void databaseWhenARecordIsUpdatedOrAYoungOneDeletedThenPostgresRefuses() {
    checkPostgresRefusesUpdatesAndYoungDeletes();
  }
}
