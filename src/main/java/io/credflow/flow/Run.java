package io.credflow.flow;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One durable execution of one version of a flow. {@code stepIndex} and {@code dispatch} say which
 * step the run is at and which dispatch of it (a rebound dispatches the step again): only the task
 * for that pair may record a result, so a result is never recorded twice. {@code message} is what
 * the trigger gave: {@code {body, passthrough}}; {@code runAs} the user whose rights its steps run
 * with (the flow's last editor when it started); {@code requestId} the id of the request that
 * started it ({@code X-Request-Id}), none for a schedule's firing or a poll.
 */
public record Run(
    String id,
    long seq,
    String flowId,
    String workspaceId,
    int flowVersion,
    String trigger,
    RunStatus status,
    int stepIndex,
    int dispatch,
    Map<String, Object> message,
    String runAs,
    Optional<String> error,
    Optional<Integer> failedStep,
    Instant createdAt,
    Optional<Instant> finishedAt,
    Optional<String> requestId) {
  public Run {
    message = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(message));
  }
}
