package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input to flows and runs on PostgreSQL. */
class PostgresFlowBadInputTest extends FlowBadInputContract {
  @RegisterExtension static final CredflowExtension credflow = FlowFixture.server(true, "badinput");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
