package io.credflow.credential;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Expiring refresh tokens and client secrets on PostgreSQL. */
class PostgresExpiryTest extends ExpiryContract {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.postgres().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("expiry");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
