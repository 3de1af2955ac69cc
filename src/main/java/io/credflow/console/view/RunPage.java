package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * A run's page: the run, each step of its version with what it received and answered (masked by the
 * executor, pretty-printed and capped as the API caps them), what the last action said, and the id
 * of the request that started it (to find its log lines). While {@code running}, its live part
 * polls for itself.
 */
public record RunPage(
    RunRow run,
    String flowId,
    String flowName,
    boolean running,
    boolean retryable,
    Optional<Integer> failedStep,
    List<StepRun> steps,
    Optional<String> problem,
    Optional<String> requestId) {
  public RunPage {
    steps = List.copyOf(steps);
  }

  /** One step of the run; {@code pending} until it was dispatched. */
  public record StepRun(
      int number,
      String id,
      String name,
      String status,
      int attempts,
      int rebounds,
      Optional<String> input,
      Optional<String> output,
      Optional<String> error,
      Optional<String> startedAt,
      Optional<String> finishedAt,
      Optional<String> took) {}
}
