package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flow triggers on PostgreSQL. */
class PostgresFlowTriggersTest extends FlowTriggersContract {
  @RegisterExtension static final CredflowExtension credflow = FlowFixture.server(true, "triggers");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
