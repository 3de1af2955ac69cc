package io.credflow.executor;

import io.credflow.common.CredflowException;

/**
 * The {@code rebound} error policy: the upstream could not take the request now, and the platform
 * should hand the message back and try again later. The API answers {@code 503 rebound}.
 */
public final class ReboundException extends CredflowException {
  public ReboundException(String message) {
    super("rebound", message);
  }
}
