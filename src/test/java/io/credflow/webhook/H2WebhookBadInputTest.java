package io.credflow.webhook;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input and access on the webhook routes, on H2. */
class H2WebhookBadInputTest extends WebhookBadInputContract {
  @RegisterExtension
  static final CredflowExtension credflow = WebhookBadInputContract.server(false);

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
