package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flow attachments on H2, stored in the data directory. */
class H2FlowAttachmentTest extends FlowAttachmentContract {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.database(false).manualTime().upstreamServer().executorWorkspace("attach");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
