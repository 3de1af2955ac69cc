package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flow attachments on PostgreSQL, stored in the database. */
class PostgresFlowAttachmentTest extends FlowAttachmentContract {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.database(true).manualTime().upstreamServer().executorWorkspace("attach");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
