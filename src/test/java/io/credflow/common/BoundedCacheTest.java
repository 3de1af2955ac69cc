package io.credflow.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoundedCacheTest {
  @Test
  void keepsUpToItsLimitThenStartsOver() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(2);
    cache.put("a", 1);
    cache.put("b", 2);
    assertThat(cache.get("a")).isEqualTo(1);
    assertThat(cache.size()).isEqualTo(2);

    cache.put("c", 3);

    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.get("a")).isNull();
    assertThat(cache.get("c")).isEqualTo(3);
  }

  @Test
  void removesByKeyAndByValue() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(10);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("c", 3);
    cache.remove("a");
    cache.removeIf(v -> v == 2);
    assertThat(cache.get("a")).isNull();
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("c")).isEqualTo(3);
    cache.clear();
    assertThat(cache.size()).isZero();
  }
}
