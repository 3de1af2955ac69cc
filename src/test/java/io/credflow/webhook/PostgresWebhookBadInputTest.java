package io.credflow.webhook;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input and access on the webhook routes, on PostgreSQL. */
class PostgresWebhookBadInputTest extends WebhookBadInputContract {
  @RegisterExtension static final CredflowExtension credflow = WebhookBadInputContract.server(true);

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
