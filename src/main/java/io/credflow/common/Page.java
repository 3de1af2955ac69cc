package io.credflow.common;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** One page of a list, and the position to continue after when there is more. */
public record Page<T>(List<T> items, Optional<Long> next) {
  public Page {
    items = List.copyOf(items);
  }

  /**
   * Cuts {@code fetched} (up to {@code size + 1} items in order) to one page: the extra item only
   * tells that there is more.
   */
  public static <T> Page<T> of(List<T> fetched, int size, ToLongFunction<T> position) {
    if (fetched.size() <= size) {
      return new Page<>(fetched, Optional.empty());
    }
    List<T> items = fetched.subList(0, size);
    return new Page<>(items, Optional.of(position.applyAsLong(items.get(size - 1))));
  }

  /**
   * Every item of a list, read page after page by {@code read} (as big as a page may be), for a
   * caller that shows or counts all of them.
   */
  public static <T> List<T> all(Function<PageRequest, Page<T>> read) {
    List<T> out = new java.util.ArrayList<>();
    PageRequest page = PageRequest.first(PageRequest.MAX_SIZE);
    while (true) {
      Page<T> found = read.apply(page);
      out.addAll(found.items());
      if (found.next().isEmpty()) {
        return out;
      }
      page = new PageRequest(PageRequest.MAX_SIZE, found.next());
    }
  }

  public <R> Page<R> map(Function<T, R> f) {
    return new Page<>(items.stream().map(f).toList(), next);
  }
}
