package io.credflow.flow;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTaskWithPersistentSchedule;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.PersistentCronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import io.credflow.common.ConflictException;
import io.credflow.common.CredflowException;
import io.credflow.common.ForbiddenException;
import io.credflow.common.Ids;
import io.credflow.common.Transactions;
import io.credflow.credential.CredentialEvent;
import io.credflow.credential.EventLog;
import io.credflow.executor.AttachmentScope;
import io.credflow.executor.Message;
import io.credflow.executor.ReboundException;
import io.credflow.executor.RequestResult;
import io.credflow.executor.RestApiAction;
import io.credflow.logging.LogOutput;
import io.credflow.tenancy.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs flows on db-scheduler, in one process or spread over several on one database.
 *
 * <p>Every step of a run is one db-scheduler one-time task, {@code flow-step} with instance {@code
 * run/step/dispatch}, written in the same transaction as the run state that calls for it. Any
 * process takes due tasks; a process that dies holding one stops sending heartbeats and another
 * takes the task over (db-scheduler's dead-execution handling). A result is recorded only by a
 * compare-and-set on the run's (step, dispatch), together with the next step's task, so a step's
 * result is never recorded twice: a task that finds the run moved on records nothing. Only a step
 * in flight when its process died can have sent its request twice.
 *
 * <p>Timed triggers (schedule and poll) are db-scheduler recurring tasks with a persistent cron
 * schedule, one per active flow ({@code flow-trigger}, instance = the flow's id); a firing starts
 * at most one run (the run's trigger key is the flow and the firing time).
 */
public final class FlowEngine implements FlowService.TimedTriggers, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FlowEngine.class);
  static final String TRIGGER_TASK = "flow-trigger";

  /**
   * How long {@link #close()} waits for steps in flight before it interrupts them, and again for
   * the interrupted ones to hand their tasks back.
   */
  public static final Duration SHUTDOWN_MAX_WAIT = Duration.ofMillis(500);

  /**
   * Files a run's steps store ({@code downloadAsAttachment}) expire this long after they were
   * stored, time enough to retry a failed run from its failed step; a deleted flow's go at once.
   */
  public static final Duration ATTACHMENT_TTL = Duration.ofDays(7);

  /** Knobs of the engine; tests shorten the waits. */
  public record Settings(
      int threads,
      Duration pollingInterval,
      Duration heartbeatInterval,
      int missedHeartbeats,
      int maxRebounds,
      Duration firstRebound,
      Duration longestRebound) {
    /** Steps run at once per process: most of a step is waiting on another company's API. */
    public static final int DEFAULT_THREADS = 64;

    /** How often a process looks for due steps that another process wrote. */
    public static final Duration DEFAULT_POLLING_INTERVAL = Duration.ofMillis(500);

    /**
     * A process that missed {@link #DEFAULT_MISSED_HEARTBEATS} heartbeats is taken for dead and its
     * steps are run again elsewhere: after about a minute.
     */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

    public static final int DEFAULT_MISSED_HEARTBEATS = 6;

    /** The {@code rebound} policy hands a step back this often before the step fails. */
    public static final int DEFAULT_MAX_REBOUNDS = 10;

    /** The first rebound waits this long; each next one twice as long, up to the longest. */
    public static final Duration DEFAULT_FIRST_REBOUND = Duration.ofSeconds(15);

    public static final Duration DEFAULT_LONGEST_REBOUND = Duration.ofHours(1);

    public static Settings defaults() {
      return new Settings(
          DEFAULT_THREADS,
          DEFAULT_POLLING_INTERVAL,
          DEFAULT_HEARTBEAT,
          DEFAULT_MISSED_HEARTBEATS,
          DEFAULT_MAX_REBOUNDS,
          DEFAULT_FIRST_REBOUND,
          DEFAULT_LONGEST_REBOUND);
    }

    public Settings {
      if (threads < 1 || missedHeartbeats < 1 || maxRebounds < 0) {
        throw new IllegalArgumentException("threads and missedHeartbeats must be positive");
      }
    }

    public Settings withHeartbeat(Duration interval, int missed) {
      return new Settings(
          threads, pollingInterval, interval, missed, maxRebounds, firstRebound, longestRebound);
    }

    public Settings withRebounds(int max, Duration first, Duration longest) {
      return new Settings(
          threads, pollingInterval, heartbeatInterval, missedHeartbeats, max, first, longest);
    }

    public Settings withPolling(Duration interval) {
      return new Settings(
          threads,
          interval,
          heartbeatInterval,
          missedHeartbeats,
          maxRebounds,
          firstRebound,
          longestRebound);
    }

    public Settings withThreads(int n) {
      return new Settings(
          n,
          pollingInterval,
          heartbeatInterval,
          missedHeartbeats,
          maxRebounds,
          firstRebound,
          longestRebound);
    }

    /** The wait before the step runs again after its {@code rebounds + 1}th rebound. */
    Duration reboundWait(int rebounds) {
      Duration wait = firstRebound;
      for (int i = 0; i < rebounds && wait.compareTo(longestRebound) < 0; i++) {
        wait = wait.multipliedBy(2);
      }
      return wait.compareTo(longestRebound) > 0 ? longestRebound : wait;
    }
  }

  private final FlowRepository repository;
  private final Transactions transactions;
  private final RestApiAction action;
  private final Function<String, Optional<Caller>> callers;
  private final EventLog events;
  private final Settings settings;
  private final Clock clock;
  private final Scheduler scheduler;
  private final RecurringTaskWithPersistentSchedule<PersistentCronSchedule> triggerTask;
  private final MeterRegistry metrics;
  // Builders are not thread-safe: each meter is registered once and kept.
  private final Map<String, Timer> stepTimers = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean started;

  private FlowEngine(
      DataSource dataSource,
      boolean postgres,
      FlowRepository repository,
      Transactions transactions,
      RestApiAction action,
      Function<String, Optional<Caller>> callers,
      EventLog events,
      MeterRegistry metrics,
      Settings settings,
      Clock clock,
      List<Chore> chores,
      List<Task<?>> moreTasks) {
    this.repository = repository;
    this.transactions = transactions;
    this.action = action;
    // A run's steps read the same user's rights again and again: once a second is enough (a
    // change through this process is seen at the next second, as API keys are).
    this.callers =
        new io.credflow.common.RecentlyRead<>(callers, Duration.ofSeconds(1), clock, 10_000)::get;
    this.events = events;
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    CustomTask<Void> stepTask =
        Tasks.custom(Dispatch.TASK, Void.class)
            .onFailureReschedule(Schedules.fixedDelay(Duration.ofSeconds(5)))
            .onDeadExecutionRevive()
            .execute((instance, context) -> runStep(instance.getId()));
    this.triggerTask =
        Tasks.recurringWithPersistentSchedule(TRIGGER_TASK, PersistentCronSchedule.class)
            .execute(
                (instance, context) ->
                    fire(
                        String.valueOf(instance.getData().getData()),
                        context.getExecution().executionTime));
    SchedulerBuilder builder =
        Scheduler.create(dataSource, tasks(List.of(stepTask, triggerTask), moreTasks))
            .threads(settings.threads())
            .executorService(
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("flow-", 0).factory()))
            .pollingInterval(settings.pollingInterval())
            .heartbeatInterval(settings.heartbeatInterval())
            .missedHeartbeatsLimit(settings.missedHeartbeats())
            .clock(clock::instant)
            .enableImmediateExecution()
            .deleteUnresolvedAfter(Duration.ofDays(1))
            // A stop first waits for the steps in flight itself (stopTaking, inFlight); what is
            // left when close() is called is interrupted after this long and handed back.
            .shutdownMaxWait(SHUTDOWN_MAX_WAIT);
    builder.startTasks(
        chores.stream()
            .map(
                chore ->
                    Tasks.recurring(chore.name(), Schedules.fixedDelay(chore.every()))
                        .execute((instance, context) -> chore.work().run()))
            .toList());
    if (postgres) {
      // Several processes poll one table: each takes its batch with SKIP LOCKED.
      builder.pollUsingLockAndFetch(0.5, 1.0);
    }
    this.scheduler = builder.build();
    Gauge.builder("credflow.flow.queue.depth", () -> repository.queueDepth(clock.instant()))
        .description("Flow steps due and not yet taken by any process")
        .register(metrics);
  }

  /**
   * Work for the installation that one process at a time does, every {@code every}: db-scheduler
   * runs a recurring task once per interval in the whole cluster (e.g. the audit retention sweep).
   * {@code name} is the task's name in the shared table, unique and never changed.
   */
  public record Chore(String name, Duration every, Runnable work) {}

  /**
   * An engine on {@code dataSource} that also runs {@code chores}, and whose scheduler also runs
   * {@code moreTasks} (e.g. event webhook deliveries): one scheduler per process polls
   * db-scheduler's table, whatever the task. {@link #start()} makes it take work.
   */
  public static FlowEngine create(
      DataSource dataSource,
      boolean postgres,
      FlowRepository repository,
      Transactions transactions,
      RestApiAction action,
      Function<String, Optional<Caller>> callers,
      EventLog events,
      MeterRegistry metrics,
      Settings settings,
      Clock clock,
      List<Chore> chores,
      List<Task<?>> moreTasks) {
    return new FlowEngine(
        dataSource,
        postgres,
        repository,
        transactions,
        action,
        callers,
        events,
        metrics,
        settings,
        clock,
        chores,
        List.copyOf(moreTasks));
  }

  private static List<Task<?>> tasks(List<Task<?>> own, List<Task<?>> more) {
    List<Task<?>> all = new java.util.ArrayList<>(own);
    all.addAll(more);
    return all;
  }

  /** Takes due steps and firings from now on; schedules every active flow's timed trigger. */
  public FlowEngine start() {
    for (Flow flow : repository.activeTimed()) {
      sync(flow);
    }
    scheduler.start();
    started = true;
    return this;
  }

  /**
   * Starts a run of {@code flow}'s current version with {@code message} ({@code body}, {@code
   * passthrough}); {@code key}, when given, makes a second start for the same firing a no-op.
   *
   * @return the run, or empty when a run with the same key exists
   */
  public Optional<Run> start(
      Flow flow, String trigger, Map<String, Object> message, Optional<String> key) {
    Instant now = clock.instant();
    Run run =
        new Run(
            Ids.newId(),
            0,
            flow.id(),
            flow.workspaceId(),
            flow.version(),
            trigger,
            RunStatus.RUNNING,
            0,
            0,
            message,
            flow.runAs(),
            Optional.empty(),
            Optional.empty(),
            now,
            Optional.empty(),
            Optional.ofNullable(MDC.get(LogOutput.REQUEST_ID)));
    try {
      repository.insertRun(run, key, new Dispatch(run.id(), 0, 0, now));
    } catch (ConflictException duplicate) {
      if (key.isPresent()) {
        return Optional.empty();
      }
      throw duplicate;
    }
    Counter.builder("credflow.flow.runs.started")
        .tag("trigger", trigger)
        .register(metrics)
        .increment();
    wake();
    return repository.run(run.id());
  }

  /** Cancels a running run; its step in flight, if any, records nothing. */
  public boolean cancel(Run run) {
    boolean cancelled = repository.cancel(run.id(), clock.instant());
    if (cancelled) {
      Counter.builder("credflow.flow.runs.ended")
          .tag("status", "cancelled")
          .register(metrics)
          .increment();
    }
    return cancelled;
  }

  /** Runs a failed run again from its failed step, with the same version and messages. */
  public boolean retry(Run run) {
    int from = run.failedStep().orElse(run.stepIndex());
    boolean retried =
        repository.retry(run, new Dispatch(run.id(), from, run.dispatch() + 1, clock.instant()));
    if (retried) {
      wake();
    }
    return retried;
  }

  /**
   * Asks this process's scheduler to look for due tasks now rather than at its next poll (for a
   * task written straight into the table, which the scheduler otherwise sees at its next poll).
   */
  public void wake() {
    if (started) {
      scheduler.triggerCheckForDueExecutions();
    }
  }

  @Override
  public void sync(Flow flow) {
    TaskInstanceId id = TaskInstanceId.of(TRIGGER_TASK, flow.id());
    Optional<Trigger.Timed> timed =
        flow.status() == FlowStatus.ACTIVE ? flow.definition().trigger().timed() : Optional.empty();
    try {
      if (timed.isEmpty()) {
        if (scheduler.getScheduledExecution(id).isPresent()) {
          scheduler.cancel(id);
        }
        return;
      }
      var instance =
          triggerTask.schedulableInstance(
              flow.id(),
              new PersistentCronSchedule(timed.get().cron(), timed.get().zone(), flow.id()));
      if (!scheduler.scheduleIfNotExists(instance)) {
        scheduler.reschedule(instance);
      }
    } catch (RuntimeException e) {
      // The trigger is synced again at the next start and at the flow's next change.
      LOG.warn("could not update the timed trigger of flow {}: {}", flow.id(), e.getMessage());
    }
  }

  @Override
  public void remove(String flowId) {
    TaskInstanceId id = TaskInstanceId.of(TRIGGER_TASK, flowId);
    try {
      if (scheduler.getScheduledExecution(id).isPresent()) {
        scheduler.cancel(id);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not remove the timed trigger of flow {}: {}", flowId, e.getMessage());
    }
  }

  /** A timed trigger fired for the firing time {@code at}. */
  private void fire(String flowId, Instant at) {
    Optional<Flow> found = repository.find(flowId);
    if (found.isEmpty() || found.get().status() != FlowStatus.ACTIVE) {
      return;
    }
    Flow flow = found.get();
    String key = flow.definition().trigger().type() + ":" + flow.id() + ":" + at;
    switch (flow.definition().trigger()) {
      case Trigger.Schedule s ->
          start(
              flow,
              "schedule",
              message(Map.of("firedAt", at.toString()), Map.of()),
              Optional.of(key));
      case Trigger.Poll p -> poll(flow, p, key);
      case Trigger.Manual m -> {}
      case Trigger.Webhook w -> {}
    }
  }

  /** The REST API component's polling trigger: the request's result starts a run. */
  private void poll(Flow flow, Trigger.Poll poll, String key) {
    Optional<Caller> caller = callers.apply(flow.runAs());
    try {
      if (caller.isEmpty()) {
        throw new ForbiddenException(
            "user " + flow.runAs() + ", who saved the flow last, no longer exists");
      }
      RequestResult result =
          action.execute(
              caller.get(),
              flow.workspaceId(),
              poll.credentialId(),
              poll.spec(),
              Message.of(Map.of(), Map.of()));
      start(flow, "poll", message(result.output(), Map.of()), Optional.of(key));
    } catch (CredflowException e) {
      events.record(
          new CredentialEvent(
              0,
              poll.credentialId(),
              flow.workspaceId(),
              "flow.poll_failed",
              "flow \"" + flow.name() + "\" (" + flow.id() + ") could not poll: " + e.getMessage(),
              clock.instant()));
    }
  }

  private static Map<String, Object> message(Object body, Object passthrough) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("body", body);
    m.put("passthrough", passthrough);
    return m;
  }

  private static final CompletionHandler<Void> DONE = new CompletionHandler.OnCompleteRemove<>();

  /**
   * One execution of a step's task. While it runs, every log line written for it names the run
   * ({@link LogOutput#RUN_ID}) and the request that started the run ({@link LogOutput#REQUEST_ID}).
   */
  private CompletionHandler<Void> runStep(String instance) {
    Dispatch dispatch = Dispatch.parse(instance, clock.instant());
    Optional<FlowRepository.RunAtStep> found = repository.runAtStep(dispatch.runId());
    if (found.isEmpty()
        || found.get().run().status() != RunStatus.RUNNING
        || found.get().run().stepIndex() != dispatch.stepIndex()
        || found.get().run().dispatch() != dispatch.dispatch()) {
      return DONE; // the run ended or moved on; this task is left over from before
    }
    Run run = found.get().run();
    MDC.put(LogOutput.RUN_ID, run.id());
    run.requestId().ifPresent(id -> MDC.put(LogOutput.REQUEST_ID, id));
    try {
      return runStep(dispatch, found.get());
    } finally {
      MDC.remove(LogOutput.RUN_ID);
      MDC.remove(LogOutput.REQUEST_ID);
    }
  }

  private CompletionHandler<Void> runStep(Dispatch dispatch, FlowRepository.RunAtStep found) {
    Run run = found.run();
    Optional<StepRun> before = found.step();
    Optional<FlowDefinition> definition = repository.version(run.flowId(), run.flowVersion());
    if (definition.isEmpty()) {
      return DONE; // the flow was deleted under the run
    }
    Step step = definition.get().steps().get(dispatch.stepIndex());
    Optional<Instant> turn = pace(run, dispatch, step, before);
    if (turn.isPresent()) {
      return (complete, operations) -> operations.reschedule(complete, turn.get());
    }
    Instant began = clock.instant();
    StepRun begun = repository.beginStep(run.id(), dispatch.stepIndex(), step.id(), before, began);
    StepOutcome outcome = execute(run, definition.get(), step, begun);
    if (Thread.interrupted()) {
      // The process is stopping and the step outlived its grace: its request was cut short, so
      // its outcome is not the upstream's. Nothing is recorded; the task goes back to the table,
      // due now, and another process runs the step again (the run has not moved on).
      LOG.info("step {} of run {} was handed back: this process is stopping", step.id(), run.id());
      return (complete, operations) -> operations.reschedule(complete, clock.instant());
    }
    boolean last = dispatch.stepIndex() == definition.get().steps().size() - 1;
    Instant now = clock.instant();
    Optional<Dispatch> next =
        switch (outcome) {
          case StepOutcome.Succeeded s ->
              last
                  ? Optional.empty()
                  : Optional.of(new Dispatch(run.id(), dispatch.stepIndex() + 1, 0, now));
          case StepOutcome.Rebounded r ->
              Optional.of(
                  new Dispatch(run.id(), dispatch.stepIndex(), dispatch.dispatch() + 1, r.at()));
          case StepOutcome.Failed f -> Optional.empty();
        };
    // A failed run's event commits with the failure, so whoever sees the run failed sees why.
    boolean recorded =
        transactions.inTransaction(
            () -> {
              boolean moved =
                  repository.finishStep(
                      run, dispatch.stepIndex(), dispatch.dispatch(), outcome, last, now, next);
              if (moved && outcome instanceof StepOutcome.Failed f) {
                failed(run, step, f.error());
              }
              return moved;
            });
    stepTimers
        .computeIfAbsent(
            outcomeName(outcome),
            name ->
                Timer.builder("credflow.flow.step.duration")
                    .description("Time from a step's start to its recorded outcome")
                    .tag("outcome", name)
                    .register(metrics))
        .record(Duration.between(began, now));
    if (!recorded) {
      return DONE;
    }
    LOG.debug(
        "step {} of run {}: {} in {} ms",
        step.id(),
        run.id(),
        outcomeName(outcome),
        Duration.between(began, now).toMillis());
    switch (outcome) {
      case StepOutcome.Succeeded s when last -> ended("succeeded");
      case StepOutcome.Failed f -> ended("failed");
      default -> {}
    }
    if (next.isPresent() && !next.get().at().isAfter(now)) {
      wake();
    }
    return DONE;
  }

  private void ended(String status) {
    Counter.builder("credflow.flow.runs.ended").tag("status", status).register(metrics).increment();
  }

  private static String outcomeName(StepOutcome outcome) {
    return switch (outcome) {
      case StepOutcome.Succeeded s -> "succeeded";
      case StepOutcome.Rebounded r -> "rebounded";
      case StepOutcome.Failed f -> "failed";
    };
  }

  /**
   * The step's {@code delay}: its turn among every run's requests of this step, taken once per
   * dispatch; empty when it may start now.
   */
  private Optional<Instant> pace(Run run, Dispatch dispatch, Step step, Optional<StepRun> before) {
    Duration delay = step.spec().delay();
    if (!delay.isPositive()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Optional<Instant> held =
        before
            .filter(s -> s.pacedDispatch().equals(Optional.of(dispatch.dispatch())))
            .flatMap(StepRun::notBefore);
    Instant turn;
    if (held.isPresent()) {
      turn = held.get();
    } else {
      turn = repository.reserveStart(run.flowId(), step.id(), now, delay);
      if (turn.isAfter(now)) {
        // Held, so that the task run again at its turn keeps it; a turn that is now is taken now.
        repository.holdStep(run.id(), dispatch.stepIndex(), step.id(), dispatch.dispatch(), turn);
      }
    }
    return turn.isAfter(now) ? Optional.of(turn) : Optional.empty();
  }

  /** Sends the step's request; every way it can end is an outcome, none escapes. */
  private StepOutcome execute(Run run, FlowDefinition definition, Step step, StepRun begun) {
    int index = begun.index();
    try {
      Caller caller =
          callers
              .apply(run.runAs())
              .orElseThrow(
                  () ->
                      new ForbiddenException(
                          "user "
                              + run.runAs()
                              + ", whose rights the flow runs with, no longer exists; save the"
                              + " flow again to run it with yours"));
      RequestResult result =
          action.execute(
              caller,
              run.workspaceId(),
              step.credentialId(),
              step.spec().withoutDelay(),
              input(run, definition, index),
              new AttachmentScope(
                  run.workspaceId(), Optional.of(run.id()), clock.instant().plus(ATTACHMENT_TTL)));
      return new StepOutcome.Succeeded(result.output());
    } catch (ReboundException e) {
      if (begun.rebounds() >= settings.maxRebounds()) {
        return new StepOutcome.Failed(
            e.getMessage()
                + " (handed back "
                + begun.rebounds()
                + " times by the rebound policy, the most Credflow does)");
      }
      return new StepOutcome.Rebounded(
          e.getMessage(), clock.instant().plus(settings.reboundWait(begun.rebounds())));
    } catch (CredflowException e) {
      return new StepOutcome.Failed(e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn(
          "step {} of run {} failed unexpectedly: {}", step.id(), run.id(), e.getClass().getName());
      return new StepOutcome.Failed(
          "Credflow could not run the step (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * A step's input: {@code body} is the previous step's output (the trigger's message body for the
   * first step); {@code passthrough} holds the trigger's message under {@code trigger} and every
   * earlier step's output under its id.
   */
  private Message input(Run run, FlowDefinition definition, int index) {
    Map<String, Object> passthrough = new LinkedHashMap<>();
    if (run.message().get("passthrough") instanceof Map<?, ?> given) {
      given.forEach((k, v) -> passthrough.put(String.valueOf(k), v));
    }
    passthrough.put("trigger", run.message().get("body"));
    Object body = run.message().get("body");
    Map<String, Object> attachments = new LinkedHashMap<>();
    if (run.message().get("attachments") instanceof Map<?, ?> given) {
      given.forEach((k, v) -> attachments.put(String.valueOf(k), v));
    }
    if (index > 0) {
      Map<String, Object> outputs = repository.outputsBefore(run.id(), index);
      passthrough.putAll(outputs);
      body = outputs.get(definition.steps().get(index - 1).id());
      outputs.forEach(
          (stepId, output) -> {
            if (output instanceof Map<?, ?> o && o.get("attachmentUrl") instanceof String url) {
              attachments.put(stepId, Map.of("url", url));
            }
          });
    }
    return Message.of(body, passthrough, attachments);
  }

  private void failed(Run run, Step step, String error) {
    String flowName = repository.find(run.flowId()).map(Flow::name).orElse(run.flowId());
    events.record(
        new CredentialEvent(
            0,
            step.credentialId(),
            run.workspaceId(),
            "run.failed",
            "run "
                + run.id()
                + " of flow \""
                + flowName
                + "\" failed at step \""
                + step.id()
                + "\": "
                + error,
            clock.instant(),
            Map.of("flow", run.flowId(), "run", run.id(), "step", step.id())));
  }

  /**
   * The first step of a stop: takes no new steps or firings from now on (other processes on the
   * database take them), while the steps in flight go on.
   */
  public void stopTaking() {
    scheduler.pause();
  }

  /** Steps and firings this process runs right now. */
  public int inFlight() {
    return scheduler.getCurrentlyExecuting().size();
  }

  /**
   * Stops: steps in flight get {@link #SHUTDOWN_MAX_WAIT} to finish, then are interrupted and
   * handed back (nothing recorded, the task due again at once for another process). A caller that
   * wants a longer grace calls {@link #stopTaking()} and waits for {@link #inFlight()} first.
   */
  @Override
  public void close() {
    scheduler.stop();
  }
}
