package io.credflow.flow;

import java.time.Instant;

/** How one execution of a step ended. */
public sealed interface StepOutcome {
  /** A result (also an error result under {@code emit}): the next step's body. */
  record Succeeded(Object output) implements StepOutcome {}

  /** The {@code rebound} policy handed the step back: it runs again at {@code at}. */
  record Rebounded(String error, Instant at) implements StepOutcome {}

  /** The step, and with it the run, failed. */
  record Failed(String error) implements StepOutcome {}
}
