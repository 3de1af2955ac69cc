package io.credflow.webhook;

import java.util.Locale;
import java.util.Optional;

/** Where a delivery stands: still being tried, answered with a 2xx, or given up. */
public enum DeliveryStatus {
  PENDING,
  DELIVERED,
  FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<DeliveryStatus> fromWire(String s) {
    for (DeliveryStatus d : values()) {
      if (d.wireName().equals(s)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
