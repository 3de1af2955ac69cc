package io.credflow.console;

import io.credflow.common.Secret;
import io.credflow.tenancy.Caller;

/**
 * A signed-in request: who makes it, and the session's token (to derive the CSRF token from; never
 * shown). {@code toString} names the user only.
 */
record Visit(Caller caller, Secret sessionToken, String csrf) {
  @Override
  public String toString() {
    return "Visit[" + caller.user().email() + "]";
  }
}
