package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flow triggers on H2. */
class H2FlowTriggersTest extends FlowTriggersContract {
  @RegisterExtension
  static final CredflowExtension credflow = FlowFixture.server(false, "triggers");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
