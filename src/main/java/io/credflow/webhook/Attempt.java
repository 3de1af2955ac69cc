package io.credflow.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One attempt of a delivery: when it started, how long it took, and the answer's status, or why
 * there was none (a timeout, a refused address, a lost connection).
 */
public record Attempt(
    int number,
    Instant at,
    Duration duration,
    Optional<Integer> statusCode,
    Optional<String> error) {

  public boolean delivered() {
    return statusCode.filter(s -> s >= 200 && s < 300).isPresent();
  }
}
