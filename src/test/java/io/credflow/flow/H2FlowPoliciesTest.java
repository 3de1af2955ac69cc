package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Error policies, cancel and retry in flows on H2. */
class H2FlowPoliciesTest extends FlowPoliciesContract {
  @RegisterExtension
  static final CredflowExtension credflow = FlowFixture.server(false, "policies");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
