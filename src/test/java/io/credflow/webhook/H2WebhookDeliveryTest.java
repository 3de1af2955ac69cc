package io.credflow.webhook;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Event webhook deliveries on H2. */
class H2WebhookDeliveryTest extends WebhookDeliveryContract {
  @RegisterExtension
  static final CredflowExtension credflow = WebhookDeliveryContract.server(false, "webhooks");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
