package io.credflow.audit;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit trail on H2. */
class H2AuditTrailTest extends AuditTrailContract {
  @RegisterExtension static final CredflowExtension credflow = server(false);

  @Override
  CredflowExtension credflow() {
    return credflow;
  }

  @Override
  boolean postgres() {
    return false;
  }
}
