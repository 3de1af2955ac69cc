package io.credflow.testing;

import io.credflow.common.Sleeper;
import io.credflow.common.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongBinaryOperator;
import java.util.random.RandomGenerator;

/**
 * Time that tests drive: a {@link SettableClock}, a {@link Sleeper} that returns at once after
 * moving that clock by the wait it was asked for (and records the wait), and jitter that always
 * draws the middle of its range. A test asserts on {@link #sleeps()} instead of measuring
 * wall-clock time, and never waits for real.
 */
public final class ManualTime {
  private final SettableClock clock;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  public ManualTime(Instant start) {
    this.clock = new SettableClock(start);
  }

  /** Manual time starting at the real current instant (tokens from real providers stay valid). */
  public static ManualTime startingNow() {
    return new ManualTime(Instant.now());
  }

  public SettableClock clock() {
    return clock;
  }

  /** Moves the clock by the requested wait and returns at once. */
  public Sleeper sleeper() {
    return duration -> {
      sleeps.add(duration);
      if (duration.isPositive()) {
        clock.advance(duration);
      }
    };
  }

  /** The waits asked for so far, in order. */
  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  public void clearSleeps() {
    sleeps.clear();
  }

  public Instant now() {
    return clock.instant();
  }

  public Instant advance(Duration d) {
    return clock.advance(d);
  }

  /** This clock, this sleeper, and {@link #MIDDLE} jitter. */
  public Timing timing() {
    return new Timing(clock, sleeper(), MIDDLE);
  }

  /** A "random" source that always answers the middle of the range asked for. */
  public static final RandomGenerator MIDDLE =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return 0;
        }

        @Override
        public long nextLong(long bound) {
          return bound / 2;
        }

        @Override
        public long nextLong(long origin, long bound) {
          return origin + (bound - origin) / 2;
        }

        @Override
        public double nextDouble() {
          return 0.5;
        }
      };

  /** A "random" source that always draws the lowest value of the range asked for. */
  public static final RandomGenerator LOWEST = drawing((origin, bound) -> origin);

  /** A "random" source that always draws the highest value of the range asked for. */
  public static final RandomGenerator HIGHEST = drawing((origin, bound) -> bound - 1);

  private static RandomGenerator drawing(LongBinaryOperator pick) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public long nextLong(long origin, long bound) {
        return pick.applyAsLong(origin, bound);
      }
    };
  }
}
