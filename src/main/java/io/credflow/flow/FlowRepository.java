package io.credflow.flow;

import io.credflow.common.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where flows, their versions and their runs are kept. */
public interface FlowRepository {
  /** A flow that uses a credential, as a deletion refusal names it. */
  record FlowUse(String id, String name, FlowStatus status) {}

  /** Inserts a new flow and its version 1. */
  void insert(Flow flow, Optional<Secret> hookSecret, String createdBy);

  /**
   * Writes {@code flow} if its revision is still {@code expectedRevision}: with {@code newVersion}
   * its definition is stored as version {@code flow.version()}; {@code hookSecret} replaces the
   * webhook secret when present (an empty inner value removes it).
   *
   * @return false when another writer came first
   */
  boolean update(
      Flow flow,
      long expectedRevision,
      boolean newVersion,
      Optional<Optional<Secret>> hookSecret,
      String updatedBy);

  Optional<Flow> find(String id);

  /** The flow's draft, if one is being designed. */
  Optional<FlowDraft> findDraft(String flowId);

  /** Keeps {@code draft} as the flow's only draft, replacing any other. */
  void saveDraft(FlowDraft draft);

  /**
   * Drops the flow's draft; with {@code savedAt}, only the draft saved then (a newer one stays).
   *
   * @return whether a draft was dropped
   */
  boolean deleteDraft(String flowId, Optional<Instant> savedAt);

  Optional<Flow> findByHook(String hookId);

  /** A workspace's flows in creation order, after position {@code after}. */
  List<Flow> list(String workspaceId, long after, int limit);

  /** Every active flow with a timed trigger (schedule or poll), for the trigger sync at start. */
  List<Flow> activeTimed();

  Optional<FlowDefinition> version(String flowId, int version);

  Optional<Secret> hookSecret(String flowId);

  /** Deletes a flow with its versions and runs. */
  void delete(String flowId);

  List<FlowUse> flowsUsing(String credentialId);

  Map<String, Integer> countFlowsUsing(List<String> credentialIds);

  /** Inserts a run at its first step and that step's task. */
  void insertRun(Run run, Optional<String> triggerKey, Dispatch first);

  Optional<Run> run(String id);

  /** A flow's runs, newest first, before position {@code before} (0: from the newest). */
  List<Run> runs(String flowId, long before, int limit);

  List<StepRun> steps(String runId);

  /** The outputs of the run's steps before {@code index}, by step id, in step order. */
  Map<String, Object> outputsBefore(String runId, int index);

  /** A run with the row of the step it is at, if that step ran or waited before. */
  record RunAtStep(Run run, Optional<StepRun> step) {}

  /** The run and its current step's row, in one read: what a step's task needs first. */
  Optional<RunAtStep> runAtStep(String runId);

  /**
   * Marks the step as running, one attempt more than {@code before} (its row as last read; none
   * creates the row), and answers the row as it is now.
   */
  StepRun beginStep(String runId, int index, String stepId, Optional<StepRun> before, Instant now);

  /** The step's row, if it ran or waited before. */
  Optional<StepRun> step(String runId, int index);

  /**
   * Records the start {@code dispatch} of the step reserved for its delay, so a repeated execution
   * keeps its turn; creates the step's row (waiting) when it has none.
   */
  void holdStep(String runId, int index, String stepId, int dispatch, Instant notBefore);

  /**
   * Takes the next start of {@code stepId}'s requests in {@code flowId}, shared by every run and
   * process: the later of {@code now} and the step's next free start; the one after is {@code
   * delay} later.
   */
  Instant reserveStart(String flowId, String stepId, Instant now, Duration delay);

  /**
   * Records how the step's execution ended, moves the run on (the next step, the next dispatch of
   * this one, or its end) and writes {@code next}'s task, all in one transaction, if the run is
   * still running at this step and dispatch.
   *
   * @return false when the run had moved on (cancelled, or another execution recorded it)
   */
  boolean finishStep(
      Run run,
      int index,
      int dispatch,
      StepOutcome outcome,
      boolean lastStep,
      Instant now,
      Optional<Dispatch> next);

  /** Cancels a running run and its current step. */
  boolean cancel(String runId, Instant now);

  /** Puts a failed run back at its failed step and writes that step's task. */
  boolean retry(Run run, Dispatch next);

  /** How many runs of the flow are still running. */
  int runningRuns(String flowId);

  /** Step tasks due and not yet taken by any process. */
  long queueDepth(Instant now);
}
