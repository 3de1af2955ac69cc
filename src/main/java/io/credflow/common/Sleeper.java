package io.credflow.common;

import java.time.Duration;

/**
 * Waits for a while. Every wait in Credflow (retry backoff, {@code Retry-After}, a request's {@code
 * delay}, waiting for another process's refresh lease, the scheduler's poll) goes through one, so
 * that tests move a clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {
  /** Returns after {@code duration} (at once when it is zero or negative). */
  void sleep(Duration duration) throws InterruptedException;

  /** The real thing: {@link Thread#sleep(Duration)}. */
  static Sleeper system() {
    return duration -> {
      if (duration.isPositive()) {
        Thread.sleep(duration);
      }
    };
  }
}
