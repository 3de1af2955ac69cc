package io.credflow.executor;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The wait before a retry when the server sent no {@code Retry-After}: {@code 2^n} seconds before
 * retry {@code n}, capped at {@code max}, with "equal jitter": half of it fixed and half random, so
 * callers that failed together spread out, yet no wait is ever close to zero (at least half the
 * capped value) or longer than the capped value.
 */
public record Backoff(Duration max, RandomGenerator random) {
  /**
   * 2^40 s (35 000 years) exceeds any sensible cap; it keeps shifts and millis from overflowing.
   */
  private static final int MAX_EXPONENT = 40;

  private static final Duration LONGEST = Duration.ofSeconds(1L << MAX_EXPONENT);

  public Backoff {
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(random, "random");
    if (max.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("backoff max must be at least 1 ms, was " + max);
    }
  }

  /**
   * The wait before retry {@code retry} (1 after the first failure): uniformly distributed, at
   * millisecond resolution, in {@code [c - c/2, c]} where {@code c = min(2^retry s, max)}.
   */
  public Duration before(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retries count from 1, was " + retry);
    }
    long uncapped = Duration.ofSeconds(1L << Math.min(retry, MAX_EXPONENT)).toMillis();
    long capped = Math.min(uncapped, (max.compareTo(LONGEST) > 0 ? LONGEST : max).toMillis());
    long half = capped / 2;
    return Duration.ofMillis(capped - half + random.nextLong(half + 1));
  }
}
