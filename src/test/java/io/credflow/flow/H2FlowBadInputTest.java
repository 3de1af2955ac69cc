package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input to flows and runs on H2. */
class H2FlowBadInputTest extends FlowBadInputContract {
  @RegisterExtension
  static final CredflowExtension credflow = FlowFixture.server(false, "badinput");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
