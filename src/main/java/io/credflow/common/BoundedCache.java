package io.credflow.common;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A thread-safe map of things worth keeping in memory (compiled expressions, parsed specs,
 * looked-up rows), bounded by a number of entries: when full it starts over rather than grow
 * without end or pay for recency bookkeeping on every read.
 */
public final class BoundedCache<K, V> {
  private final int limit;
  private final ConcurrentHashMap<K, V> entries = new ConcurrentHashMap<>();

  public BoundedCache(int limit) {
    this.limit = limit;
  }

  /** The value kept for {@code key}, or null. */
  public V get(K key) {
    return entries.get(key);
  }

  public void put(K key, V value) {
    if (entries.size() >= limit) {
      entries.clear();
    }
    entries.put(key, value);
  }

  public void remove(K key) {
    entries.remove(key);
  }

  public void removeIf(Predicate<V> matching) {
    entries.values().removeIf(matching);
  }

  public void clear() {
    entries.clear();
  }

  public int size() {
    return entries.size();
  }
}
