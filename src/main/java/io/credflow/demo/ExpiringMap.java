package io.credflow.demo;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.function.Function;

/**
 * A map whose entries are forgotten once their time is up, and which never holds more than {@code
 * limit} entries: a visitor clicking through the demo for days, or a script hammering it, cannot
 * grow it without end. Expired entries are swept on every access (a demo holds few, so a full sweep
 * costs little); when full, the oldest entry goes. Not thread-safe: {@link Grants} holds its lock.
 */
final class ExpiringMap<V> {
  private final int limit;
  private final Function<V, Instant> forgetAt;
  private final LinkedHashMap<String, V> entries = new LinkedHashMap<>();

  ExpiringMap(int limit, Function<V, Instant> forgetAt) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    this.limit = limit;
    this.forgetAt = forgetAt;
  }

  Optional<V> get(String key, Instant now) {
    sweep(now);
    return Optional.ofNullable(entries.get(key));
  }

  /** Stores or replaces {@code value}; a replaced entry keeps its place in the eviction order. */
  void put(String key, V value, Instant now) {
    sweep(now);
    if (!entries.containsKey(key)) {
      Iterator<String> oldest = entries.keySet().iterator();
      while (entries.size() >= limit && oldest.hasNext()) {
        oldest.next();
        oldest.remove();
      }
    }
    entries.put(key, value);
  }

  Optional<V> remove(String key, Instant now) {
    sweep(now);
    return Optional.ofNullable(entries.remove(key));
  }

  int size() {
    return entries.size();
  }

  private void sweep(Instant now) {
    entries.values().removeIf(v -> !now.isBefore(forgetAt.apply(v)));
  }

  @Override
  public String toString() {
    // Keys are codes and tokens: a debugger or a log line sees how many, never which.
    return "ExpiringMap[" + entries.size() + " of " + limit + "]";
  }
}
