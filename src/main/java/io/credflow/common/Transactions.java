package io.credflow.common;

import java.util.function.Supplier;

/**
 * Runs work atomically. Declared here so that domain services can mark their transaction boundaries
 * without knowing the database; the store implements it.
 */
@FunctionalInterface
public interface Transactions {
  /** Runs {@code work} in one transaction: all of its writes land, or none do. */
  <T> T inTransaction(Supplier<T> work);

  /**
   * Runs {@code action} once the current transaction has committed (not at all when it rolls back),
   * or at once when there is none: for work that must see the transaction's writes from another
   * thread, such as waking a scheduler for a task just written.
   */
  default void afterCommit(Runnable action) {
    action.run();
  }

  default void inTransaction(Runnable work) {
    inTransaction(
        () -> {
          work.run();
          return null;
        });
  }
}
