package io.credflow.common;

import java.util.Optional;

/**
 * A page of a list in creation order: at most {@code size} items after the position {@code after}
 * (an internal sequence number decoded from the opaque cursor).
 */
public record PageRequest(int size, Optional<Long> after) {
  public static final int DEFAULT_SIZE = 50;
  public static final int MAX_SIZE = 500;

  public PageRequest {
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("page size must be 1.." + MAX_SIZE + ", was " + size);
    }
  }

  public static PageRequest first(int size) {
    return new PageRequest(size, Optional.empty());
  }

  public long afterOrZero() {
    return after.orElse(0L);
  }
}
