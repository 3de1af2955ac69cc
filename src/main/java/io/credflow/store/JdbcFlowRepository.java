package io.credflow.store;

import io.credflow.common.BoundedCache;
import io.credflow.common.ConflictException;
import io.credflow.common.Secret;
import io.credflow.flow.Dispatch;
import io.credflow.flow.Flow;
import io.credflow.flow.FlowDefinition;
import io.credflow.flow.FlowDraft;
import io.credflow.flow.FlowParser;
import io.credflow.flow.FlowRepository;
import io.credflow.flow.FlowStatus;
import io.credflow.flow.Run;
import io.credflow.flow.RunStatus;
import io.credflow.flow.StepOutcome;
import io.credflow.flow.StepRun;
import io.credflow.flow.StepStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flows, their versions, runs and step runs over JDBC. A step's task is written into db-scheduler's
 * table in the same transaction as the run state that calls for it (db-scheduler's documented
 * schema; no task data), so a run never waits at a step that no task will run.
 */
public final class JdbcFlowRepository implements FlowRepository {
  private static final String TABLE = "flows";
  private static final String HOOK_SECRET = "hook_secret";
  private static final String SECRET_MEMBER = "secret";

  private static final String FLOW_COLUMNS =
      "SELECT f.id, f.seq, f.workspace_id, f.name, f.status, f.current_version, f.hook_id,"
          + " f.hook_secret IS NOT NULL AS signed, f.run_as, f.revision, f.created_at,"
          + " f.updated_at, v.definition FROM flows f JOIN flow_versions v"
          + " ON v.flow_id = f.id AND v.version = f.current_version ";
  private static final String INSERT_FLOW =
      "INSERT INTO flows (id, workspace_id, name, status, current_version, hook_id, hook_secret,"
          + " run_as, revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_VERSION =
      "INSERT INTO flow_versions (flow_id, version, definition, created_at, created_by)"
          + " VALUES (?, ?, ?, ?, ?)";
  private static final String UPDATE_FLOW =
      "UPDATE flows SET name = ?, status = ?, current_version = ?, run_as = ?, revision = ?,"
          + " updated_at = ? WHERE id = ? AND revision = ?";
  private static final String UPDATE_SECRET = "UPDATE flows SET hook_secret = ? WHERE id = ?";
  private static final String INSERT_USE =
      "INSERT INTO flow_credentials (flow_id, credential_id) VALUES (?, ?)";
  private static final String RUN_COLUMNS =
      "SELECT id, seq, flow_id, workspace_id, flow_version, trigger_type, status, step_index,"
          + " dispatch, message, run_as, error, failed_step, created_at, finished_at, request_id"
          + " FROM flow_runs ";
  private static final String STEP_COLUMNS =
      "SELECT run_id, step_index, step_id, status, attempts, rebounds, output, error, not_before,"
          + " paced_dispatch, started_at, finished_at FROM flow_step_runs ";
  private static final String MOVE_RUN =
      "UPDATE flow_runs SET status = ?, step_index = ?, dispatch = ?, error = ?, failed_step = ?,"
          + " finished_at = ?, revision = revision + 1"
          + " WHERE id = ? AND status = 'running' AND step_index = ? AND dispatch = ?";
  private static final int MAX_ERROR = 2000;

  private final Jdbc jdbc;
  private final SecretColumns secrets;
  // Versions never change once written: each is parsed once.
  private final BoundedCache<String, FlowDefinition> definitions = new BoundedCache<>(2_000);

  public JdbcFlowRepository(Jdbc jdbc, SecretColumns secrets) {
    this.jdbc = jdbc;
    this.secrets = secrets;
  }

  @Override
  public void insert(Flow flow, Optional<Secret> hookSecret, String createdBy) {
    jdbc.inTransaction(
        () -> {
          jdbc.update(
              INSERT_FLOW,
              flow.id(),
              flow.workspaceId(),
              flow.name(),
              flow.status().wireName(),
              flow.version(),
              flow.hookId(),
              hookSecret.map(s -> seal(flow.id(), s)),
              flow.runAs(),
              flow.revision(),
              flow.createdAt(),
              flow.updatedAt());
          writeVersion(flow, createdBy);
        });
  }

  @Override
  public boolean update(
      Flow flow,
      long expectedRevision,
      boolean newVersion,
      Optional<Optional<Secret>> hookSecret,
      String updatedBy) {
    return jdbc.inTransaction(
        () -> {
          int changed =
              jdbc.update(
                  UPDATE_FLOW,
                  flow.name(),
                  flow.status().wireName(),
                  flow.version(),
                  flow.runAs(),
                  flow.revision(),
                  flow.updatedAt(),
                  flow.id(),
                  expectedRevision);
          if (changed == 0) {
            return false;
          }
          if (newVersion) {
            writeVersion(flow, updatedBy);
          }
          hookSecret.ifPresent(
              s -> jdbc.update(UPDATE_SECRET, s.map(v -> seal(flow.id(), v)), flow.id()));
          return true;
        });
  }

  private void writeVersion(Flow flow, String by) {
    jdbc.update(
        INSERT_VERSION,
        flow.id(),
        flow.version(),
        Json.write(flow.definition().tree()),
        flow.updatedAt(),
        by);
    jdbc.update("DELETE FROM flow_credentials WHERE flow_id = ?", flow.id());
    for (String credentialId : flow.definition().credentialIds()) {
      jdbc.update(INSERT_USE, flow.id(), credentialId);
    }
    definitions.put(flow.id() + "/" + flow.version(), flow.definition());
  }

  private byte[] seal(String flowId, Secret secret) {
    return secrets.seal(TABLE, flowId, HOOK_SECRET, Map.of(SECRET_MEMBER, secret.reveal()));
  }

  @Override
  public Optional<Flow> find(String id) {
    return jdbc.queryOne(FLOW_COLUMNS + "WHERE f.id = ?", this::flow, id);
  }

  @Override
  public Optional<FlowDraft> findDraft(String flowId) {
    return jdbc.queryOne(
        "SELECT flow_id, base_version, definition, saved_at, saved_by FROM flow_drafts"
            + " WHERE flow_id = ?",
        rs ->
            new FlowDraft(
                rs.getString("flow_id"),
                rs.getInt("base_version"),
                FlowParser.stored(Json.readMap(rs.getString("definition"))),
                Jdbc.instant(rs, "saved_at"),
                rs.getString("saved_by")),
        flowId);
  }

  @Override
  public void saveDraft(FlowDraft draft) {
    String definition = Json.write(draft.definition().tree());
    for (int attempt = 0; ; attempt++) {
      int changed =
          jdbc.update(
              "UPDATE flow_drafts SET base_version = ?, definition = ?, saved_at = ?,"
                  + " saved_by = ? WHERE flow_id = ?",
              draft.baseVersion(),
              definition,
              draft.savedAt(),
              draft.savedBy(),
              draft.flowId());
      if (changed > 0) {
        return;
      }
      try {
        jdbc.update(
            "INSERT INTO flow_drafts (flow_id, base_version, definition, saved_at, saved_by)"
                + " VALUES (?, ?, ?, ?, ?)",
            draft.flowId(),
            draft.baseVersion(),
            definition,
            draft.savedAt(),
            draft.savedBy());
        return;
      } catch (ConflictException e) {
        // Another save inserted it first: this one replaces it.
        if (attempt > 0) {
          throw e;
        }
      }
    }
  }

  @Override
  public boolean deleteDraft(String flowId, Optional<Instant> savedAt) {
    return savedAt.isPresent()
        ? jdbc.update(
                "DELETE FROM flow_drafts WHERE flow_id = ? AND saved_at = ?", flowId, savedAt.get())
            > 0
        : jdbc.update("DELETE FROM flow_drafts WHERE flow_id = ?", flowId) > 0;
  }

  @Override
  public Optional<Flow> findByHook(String hookId) {
    return jdbc.queryOne(FLOW_COLUMNS + "WHERE f.hook_id = ?", this::flow, hookId);
  }

  @Override
  public List<Flow> list(String workspaceId, long after, int limit) {
    return jdbc.query(
        FLOW_COLUMNS + "WHERE f.workspace_id = ? AND f.seq > ? ORDER BY f.seq LIMIT ?",
        this::flow,
        workspaceId,
        after,
        limit);
  }

  @Override
  public List<Flow> activeTimed() {
    return jdbc
        .query(FLOW_COLUMNS + "WHERE f.status = 'active' ORDER BY f.seq", this::flow)
        .stream()
        .filter(f -> f.definition().trigger().timed().isPresent())
        .toList();
  }

  @Override
  public Optional<FlowDefinition> version(String flowId, int version) {
    String key = flowId + "/" + version;
    FlowDefinition known = definitions.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<FlowDefinition> read =
        jdbc.queryOne(
            "SELECT definition FROM flow_versions WHERE flow_id = ? AND version = ?",
            rs -> FlowParser.stored(Json.readMap(rs.getString("definition"))),
            flowId,
            version);
    read.ifPresent(d -> definitions.put(key, d));
    return read;
  }

  @Override
  public Optional<Secret> hookSecret(String flowId) {
    return jdbc.queryOne(
            "SELECT hook_secret FROM flows WHERE id = ? AND hook_secret IS NOT NULL",
            rs -> rs.getBytes(HOOK_SECRET),
            flowId)
        .map(c -> Secret.of(secrets.open(TABLE, flowId, HOOK_SECRET, c).get(SECRET_MEMBER)));
  }

  @Override
  public void delete(String flowId) {
    jdbc.inTransaction(
        () -> {
          // The files its runs stored expire now; the attachment store's sweep deletes them.
          jdbc.update(
              "UPDATE attachments SET expires_at = CURRENT_TIMESTAMP WHERE run_id IN"
                  + " (SELECT id FROM flow_runs WHERE flow_id = ?)",
              flowId);
          jdbc.update(
              "DELETE FROM flow_step_runs WHERE run_id IN (SELECT id FROM flow_runs WHERE flow_id"
                  + " = ?)",
              flowId);
          jdbc.update("DELETE FROM flow_runs WHERE flow_id = ?", flowId);
          jdbc.update("DELETE FROM flow_step_pacing WHERE flow_id = ?", flowId);
          jdbc.update("DELETE FROM flow_credentials WHERE flow_id = ?", flowId);
          jdbc.update("DELETE FROM flow_versions WHERE flow_id = ?", flowId);
          jdbc.update("DELETE FROM flows WHERE id = ?", flowId);
        });
  }

  @Override
  public List<FlowUse> flowsUsing(String credentialId) {
    return jdbc.query(
        "SELECT f.id, f.name, f.status FROM flows f JOIN flow_credentials u ON u.flow_id = f.id"
            + " WHERE u.credential_id = ? ORDER BY f.seq",
        rs ->
            new FlowUse(
                rs.getString("id"),
                rs.getString("name"),
                FlowStatus.fromWire(rs.getString("status")).orElseThrow()),
        credentialId);
  }

  @Override
  public Map<String, Integer> countFlowsUsing(List<String> credentialIds) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    if (credentialIds.isEmpty()) {
      return counts;
    }
    String placeholders =
        String.join(", ", java.util.Collections.nCopies(credentialIds.size(), "?"));
    jdbc.query(
            "SELECT credential_id, COUNT(*) AS n FROM flow_credentials WHERE credential_id IN ("
                + placeholders
                + ") GROUP BY credential_id",
            rs -> Map.entry(rs.getString("credential_id"), rs.getInt("n")),
            credentialIds.toArray())
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return counts;
  }

  @Override
  public void insertRun(Run run, Optional<String> triggerKey, Dispatch first) {
    jdbc.inTransaction(
        () -> {
          jdbc.update(
              "INSERT INTO flow_runs (id, flow_id, workspace_id, flow_version, trigger_type,"
                  + " trigger_key, status, step_index, dispatch, message, run_as, revision,"
                  + " created_at, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
              run.id(),
              run.flowId(),
              run.workspaceId(),
              run.flowVersion(),
              run.trigger(),
              triggerKey,
              run.status().wireName(),
              run.stepIndex(),
              run.dispatch(),
              Json.write(run.message()),
              run.runAs(),
              run.createdAt(),
              run.requestId());
          insertTask(first);
        });
  }

  private void insertTask(Dispatch d) {
    ScheduledTasks.insert(jdbc, Dispatch.TASK, d.instance(), d.at());
  }

  @Override
  public Optional<Run> run(String id) {
    return jdbc.queryOne(RUN_COLUMNS + "WHERE id = ?", JdbcFlowRepository::run, id);
  }

  @Override
  public List<Run> runs(String flowId, long before, int limit) {
    return jdbc.query(
        RUN_COLUMNS + "WHERE flow_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
        JdbcFlowRepository::run,
        flowId,
        before <= 0 ? Long.MAX_VALUE : before,
        limit);
  }

  @Override
  public List<StepRun> steps(String runId) {
    return jdbc.query(
        STEP_COLUMNS + "WHERE run_id = ? ORDER BY step_index", JdbcFlowRepository::step, runId);
  }

  @Override
  public Optional<StepRun> step(String runId, int index) {
    return jdbc.queryOne(
        STEP_COLUMNS + "WHERE run_id = ? AND step_index = ?",
        JdbcFlowRepository::step,
        runId,
        index);
  }

  @Override
  public Map<String, Object> outputsBefore(String runId, int index) {
    Map<String, Object> out = new LinkedHashMap<>();
    jdbc.query(
            "SELECT step_id, output FROM flow_step_runs WHERE run_id = ? AND step_index < ?"
                + " AND output IS NOT NULL ORDER BY step_index",
            rs -> Map.entry(rs.getString("step_id"), Json.read(rs.getString("output"))),
            runId,
            index)
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  @Override
  public Optional<RunAtStep> runAtStep(String runId) {
    return jdbc.queryOne(
        "SELECT r.id, r.seq, r.flow_id, r.workspace_id, r.flow_version, r.trigger_type, r.status,"
            + " r.step_index, r.dispatch, r.message, r.run_as, r.error, r.failed_step,"
            + " r.created_at, r.finished_at, r.request_id, s.step_id AS s_step_id,"
            + " s.status AS s_status,"
            + " s.attempts AS s_attempts, s.rebounds AS s_rebounds, s.error AS s_error,"
            + " s.not_before AS s_not_before, s.paced_dispatch AS s_paced_dispatch,"
            + " s.started_at AS s_started_at, s.finished_at AS s_finished_at"
            + " FROM flow_runs r LEFT JOIN flow_step_runs s"
            + " ON s.run_id = r.id AND s.step_index = r.step_index WHERE r.id = ?",
        rs -> {
          Run run = run(rs);
          String stepId = rs.getString("s_step_id");
          if (stepId == null) {
            return new RunAtStep(run, Optional.empty());
          }
          int paced = rs.getInt("s_paced_dispatch");
          boolean hasPaced = !rs.wasNull();
          // The output is not read: a step being run again has none worth keeping.
          return new RunAtStep(
              run,
              Optional.of(
                  new StepRun(
                      run.id(),
                      run.stepIndex(),
                      stepId,
                      StepStatus.fromWire(rs.getString("s_status")),
                      rs.getInt("s_attempts"),
                      rs.getInt("s_rebounds"),
                      Optional.empty(),
                      Optional.ofNullable(rs.getString("s_error")),
                      Jdbc.optionalInstant(rs, "s_not_before"),
                      hasPaced ? Optional.of(paced) : Optional.empty(),
                      Jdbc.optionalInstant(rs, "s_started_at"),
                      Jdbc.optionalInstant(rs, "s_finished_at"))));
        },
        runId);
  }

  @Override
  public StepRun beginStep(
      String runId, int index, String stepId, Optional<StepRun> before, Instant now) {
    if (before.isPresent()) {
      jdbc.update(
          "UPDATE flow_step_runs SET status = 'running', attempts = attempts + 1, error = NULL,"
              + " started_at = ?, finished_at = NULL WHERE run_id = ? AND step_index = ?",
          now,
          runId,
          index);
      StepRun b = before.get();
      return new StepRun(
          runId,
          index,
          stepId,
          StepStatus.RUNNING,
          b.attempts() + 1,
          b.rebounds(),
          Optional.empty(),
          Optional.empty(),
          b.notBefore(),
          b.pacedDispatch(),
          Optional.of(now),
          Optional.empty());
    }
    try {
      jdbc.update(
          "INSERT INTO flow_step_runs (run_id, step_index, step_id, status, attempts, rebounds,"
              + " started_at) VALUES (?, ?, ?, 'running', 1, 0, ?)",
          runId,
          index,
          stepId,
          now);
    } catch (io.credflow.common.ConflictException existed) {
      // Another execution of this step made the row since it was read: count on from there.
      return beginStep(runId, index, stepId, step(runId, index), now);
    }
    return new StepRun(
        runId,
        index,
        stepId,
        StepStatus.RUNNING,
        1,
        0,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(now),
        Optional.empty());
  }

  @Override
  public void holdStep(String runId, int index, String stepId, int dispatch, Instant notBefore) {
    jdbc.inTransaction(
        () -> {
          int updated =
              jdbc.update(
                  "UPDATE flow_step_runs SET status = 'waiting', not_before = ?,"
                      + " paced_dispatch = ? WHERE run_id = ? AND step_index = ?",
                  notBefore,
                  dispatch,
                  runId,
                  index);
          if (updated == 0) {
            jdbc.update(
                "INSERT INTO flow_step_runs (run_id, step_index, step_id, status, attempts,"
                    + " rebounds, not_before, paced_dispatch) VALUES (?, ?, ?, 'waiting', 0, 0, ?,"
                    + " ?)",
                runId,
                index,
                stepId,
                notBefore,
                dispatch);
          }
        });
  }

  @Override
  public Instant reserveStart(String flowId, String stepId, Instant now, Duration delay) {
    for (int attempt = 0; ; attempt++) {
      try {
        return jdbc.inTransaction(() -> takeTurn(flowId, stepId, now, delay));
      } catch (io.credflow.common.ConflictException raced) {
        // Another process made the step's row first (a unique violation): take a turn in it.
        if (attempt >= 2) {
          throw raced;
        }
      }
    }
  }

  private Instant takeTurn(String flowId, String stepId, Instant now, Duration delay) {
    Optional<Instant> next =
        jdbc.queryOne(
            "SELECT next_start FROM flow_step_pacing WHERE flow_id = ? AND step_id = ?"
                + " FOR UPDATE",
            rs -> Jdbc.instant(rs, "next_start"),
            flowId,
            stepId);
    if (next.isEmpty()) {
      jdbc.update(
          "INSERT INTO flow_step_pacing (flow_id, step_id, next_start) VALUES (?, ?, ?)",
          flowId,
          stepId,
          now.plus(delay));
      return now;
    }
    Instant start = next.get().isAfter(now) ? next.get() : now;
    jdbc.update(
        "UPDATE flow_step_pacing SET next_start = ? WHERE flow_id = ? AND step_id = ?",
        start.plus(delay),
        flowId,
        stepId);
    return start;
  }

  @Override
  public boolean finishStep(
      Run run,
      int index,
      int dispatch,
      StepOutcome outcome,
      boolean lastStep,
      Instant now,
      Optional<Dispatch> next) {
    return jdbc.inTransaction(
        () -> {
          int moved =
              switch (outcome) {
                case StepOutcome.Succeeded s ->
                    lastStep
                        ? jdbc.update(
                            MOVE_RUN,
                            "succeeded",
                            index,
                            dispatch,
                            null,
                            null,
                            now,
                            run.id(),
                            index,
                            dispatch)
                        : jdbc.update(
                            MOVE_RUN, "running", index + 1, 0, null, null, null, run.id(), index,
                            dispatch);
                case StepOutcome.Rebounded r ->
                    jdbc.update(
                        MOVE_RUN,
                        "running",
                        index,
                        dispatch + 1,
                        null,
                        null,
                        null,
                        run.id(),
                        index,
                        dispatch);
                case StepOutcome.Failed f ->
                    jdbc.update(
                        MOVE_RUN,
                        "failed",
                        index,
                        dispatch,
                        cut(f.error()),
                        index,
                        now,
                        run.id(),
                        index,
                        dispatch);
              };
          if (moved == 0) {
            return false;
          }
          switch (outcome) {
            case StepOutcome.Succeeded s ->
                jdbc.update(
                    "UPDATE flow_step_runs SET status = 'succeeded', output = ?, error = NULL,"
                        + " not_before = NULL, finished_at = ? WHERE run_id = ? AND step_index = ?",
                    Json.write(s.output()),
                    now,
                    run.id(),
                    index);
            case StepOutcome.Rebounded r ->
                jdbc.update(
                    "UPDATE flow_step_runs SET status = 'waiting', rebounds = rebounds + 1,"
                        + " error = ?, not_before = ?, finished_at = ? WHERE run_id = ?"
                        + " AND step_index = ?",
                    cut(r.error()),
                    r.at(),
                    now,
                    run.id(),
                    index);
            case StepOutcome.Failed f ->
                jdbc.update(
                    "UPDATE flow_step_runs SET status = 'failed', error = ?, finished_at = ?"
                        + " WHERE run_id = ? AND step_index = ?",
                    cut(f.error()),
                    now,
                    run.id(),
                    index);
          }
          next.ifPresent(this::insertTask);
          return true;
        });
  }

  @Override
  public boolean cancel(String runId, Instant now) {
    return jdbc.inTransaction(
        () -> {
          Optional<Run> current = run(runId);
          if (current.isEmpty() || current.get().status() != RunStatus.RUNNING) {
            return false;
          }
          Run r = current.get();
          int moved =
              jdbc.update(
                  MOVE_RUN,
                  "cancelled",
                  r.stepIndex(),
                  r.dispatch(),
                  null,
                  null,
                  now,
                  runId,
                  r.stepIndex(),
                  r.dispatch());
          if (moved == 0) {
            return false;
          }
          jdbc.update(
              "UPDATE flow_step_runs SET status = 'cancelled', finished_at = ? WHERE run_id = ?"
                  + " AND step_index = ? AND status IN ('running', 'waiting')",
              now,
              runId,
              r.stepIndex());
          // A task not yet taken goes; one being run finds the run cancelled and records nothing.
          jdbc.update(
              "DELETE FROM scheduled_tasks WHERE task_name = ? AND task_instance = ?"
                  + " AND picked = FALSE",
              Dispatch.TASK,
              new Dispatch(runId, r.stepIndex(), r.dispatch(), now).instance());
          return true;
        });
  }

  @Override
  public boolean retry(Run run, Dispatch next) {
    return jdbc.inTransaction(
        () -> {
          int moved =
              jdbc.update(
                  "UPDATE flow_runs SET status = 'running', step_index = ?, dispatch = ?,"
                      + " error = NULL, failed_step = NULL, finished_at = NULL,"
                      + " revision = revision + 1 WHERE id = ? AND status = 'failed'"
                      + " AND step_index = ? AND dispatch = ?",
                  next.stepIndex(),
                  next.dispatch(),
                  run.id(),
                  run.stepIndex(),
                  run.dispatch());
          if (moved == 0) {
            return false;
          }
          jdbc.update(
              "UPDATE flow_step_runs SET status = 'waiting', error = NULL, finished_at = NULL,"
                  + " not_before = NULL, paced_dispatch = NULL WHERE run_id = ?"
                  + " AND step_index = ?",
              run.id(),
              next.stepIndex());
          insertTask(next);
          return true;
        });
  }

  @Override
  public int runningRuns(String flowId) {
    return jdbc.queryOne(
            "SELECT COUNT(*) AS n FROM flow_runs WHERE flow_id = ? AND status = 'running'",
            rs -> rs.getInt("n"),
            flowId)
        .orElse(0);
  }

  @Override
  public long queueDepth(Instant now) {
    return jdbc.queryOne(
            "SELECT COUNT(*) AS n FROM scheduled_tasks WHERE task_name = ? AND picked = FALSE"
                + " AND execution_time <= ?",
            rs -> rs.getLong("n"),
            Dispatch.TASK,
            now)
        .orElse(0L);
  }

  private static String cut(String error) {
    return error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR - 1) + "…" : error;
  }

  private Flow flow(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    int version = rs.getInt("current_version");
    String key = id + "/" + version;
    FlowDefinition definition = definitions.get(key);
    if (definition == null) {
      definition = FlowParser.stored(Json.readMap(rs.getString("definition")));
      definitions.put(key, definition);
    }
    return new Flow(
        id,
        rs.getLong("seq"),
        rs.getString("workspace_id"),
        rs.getString("name"),
        FlowStatus.fromWire(rs.getString("status")).orElseThrow(),
        version,
        definition,
        rs.getString("hook_id"),
        rs.getBoolean("signed"),
        rs.getString("run_as"),
        rs.getLong("revision"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "updated_at"));
  }

  private static Run run(ResultSet rs) throws SQLException {
    int failed = rs.getInt("failed_step");
    boolean hasFailed = !rs.wasNull();
    return new Run(
        rs.getString("id"),
        rs.getLong("seq"),
        rs.getString("flow_id"),
        rs.getString("workspace_id"),
        rs.getInt("flow_version"),
        rs.getString("trigger_type"),
        RunStatus.fromWire(rs.getString("status")).orElseThrow(),
        rs.getInt("step_index"),
        rs.getInt("dispatch"),
        Json.readMap(rs.getString("message")),
        rs.getString("run_as"),
        Optional.ofNullable(rs.getString("error")),
        hasFailed ? Optional.of(failed) : Optional.empty(),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "finished_at"),
        Optional.ofNullable(rs.getString("request_id")));
  }

  private static StepRun step(ResultSet rs) throws SQLException {
    String output = rs.getString("output");
    int paced = rs.getInt("paced_dispatch");
    boolean hasPaced = !rs.wasNull();
    return new StepRun(
        rs.getString("run_id"),
        rs.getInt("step_index"),
        rs.getString("step_id"),
        StepStatus.fromWire(rs.getString("status")),
        rs.getInt("attempts"),
        rs.getInt("rebounds"),
        output == null ? Optional.empty() : Optional.of(Json.read(output)),
        Optional.ofNullable(rs.getString("error")),
        Jdbc.optionalInstant(rs, "not_before"),
        hasPaced ? Optional.of(paced) : Optional.empty(),
        Jdbc.optionalInstant(rs, "started_at"),
        Jdbc.optionalInstant(rs, "finished_at"));
  }
}
