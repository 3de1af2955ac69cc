package io.credflow.api;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits of security requirement 18, as token buckets (Bucket4j) kept in this process's memory:
 * failed authentications per client address, and requests per API key. Buckets read the injected
 * clock, so a test moves time instead of waiting.
 *
 * <p>Counters are per process: N processes behind a load balancer allow up to N times each limit in
 * all, a client being spread over them.
 */
public final class RateLimits {
  /** Failed authentications a client address may make in a minute (security requirement 18). */
  public static final int DEFAULT_AUTH_FAILURES_PER_MINUTE = 20;

  /**
   * Requests an API key may make in a minute: far above what an integration needs, low enough that
   * one runaway client cannot take a process for itself.
   */
  public static final int DEFAULT_REQUESTS_PER_MINUTE = 60_000;

  /** Keys (addresses or users) kept before idle ones are dropped. */
  private static final int MAX_KEYS = 100_000;

  /** What the limits are: per minute, 0 turning one off. */
  public record Settings(
      int requestsPerKeyPerMinute, int authFailuresPerAddressPerMinute, ClientAddresses clients) {
    public static Settings defaults() {
      return new Settings(
          DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_AUTH_FAILURES_PER_MINUTE, ClientAddresses.DIRECT);
    }
  }

  private final Settings settings;
  private final Limiter perKey;
  private final Limiter failuresPerAddress;

  public RateLimits(Settings settings, Clock clock) {
    this.settings = settings;
    TimeMeter meter = new ClockMeter(clock);
    this.perKey = new Limiter(settings.requestsPerKeyPerMinute(), meter);
    this.failuresPerAddress = new Limiter(settings.authFailuresPerAddressPerMinute(), meter);
  }

  Settings settings() {
    return settings;
  }

  /** The client address of a request, as the failure limit counts it. */
  public String clientAddress(String peer, java.util.List<String> forwardedFor) {
    return settings.clients().of(peer, forwardedFor);
  }

  /**
   * Counts a failed authentication from {@code address}; how long to wait when it is one too many.
   */
  public Optional<Duration> failedAuthentication(String address) {
    return failuresPerAddress.take(address);
  }

  /**
   * How long {@code address} must wait before a failed authentication would be counted again
   * without being refused: empty when it is within its limit. Counts nothing.
   */
  public Optional<Duration> failedAuthenticationWait(String address) {
    return failuresPerAddress.peek(address);
  }

  /** Counts a request of the API key of user {@code userId}; how long to wait when over. */
  Optional<Duration> request(String userId) {
    return perKey.take(userId);
  }

  /** Bucket4j's time, read from the injected clock. */
  private record ClockMeter(Clock clock) implements TimeMeter {
    @Override
    public long currentTimeNanos() {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public boolean isWallClockBased() {
      return true;
    }
  }

  /** One bucket of {@code perMinute} tokens per key, refilled evenly over a minute. */
  private static final class Limiter {
    private final long perMinute;
    private final TimeMeter meter;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    Limiter(long perMinute, TimeMeter meter) {
      this.perMinute = perMinute;
      this.meter = meter;
    }

    Optional<Duration> take(String key) {
      if (perMinute <= 0) {
        return Optional.empty();
      }
      if (buckets.size() >= MAX_KEYS) {
        forgetIdle();
      }
      ConsumptionProbe probe =
          buckets.computeIfAbsent(key, k -> bucket()).tryConsumeAndReturnRemaining(1);
      if (probe.isConsumed()) {
        return Optional.empty();
      }
      return Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    Optional<Duration> peek(String key) {
      Bucket bucket = perMinute <= 0 ? null : buckets.get(key);
      if (bucket == null) {
        return Optional.empty();
      }
      var probe = bucket.estimateAbilityToConsume(1);
      return probe.canBeConsumed()
          ? Optional.empty()
          : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    private Bucket bucket() {
      return Bucket.builder()
          .addLimit(
              limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
          .withCustomTimePrecision(meter)
          .build();
    }

    /**
     * Drops the buckets that are full again (they hold no state a new one would not); when even
     * that leaves too many, starts over rather than grow without end.
     */
    private synchronized void forgetIdle() {
      if (buckets.size() < MAX_KEYS) {
        return;
      }
      buckets.values().removeIf(b -> b.getAvailableTokens() >= perMinute);
      if (buckets.size() >= MAX_KEYS) {
        buckets.clear();
      }
    }
  }
}
