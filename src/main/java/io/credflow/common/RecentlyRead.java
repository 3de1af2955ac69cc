package io.credflow.common;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Values read through {@code read} and reused for a short while, by the injected clock: for rows
 * many calls in a row need (the one auth-client of ten thousand credentials being refreshed), where
 * a change made through this process calls {@link #forget} and one made through another process is
 * seen within {@code ttl}. Bounded like {@link BoundedCache}. Thread-safe; two callers may read the
 * same key at once, and the later one's value is kept.
 */
public final class RecentlyRead<K, V> {
  private record Entry<V>(V value, long readAtMillis) {}

  private final Function<K, V> read;
  private final long ttlMillis;
  private final Clock clock;
  private final BoundedCache<K, Entry<V>> entries;

  public RecentlyRead(Function<K, V> read, Duration ttl, Clock clock, int limit) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
    }
    this.read = Objects.requireNonNull(read, "read");
    this.ttlMillis = ttl.toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.entries = new BoundedCache<>(limit);
  }

  /** The value for {@code key}: as read within the last ttl, else read now. */
  public V get(K key) {
    long now = clock.millis();
    Entry<V> known = entries.get(key);
    // A clock that went back reads again rather than trust an entry from its future.
    if (known != null && now >= known.readAtMillis() && now - known.readAtMillis() < ttlMillis) {
      return known.value();
    }
    V value = read.apply(key);
    entries.put(key, new Entry<>(value, now));
    return value;
  }

  /** Drops what is known of {@code key}, after it was written through this process. */
  public void forget(K key) {
    entries.remove(key);
  }
}
