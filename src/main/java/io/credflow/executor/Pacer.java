package io.credflow.executor;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The component's {@code delay}: the least time between the starts of two consecutive requests of
 * one flow step (the same request configuration) with the same credential. The first request of a
 * step is not delayed; concurrent ones take their turns, each {@code delay} after the one before.
 * Read on the injected clock; the caller waits what {@link #reserve} answers on its sleeper.
 */
final class Pacer {
  /** Steps remembered; past this, those whose next start is already due are forgotten. */
  static final int LIMIT = 10_000;

  private record Step(String credentialId, RequestSpec spec) {}

  private final ConcurrentHashMap<Step, Instant> nextStart = new ConcurrentHashMap<>();

  /**
   * Takes the next start of {@code spec}'s step with {@code credentialId} at or after {@code now},
   * and answers how long to wait for it (zero for the step's first request, or when the last one
   * began at least {@code delay} ago).
   */
  Duration reserve(String credentialId, RequestSpec spec, Instant now) {
    Duration delay = spec.delay();
    if (!delay.isPositive()) {
      return Duration.ZERO;
    }
    Instant[] start = new Instant[1];
    nextStart.compute(
        new Step(credentialId, spec),
        (step, earliest) -> {
          start[0] = earliest == null || earliest.isBefore(now) ? now : earliest;
          return start[0].plus(delay);
        });
    if (nextStart.size() > LIMIT) {
      nextStart.values().removeIf(next -> !next.isAfter(now));
    }
    return Duration.between(now, start[0]);
  }
}
