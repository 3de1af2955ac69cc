package io.credflow.oauth;

import io.credflow.credential.RefreshResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the refreshes of this process did, per auth-client type: {@code credflow_refresh_total{type,
 * outcome}} counts attempts by outcome (the {@link RefreshResult.Outcome#wireName()}s, and {@value
 * #ERROR} for an attempt that threw), {@code credflow_refresh_duration_seconds{type}} times them,
 * waiting for another process's lease included. A caller that joined a refresh in flight is not an
 * attempt of its own.
 */
final class RefreshMetrics {
  /** The outcome of an attempt that ended with an exception (a deleted credential, say). */
  static final String ERROR = "error";

  /** The type of a credential an attempt that threw never read. */
  static final String UNKNOWN_TYPE = "unknown";

  private final MeterRegistry registry;
  // Builders are not thread-safe: each meter is registered once and kept.
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  RefreshMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(String type, String outcome, Duration took) {
    counters
        .computeIfAbsent(
            List.of(type, outcome),
            k ->
                Counter.builder("credflow.refresh")
                    .description("Token refresh attempts by auth-client type and outcome")
                    .tag("type", type)
                    .tag("outcome", outcome)
                    .register(registry))
        .increment();
    timers
        .computeIfAbsent(
            type,
            t ->
                Timer.builder("credflow.refresh.duration")
                    .description("Time of a token refresh attempt, lease wait included")
                    .tag("type", t)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(1))
                    .register(registry))
        .record(took.isNegative() ? Duration.ZERO : took);
  }
}
