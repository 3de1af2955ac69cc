package io.credflow.flow;

import java.util.Locale;
import java.util.Optional;

/** Whether a flow's triggers start runs: only an {@code active} flow's do. */
public enum FlowStatus {
  DRAFT,
  ACTIVE,
  INACTIVE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<FlowStatus> fromWire(String s) {
    for (FlowStatus status : values()) {
      if (status.wireName().equals(s)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
