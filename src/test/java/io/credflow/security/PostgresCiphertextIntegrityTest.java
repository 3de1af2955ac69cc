package io.credflow.security;

import io.credflow.testing.TestServer;

/** Ciphertext binding and tamper refusal on PostgreSQL. */
class PostgresCiphertextIntegrityTest extends CiphertextIntegrityContract {
  @Override
  TestServer start() {
    return TestServer.postgres();
  }
}
