package io.credflow.flow;

import java.util.Locale;
import java.util.Optional;

/** Where a run is: under way, or ended one of three ways. */
public enum RunStatus {
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean ended() {
    return this != RUNNING;
  }

  public static Optional<RunStatus> fromWire(String s) {
    for (RunStatus status : values()) {
      if (status.wireName().equals(s)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
