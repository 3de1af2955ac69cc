package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration ONE_HOUR = Duration.ofHours(1);

  /** A generator whose every bounded draw is the lowest value. */
  private static final RandomGenerator LOWEST =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return 0;
        }

        @Override
        public long nextLong(long bound) {
          return 0;
        }
      };

  /** A generator whose every bounded draw is the highest value. */
  private static final RandomGenerator HIGHEST =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return -1;
        }

        @Override
        public long nextLong(long bound) {
          return bound - 1;
        }
      };

  @Test
  void beforeWhenRandomDrawsLowestThenHalfOfTwoToTheNSeconds() {
    Backoff backoff = new Backoff(ONE_HOUR, LOWEST);

    assertThat(backoff.before(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.before(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.before(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.before(10)).isEqualTo(Duration.ofSeconds(512));
  }

  @Test
  void beforeWhenRandomDrawsHighestThenExactlyTwoToTheNSeconds() {
    Backoff backoff = new Backoff(ONE_HOUR, HIGHEST);

    assertThat(backoff.before(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.before(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.before(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(backoff.before(11)).isEqualTo(Duration.ofSeconds(2048));
  }

  @Test
  void beforeWhenTwoToTheNExceedsMaxThenBetweenHalfMaxAndMax() {
    Duration max = Duration.ofSeconds(5);

    assertThat(new Backoff(max, LOWEST).before(3)).isEqualTo(Duration.ofMillis(2500));
    assertThat(new Backoff(max, HIGHEST).before(3)).isEqualTo(max);
    assertThat(new Backoff(ONE_HOUR, HIGHEST).before(12)).isEqualTo(ONE_HOUR);
    assertThat(new Backoff(ONE_HOUR, LOWEST).before(12)).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void beforeWhenOddMillisecondCapThenStillWithinCap() {
    Duration max = Duration.ofMillis(3);

    assertThat(new Backoff(max, LOWEST).before(1)).isEqualTo(Duration.ofMillis(2));
    assertThat(new Backoff(max, HIGHEST).before(1)).isEqualTo(Duration.ofMillis(3));
    assertThat(new Backoff(Duration.ofMillis(1), LOWEST).before(1)).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void beforeWhenRetryNumberOrMaxIsHugeThenCappedWithoutOverflow() {
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);

    assertThat(new Backoff(ONE_HOUR, HIGHEST).before(Integer.MAX_VALUE)).isEqualTo(ONE_HOUR);
    assertThat(new Backoff(huge, HIGHEST).before(64)).isEqualTo(Duration.ofSeconds(1L << 40));
    assertThat(new Backoff(huge, HIGHEST).before(39)).isEqualTo(Duration.ofSeconds(1L << 39));
  }

  @Test
  void beforeWhenSeededThenSameSequenceAndSpreadAcrossTheUpperHalf() {
    Backoff a = new Backoff(ONE_HOUR, new SplittableRandom(7));
    Backoff b = new Backoff(ONE_HOUR, new SplittableRandom(7));
    LongSummaryStatistics waits = new LongSummaryStatistics();

    for (int i = 0; i < 10_000; i++) {
      Duration wait = a.before(4);
      assertThat(b.before(4)).isEqualTo(wait);
      waits.accept(wait.toMillis());
    }

    // 2^4 s = 16 000 ms: uniform on [8 000, 16 000], mean 12 000
    assertThat(waits.getMin()).isBetween(8_000L, 8_100L);
    assertThat(waits.getMax()).isBetween(15_900L, 16_000L);
    assertThat(waits.getAverage()).isBetween(11_900.0, 12_100.0);
  }

  @Test
  void beforeWhenRetryBelowOneThenRefused() {
    Backoff backoff = new Backoff(ONE_HOUR, LOWEST);

    assertThatThrownBy(() -> backoff.before(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retries count from 1, was 0");
    assertThatThrownBy(() -> backoff.before(-5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructorWhenMaxBelowOneMillisecondThenRefused() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, LOWEST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoff max must be at least 1 ms, was PT0S");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(-1), LOWEST))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(null, LOWEST)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Backoff(ONE_HOUR, null)).isInstanceOf(NullPointerException.class);
  }
}
