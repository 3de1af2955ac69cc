package io.credflow.security;

import io.credflow.testing.TestServer;

/** Ciphertext binding and tamper refusal on H2. */
class H2CiphertextIntegrityTest extends CiphertextIntegrityContract {
  @Override
  TestServer start() {
    return TestServer.h2();
  }
}
