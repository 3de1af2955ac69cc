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

  default void inTransaction(Runnable work) {
    inTransaction(
        () -> {
          work.run();
          return null;
        });
  }
}
