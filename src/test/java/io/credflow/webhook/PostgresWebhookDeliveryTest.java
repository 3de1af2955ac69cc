package io.credflow.webhook;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Event webhook deliveries on PostgreSQL. */
class PostgresWebhookDeliveryTest extends WebhookDeliveryContract {
  @RegisterExtension
  static final CredflowExtension credflow = WebhookDeliveryContract.server(true, "webhooks");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
