package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Whatever the retry, cap and seed: never under half the capped 2^n seconds, never over it. */
class BackoffProperties {
  @Property(tries = 1000)
  void beforeWhenAnyRetryCapAndSeedThenWithinEqualJitterBounds(
      @ForAll @IntRange(min = 1, max = 200) int retry,
      @ForAll @LongRange(min = 1, max = 10_000_000_000L) long maxMillis,
      @ForAll long seed) {
    Backoff backoff = new Backoff(Duration.ofMillis(maxMillis), new SplittableRandom(seed));
    long twoToTheN = retry >= 40 ? Long.MAX_VALUE : (1L << retry) * 1000;
    long capped = Math.min(twoToTheN, maxMillis);

    long wait = backoff.before(retry).toMillis();

    assertThat(wait).isBetween(capped - capped / 2, capped).isPositive();
  }
}
