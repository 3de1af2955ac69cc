package io.credflow.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentlyReadTest {
  private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final AtomicInteger reads = new AtomicInteger();
  private final RecentlyRead<String, String> recent =
      new RecentlyRead<>(k -> k + "#" + reads.incrementAndGet(), Duration.ofSeconds(1), clock, 100);

  @Test
  void getWhenReadWithinTheTtlThenTheValueIsReusedAndAfterItReadAgain() {
    assertThat(recent.get("a")).isEqualTo("a#1");
    clock.advance(Duration.ofMillis(999));
    assertThat(recent.get("a")).isEqualTo("a#1");
    clock.advance(Duration.ofMillis(1));
    assertThat(recent.get("a")).isEqualTo("a#2");
    assertThat(reads).hasValue(2);
  }

  @Test
  void getWhenForgottenThenReadAgainAtOnce() {
    recent.get("a");
    recent.forget("a");
    assertThat(recent.get("a")).isEqualTo("a#2");
  }

  @Test
  void getWhenTheClockWentBackThenReadAgain() {
    recent.get("a");
    clock.advance(Duration.ofSeconds(-5));
    assertThat(recent.get("a")).isEqualTo("a#2");
  }
}
