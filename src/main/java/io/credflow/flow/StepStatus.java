package io.credflow.flow;

import java.util.Locale;

/**
 * One step of a run: being sent ({@code running}), handed back by the {@code rebound} policy to run
 * again later ({@code waiting}), or ended.
 */
public enum StepStatus {
  RUNNING,
  WAITING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StepStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
