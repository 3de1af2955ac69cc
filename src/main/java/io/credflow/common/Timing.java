package io.credflow.common;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Where Credflow gets the time, its waits and the randomness of its jitter: one value handed from
 * the composition root to every part that reads a clock, waits, or spreads retries. Production uses
 * {@link #system()}; tests pass a clock they move, a sleeper that moves it, and a fixed random
 * source. Security randomness (state, PKCE, keys) never comes from here: it is always {@link
 * java.security.SecureRandom}.
 */
public record Timing(Clock clock, Sleeper sleeper, RandomGenerator jitter) {
  public Timing {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(jitter, "jitter");
  }

  /** The system clock (UTC), real sleeps, and a fast thread-local source for jitter. */
  public static Timing system() {
    return of(Clock.systemUTC());
  }

  /** {@code clock}, with real sleeps and thread-local jitter. */
  public static Timing of(Clock clock) {
    return new Timing(clock, Sleeper.system(), THREAD_LOCAL);
  }

  /**
   * Waits {@code wait} through the sleeper; a wait of zero (or less) is no wait and asks it for
   * nothing. False when the wait was interrupted, with the thread's interrupt flag set again.
   */
  public boolean pause(Duration wait) {
    if (!wait.isPositive()) {
      return true;
    }
    try {
      sleeper.sleep(wait);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The same timing with another sleeper. */
  public Timing withSleeper(Sleeper newSleeper) {
    return new Timing(clock, newSleeper, jitter);
  }

  /** The same timing with another jitter source. */
  public Timing withJitter(RandomGenerator newJitter) {
    return new Timing(clock, sleeper, newJitter);
  }

  /** Jitter is no secret: {@link ThreadLocalRandom} is fast and needs no lock. */
  private static final RandomGenerator THREAD_LOCAL =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public long nextLong(long origin, long bound) {
          return ThreadLocalRandom.current().nextLong(origin, bound);
        }

        @Override
        public long nextLong(long bound) {
          return ThreadLocalRandom.current().nextLong(bound);
        }
      };
}
