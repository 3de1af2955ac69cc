package io.credflow.flow;

import java.time.Instant;
import java.util.Optional;

/**
 * A step of a run: how often it was sent ({@code attempts}, one per execution of its task; retries
 * inside a {@code byComponent} step are the request action's own) and handed back ({@code
 * rebounds}), its output (the next step's body) or its error, and when it ran. {@code notBefore} is
 * when a waiting step runs again (a rebound, or the step's {@code delay}; {@code pacedDispatch} is
 * the dispatch whose delay turn it holds).
 */
public record StepRun(
    String runId,
    int index,
    String stepId,
    StepStatus status,
    int attempts,
    int rebounds,
    Optional<Object> output,
    Optional<String> error,
    Optional<Instant> notBefore,
    Optional<Integer> pacedDispatch,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt) {}
