package io.credflow.flow;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flow versions, delays, credentials in use, secrets and metrics on H2. */
class H2FlowLifecycleTest extends FlowLifecycleContract {
  @RegisterExtension
  static final CredflowExtension credflow = FlowFixture.server(false, "lifecycle");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
