package io.credflow.common;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * At most one run per key at a time in this process: a caller that finds a run under way for its
 * key joins it and gets that run's result (or its exception) instead of running the work again.
 * Each run carries a tag saying why it runs, so a joiner can tell whether the result it got serves
 * its own purpose.
 *
 * @param <K> what runs are keyed by
 * @param <T> the tag of a run (why it runs)
 * @param <V> what a run gives
 */
public final class SingleFlight<K, T, V> {
  private record Flight<T, V>(CompletableFuture<V> result, T tag) {}

  private final ConcurrentHashMap<K, Flight<T, V>> flights = new ConcurrentHashMap<>();

  /** What a caller got: the run's value, and the tag of the run it joined (empty: it ran it). */
  public record Outcome<T, V>(V value, Optional<T> joined) {}

  /** Runs {@code work} for {@code key}, or joins the run of it already under way. */
  public Outcome<T, V> run(K key, T tag, Supplier<V> work) {
    Flight<T, V> mine = new Flight<>(new CompletableFuture<>(), tag);
    Flight<T, V> running = flights.putIfAbsent(key, mine);
    if (running != null) {
      return new Outcome<>(join(running.result()), Optional.of(running.tag()));
    }
    try {
      V value = work.get();
      mine.result().complete(value);
      return new Outcome<>(value, Optional.empty());
    } catch (RuntimeException | Error e) {
      mine.result().completeExceptionally(e);
      throw e;
    } finally {
      flights.remove(key, mine);
    }
  }

  /** Runs under way right now. */
  public int inFlight() {
    return flights.size();
  }

  private static <V> V join(CompletableFuture<V> result) {
    try {
      return result.join();
    } catch (CompletionException e) {
      // The runner's own exception, as the runner saw it.
      switch (e.getCause()) {
        case RuntimeException r -> throw r;
        case Error err -> throw err;
        case null, default -> throw e;
      }
    }
  }
}
