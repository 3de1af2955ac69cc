package io.credflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpiringMapTest {
  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

  private final ExpiringMap<Instant> map = new ExpiringMap<>(3, expiresAt -> expiresAt);

  @Test
  void getWhenEntryReachedItsTimeThenItIsGoneAndSwept() {
    map.put("a", NOW.plusSeconds(10), NOW);
    map.put("b", NOW.plusSeconds(60), NOW);

    assertThat(map.get("a", NOW.plusSeconds(9))).isPresent();
    assertThat(map.get("a", NOW.plusSeconds(10))).isEmpty();
    assertThat(map.size()).isEqualTo(1);
  }

  @Test
  void putWhenFullThenTheOldestEntryGoes() {
    map.put("a", NOW.plus(Duration.ofDays(1)), NOW);
    map.put("b", NOW.plus(Duration.ofDays(1)), NOW);
    map.put("c", NOW.plus(Duration.ofDays(1)), NOW);

    map.put("d", NOW.plus(Duration.ofDays(1)), NOW);

    assertThat(map.size()).isEqualTo(3);
    assertThat(map.get("a", NOW)).isEmpty();
    assertThat(map.get("d", NOW)).isPresent();
  }

  @Test
  void putWhenReplacingAnEntryOfAFullMapThenNothingIsEvicted() {
    map.put("a", NOW.plusSeconds(60), NOW);
    map.put("b", NOW.plusSeconds(60), NOW);
    map.put("c", NOW.plusSeconds(60), NOW);

    map.put("a", NOW.plusSeconds(120), NOW);

    assertThat(map.size()).isEqualTo(3);
    assertThat(map.get("a", NOW)).contains(NOW.plusSeconds(120));
    assertThat(map.get("b", NOW)).isPresent();
  }

  @Test
  void toStringWhenPrintedThenShowsNoKey() {
    map.put("secret-token", NOW.plusSeconds(60), NOW);

    assertThat(map.toString()).doesNotContain("secret-token").contains("1 of 3");
  }
}
