package io.credflow.oauth;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to refresh, as docs/tokens.md says: proactively at {@code expires_at - margin}, margin =
 * clamp(10% of the lifetime, 60 s, 7 days) with ±10% jitter; Instagram not before the token is 24
 * hours old (the provider's earliest refresh); on use within the skew; after failures with backoff
 * 30 s doubling, capped at 1 h, with jitter.
 */
public record RefreshPolicy(Duration skew, Duration leaseLength, RandomGenerator random) {
  public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);

  /** Longer than the token endpoint's timeout, so a live lease holder is never overtaken. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(45);

  static final Duration MIN_MARGIN = Duration.ofSeconds(60);
  static final Duration MAX_MARGIN = Duration.ofDays(7);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);
  static final Duration MAX_BACKOFF = Duration.ofHours(1);

  public RefreshPolicy {
    if (skew.isNegative() || skew.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("refresh skew must be 0..1h, was " + skew);
    }
    if (leaseLength.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("lease must be at least 1 s, was " + leaseLength);
    }
  }

  /** The policy of docs/tokens.md, with a fast thread-local source for jitter (not a secret). */
  public static RefreshPolicy defaults() {
    return new RefreshPolicy(DEFAULT_SKEW, DEFAULT_LEASE, THREAD_LOCAL_RANDOM);
  }

  /** The same policy drawing its jitter from {@code newRandom}. */
  public RefreshPolicy withRandom(RandomGenerator newRandom) {
    return new RefreshPolicy(skew, leaseLength, newRandom);
  }

  private static final RandomGenerator THREAD_LOCAL_RANDOM =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return java.util.concurrent.ThreadLocalRandom.current().nextLong();
        }
      };

  /**
   * The proactive refresh time of a token issued at {@code issuedAt} expiring at {@code expiresAt},
   * never before {@code earliest} (the provider's own limit, e.g. Instagram's 24 hours); empty when
   * the token never expires.
   */
  public Optional<Instant> nextRefresh(
      Instant issuedAt, Optional<Instant> expiresAt, Instant earliest) {
    if (expiresAt.isEmpty()) {
      return Optional.empty();
    }
    Duration lifetime = Duration.between(issuedAt, expiresAt.get());
    if (lifetime.isNegative()) {
      lifetime = Duration.ZERO;
    }
    Duration margin = jitter(clamp(lifetime.dividedBy(10), MIN_MARGIN, MAX_MARGIN));
    Instant at = expiresAt.get().minus(margin);
    return Optional.of(at.isBefore(earliest) ? earliest : at);
  }

  /** Whether a token must be refreshed before use: it expires within the skew. */
  public boolean dueForUse(Optional<Instant> expiresAt, Instant now) {
    return expiresAt.map(e -> now.isAfter(e.minus(skew))).orElse(false);
  }

  /** The wait after the {@code failures}-th failure in a row (1-based). */
  public Duration backoff(int failures) {
    int doublings = Math.max(0, Math.min(failures - 1, 20));
    Duration d = FIRST_BACKOFF.multipliedBy(1L << doublings);
    return jitter(d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d);
  }

  private Duration jitter(Duration d) {
    long millis = d.toMillis();
    long spread = millis / 10;
    long offset = spread == 0 ? 0 : random.nextLong(-spread, spread + 1);
    return Duration.ofMillis(millis + offset);
  }

  private static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }
}
