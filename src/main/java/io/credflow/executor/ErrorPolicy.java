package io.credflow.executor;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What an error response (a status in {@code errorCodes}, a timeout, a lost connection) does. */
public enum ErrorPolicy {
  /** Retry with {@code Retry-After} or backoff, up to {@code maxRetries} attempts; then fail. */
  BY_COMPONENT("byComponent"),
  /** Hand the message back to the platform to try again later ({@code 503 rebound}). */
  REBOUND("rebound"),
  /** Fail at once ({@code 502 upstream_error}). */
  THROW_ERROR("throwError"),
  /** Return the error response as an ordinary result. */
  EMIT("emit");

  private final String wireName;

  ErrorPolicy(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<ErrorPolicy> fromWire(String name) {
    return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(ErrorPolicy::wireName).toList();
  }
}
