package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Error policies, cancel and retry in flows on PostgreSQL. */
class PostgresFlowPoliciesTest extends FlowPoliciesContract {
  @RegisterExtension static final CredflowExtension credflow = FlowFixture.server(true, "policies");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
