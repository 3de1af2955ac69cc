package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flow versions, delays, credentials in use, secrets and metrics on PostgreSQL. */
class PostgresFlowLifecycleTest extends FlowLifecycleContract {
  @RegisterExtension
  static final CredflowExtension credflow = FlowFixture.server(true, "lifecycle");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
