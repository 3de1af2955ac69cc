package io.credflow.credential;

import io.credflow.testing.CredflowExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Expiring refresh tokens and client secrets on H2. */
class H2ExpiryTest extends ExpiryContract {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("expiry");

  @Override
  CredflowExtension credflow() {
    return credflow;
  }
}
