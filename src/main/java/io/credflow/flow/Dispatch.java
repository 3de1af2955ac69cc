package io.credflow.flow;

import java.time.Instant;

/**
 * A step's task, as db-scheduler keeps it: one execution per (run, step, dispatch), written in the
 * same transaction as the run state that calls for it, so a run is never at a step no task runs.
 */
public record Dispatch(String runId, int stepIndex, int dispatch, Instant at) {
  /** db-scheduler's task name for flow steps. */
  public static final String TASK = "flow-step";

  /** The task instance id: {@code run/step/dispatch}. */
  public String instance() {
    return runId + "/" + stepIndex + "/" + dispatch;
  }

  /** Reads an instance id written by {@link #instance()}, with the time it ran at. */
  public static Dispatch parse(String instance, Instant at) {
    String[] parts = instance.split("/", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a flow step task instance: " + instance);
    }
    return new Dispatch(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), at);
  }
}
