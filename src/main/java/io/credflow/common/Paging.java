package io.credflow.common;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Fills one page from a source whose rows are filtered after fetching (access rules that SQL does
 * not express): fetches in batches until the page and one extra row are found or the source ends.
 */
public final class Paging {
  private static final int BATCH = 200;

  private Paging() {}

  /** A slice of rows in creation order after {@code after}, at most {@code limit}. */
  @FunctionalInterface
  public interface Source<T> {
    List<T> fetch(long after, int limit);
  }

  /** Up to {@code page.size() + 1} rows that pass {@code keep}, in order. */
  public static <T> List<T> collect(
      PageRequest page, Source<T> source, Predicate<T> keep, ToLongFunction<T> position) {
    List<T> out = new ArrayList<>();
    long after = page.afterOrZero();
    while (out.size() <= page.size()) {
      List<T> batch = source.fetch(after, BATCH);
      for (T row : batch) {
        if (keep.test(row)) {
          out.add(row);
          if (out.size() > page.size()) {
            return out;
          }
        }
      }
      if (batch.size() < BATCH) {
        break;
      }
      after = position.applyAsLong(batch.get(batch.size() - 1));
    }
    return out;
  }
}
