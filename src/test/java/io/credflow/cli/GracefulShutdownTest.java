package io.credflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.ChildProcesses;
import io.credflow.testing.ChildProcesses.NoauthWorkspace;
import io.credflow.testing.CredflowProcess;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.PostgresDatabases;
import io.credflow.testing.TestServer;
import io.credflow.testing.upstream.Upstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's graceful stop with real processes: two Credflow processes on one PostgreSQL database
 * behind a balancer the test plays (it polls {@code /health/ready} and sends load only to the
 * processes that answer 200), under load: {@code POST …/requests} against an upstream that answers
 * after {@value #REQUEST_MS} ms, runs of a 3-step flow ({@value #STEP_MS} ms a step), a few
 * requests held {@value #LONG_REQUEST_MS} ms across the moment the listener closes, and a few runs
 * whose one step outlives the grace period. One process gets SIGTERM in the middle.
 *
 * <p>Expected: its readiness answered 503 before its listener closed; every request it had accepted
 * got its whole answer (none reset); it exited 0 within the grace; every run ended succeeded with
 * each step recorded once, the long steps it held handed back and finished by the other process; no
 * step task is left. What was lost is counted and printed ({@code GracefulShutdownTest: ...}); it
 * must be nothing. The stopping process logs JSON lines.
 */
@Tag("slow")
class GracefulShutdownTest {
  private static final int GRACE_SECONDS = 8;
  private static final int REQUEST_MS = 200;
  private static final int STEP_MS = 200;
  private static final int LONG_REQUEST_MS = 3_000;

  /** Longer than the grace: such a step is handed back by the stopping process. */
  private static final int LONG_STEP_MS = (GRACE_SECONDS + 4) * 1000;

  private static final int LONG_REQUESTS = 3;
  private static final int LONG_RUNS = 3;
  private static final int WORKERS = 4;

  /** Bounds of the load: it stops by itself whatever happens. */
  private static final int MAX_REQUESTS_PER_WORKER = 400;

  private static final int MAX_RUNS = 80;
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(120);
  private static final long PATIENCE_MS = 120_000;

  /** One request of the load and how it ended. */
  private record Outcome(int process, int status, String failure) {}

  @Test
  void sigtermWhenUnderLoadThenNothingAcceptedIsLostAndTheProcessExitsZeroWithinTheGrace()
      throws Exception {
    Path dir = Files.createTempDirectory("credflow-graceful");
    String db = PostgresDatabases.create();
    Map<String, String> env = new HashMap<>();
    env.put("CREDFLOW_ADMIN_API_KEY", TestServer.ADMIN_KEY);
    env.put("CREDFLOW_DB_URL", db);
    env.put("CREDFLOW_DB_USER", PostgresDatabases.USER);
    env.put("CREDFLOW_KEYSET", dir.resolve("keyset.json").toString());
    env.put("CREDFLOW_FLOW_HEARTBEAT", "1");
    env.put("CREDFLOW_RATE_LIMIT", "0");
    env.put("CREDFLOW_SHUTDOWN_GRACE", Integer.toString(GRACE_SECONDS));
    Map<String, String> jsonLogs = new HashMap<>(env);
    jsonLogs.put("CREDFLOW_LOG_FORMAT", "json");
    CredflowProcess stopping =
        new CredflowProcess(
            CredflowProcess.freePort(), dir.resolve("data-0"), jsonLogs, dir.resolve("c0.log"));
    CredflowProcess staying =
        new CredflowProcess(
            CredflowProcess.freePort(), dir.resolve("data-1"), env, dir.resolve("c1.log"));
    List<CredflowProcess> processes = List.of(stopping, staying);
    ExecutorService load = Executors.newFixedThreadPool(WORKERS + 2 + LONG_REQUESTS);
    AtomicBoolean stop = new AtomicBoolean();
    try (Upstream upstream = Upstream.start();
        Connection sql = DriverManager.getConnection(db, PostgresDatabases.USER, null);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      // The first one makes the keyset and migrates; the other then shares both.
      stopping.start().awaitHealthy(HEALTHY_WITHIN);
      staying.start().awaitHealthy(HEALTHY_WITHIN);
      NoauthWorkspace f =
          NoauthWorkspace.create(new Api(stopping.baseUrl(), TestServer.ADMIN_KEY), "graceful");
      String flow = Flows.create(f.admin(), f.workspace(), flow(f, upstream, "short", STEP_MS, 3));
      String longFlow =
          Flows.create(f.admin(), f.workspace(), flow(f, upstream, "long", LONG_STEP_MS, 1));
      Balancer balancer = new Balancer(http, processes);
      Future<?> polling = load.submit(() -> balancer.run(stop));

      // Load through the balancer: requests and runs of the short flow.
      Queue outcomes = new Queue();
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        workers.add(
            load.submit(
                () -> {
                  for (int i = 0; i < MAX_REQUESTS_PER_WORKER && !stop.get(); i++) {
                    int p = balancer.next();
                    outcomes.add(send(http, processes.get(p), p, f, upstream, "load", REQUEST_MS));
                  }
                  return null;
                }));
      }
      List<String> runs = new CopyOnWriteArrayList<>();
      Future<?> starter =
          load.submit(
              () -> {
                for (int n = 0; n < MAX_RUNS && !stop.get(); n++) {
                  Api api = new Api(processes.get(balancer.next()).baseUrl(), TestServer.ADMIN_KEY);
                  runs.add(Flows.start(api, f.workspace(), flow, Map.of("n", n)));
                  Thread.sleep(50);
                }
                return null;
              });
      // Runs whose one step outlives the grace, started through the process that will stop, so
      // that it most likely holds them.
      Api stoppingApi = new Api(stopping.baseUrl(), TestServer.ADMIN_KEY);
      List<String> longRuns = new ArrayList<>();
      for (int n = 0; n < LONG_RUNS; n++) {
        longRuns.add(Flows.start(stoppingApi, f.workspace(), longFlow, Map.of("n", n)));
      }
      awaitSent(upstream, "long", LONG_RUNS);
      awaitSent(upstream, "short", 10);
      // Requests held across the moment the listener closes, sent to the stopping process.
      List<Future<Outcome>> held = new ArrayList<>();
      for (int i = 0; i < LONG_REQUESTS; i++) {
        held.add(load.submit(() -> send(http, stopping, 0, f, upstream, "held", LONG_REQUEST_MS)));
      }
      awaitSent(upstream, "held", LONG_REQUESTS);

      stopping.terminate();
      OptionalInt exit = stopping.awaitExit(Duration.ofSeconds(GRACE_SECONDS + 10));
      assertThat(exit).as("exit code within the grace:\n%s", stopping.tail()).hasValue(0);
      stop.set(true);
      starter.get(60, TimeUnit.SECONDS);
      for (Future<?> w : workers) {
        w.get(60, TimeUnit.SECONDS);
      }
      polling.get(60, TimeUnit.SECONDS);
      List<Outcome> heldOutcomes = new ArrayList<>();
      for (Future<Outcome> h : held) {
        heldOutcomes.add(h.get(60, TimeUnit.SECONDS));
      }

      // Readiness said 503 (shutting down) before the listener refused connections.
      assertThat(balancer.firstNotReady[0])
          .as("a 503 from /health/ready of the stopping one")
          .isPositive();
      assertThat(balancer.notReadyReason[0]).isEqualTo("shutting_down");
      assertThat(balancer.firstRefused[0]).as("the listener closed").isPositive();
      assertThat(balancer.firstNotReady[0]).isLessThan(balancer.firstRefused[0]);
      assertThat(balancer.firstNotReady[1]).as("the other one stayed ready").isZero();

      // Every request the stopping process accepted got its whole answer.
      List<Outcome> all = new ArrayList<>(outcomes.list);
      all.addAll(heldOutcomes);
      List<Outcome> toStopping = all.stream().filter(o -> o.process() == 0).toList();
      List<Outcome> lost = toStopping.stream().filter(o -> o.failure() != null).toList();
      assertThat(lost).as("requests to the stopping process without a whole answer").isEmpty();
      assertThat(toStopping).extracting(Outcome::status).containsOnly(200);
      assertThat(heldOutcomes).extracting(Outcome::status).containsOnly(200);
      assertThat(all).as("requests that failed anywhere").allMatch(o -> o.status() == 200);

      // Every run succeeded, each step recorded once; the long ones were finished elsewhere.
      List<String> every = new ArrayList<>(runs);
      every.addAll(longRuns);
      awaitEnded(sql, every);
      Map<String, String> statuses = statuses(sql, every);
      assertThat(statuses).as("runs by id").hasSize(every.size());
      assertThat(Set.copyOf(statuses.values())).containsExactly("succeeded");
      Map<String, Map<Integer, Integer>> steps = steps(sql, every);
      int handedBack = 0;
      for (String run : every) {
        Map<Integer, Integer> attempts = steps.get(run);
        int expected = longRuns.contains(run) ? 1 : 3;
        assertThat(attempts).as("steps of run %s", run).hasSize(expected);
        for (int a : attempts.values()) {
          assertThat(a).isBetween(1, 2);
          handedBack += a - 1;
        }
      }
      assertThat(ChildProcesses.leftoverStepTasks(sql)).as("flow-step tasks left").isZero();

      // The stopping process wrote JSON lines, none with a secret.
      List<String> jsonLines =
          Files.readAllLines(stopping.log()).stream().filter(l -> l.startsWith("{")).toList();
      assertThat(jsonLines).isNotEmpty();
      List<String> messages = new ArrayList<>();
      for (String line : jsonLines) {
        JsonNode doc = Api.JSON.readTree(line);
        messages.add(doc.path("formattedMessage").asText());
        assertThat(doc.has("level")).isTrue();
      }
      assertThat(messages).anyMatch(m -> m.startsWith("stopping: /health/ready answers 503"));
      assertThat(String.join("\n", jsonLines)).doesNotContain(TestServer.ADMIN_KEY);

      System.out.printf(
          "GracefulShutdownTest: %d requests to the stopping process, %d answered, %d lost;"
              + " %d held across the listener's close, all answered; %d runs, all succeeded;"
              + " %d step attempts handed back and run again elsewhere%n",
          toStopping.size(),
          toStopping.size() - lost.size(),
          lost.size(),
          heldOutcomes.size(),
          every.size(),
          handedBack);
    } finally {
      stop.set(true);
      load.shutdownNow();
      for (CredflowProcess p : processes) {
        p.close();
      }
      ChildProcesses.keepLogs(processes, "graceful-shutdown-test-credflow");
      PostgresDatabases.drop(db);
      ChildProcesses.deleteTree(dir);
    }
  }

  /** The outcomes of the load, from every worker. */
  private static final class Queue {
    final ConcurrentLinkedQueue<Outcome> list = new ConcurrentLinkedQueue<>();

    void add(Outcome o) {
      list.add(o);
    }
  }

  /**
   * The test's load balancer: polls each process's readiness and hands out, in turn, only the
   * processes that last answered 200. Records, per process, when readiness first answered 503 and
   * when a connection was first refused (as System.nanoTime, 0 for never).
   */
  private static final class Balancer {
    private final HttpClient http;
    private final List<CredflowProcess> processes;
    private final Set<Integer> ready = ConcurrentHashMap.newKeySet();
    private final AtomicInteger turn = new AtomicInteger();
    final long[] firstNotReady;
    final long[] firstRefused;
    final String[] notReadyReason;

    Balancer(HttpClient http, List<CredflowProcess> processes) {
      this.http = http;
      this.processes = processes;
      this.firstNotReady = new long[processes.size()];
      this.firstRefused = new long[processes.size()];
      this.notReadyReason = new String[processes.size()];
      for (int i = 0; i < processes.size(); i++) {
        ready.add(i);
      }
    }

    Void run(AtomicBoolean stop) throws InterruptedException {
      while (!stop.get()) {
        for (int i = 0; i < processes.size(); i++) {
          poll(i);
        }
        Thread.sleep(20);
      }
      return null;
    }

    private void poll(int i) throws InterruptedException {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(processes.get(i).baseUrl() + "/health/ready"))
              .timeout(Duration.ofSeconds(2))
              .GET()
              .build();
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          ready.add(i);
          return;
        }
        ready.remove(i);
        if (firstNotReady[i] == 0) {
          firstNotReady[i] = System.nanoTime();
          notReadyReason[i] = reason(r.body());
        }
      } catch (ConnectException e) {
        ready.remove(i);
        if (firstRefused[i] == 0) {
          firstRefused[i] = System.nanoTime();
        }
      } catch (IOException e) {
        ready.remove(i);
      }
    }

    private static String reason(String body) {
      try {
        return Api.JSON.readTree(body).path("reason").asText();
      } catch (IOException e) {
        return "(not JSON: " + body + ")";
      }
    }

    /** The next ready process, in turn; waits while none is ready (bounded). */
    int next() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        List<Integer> now = ready.stream().sorted().toList();
        if (!now.isEmpty()) {
          return now.get(Math.floorMod(turn.getAndIncrement(), now.size()));
        }
        Thread.sleep(10);
      }
      throw new IllegalStateException("no process was ready for 30 s");
    }
  }

  /** One {@code POST …/requests} of the upstream's slow endpoint through {@code process}. */
  private static Outcome send(
      HttpClient http,
      CredflowProcess process,
      int index,
      NoauthWorkspace f,
      Upstream upstream,
      String kind,
      int ms)
      throws InterruptedException {
    String body =
        ExecutorWorkspace.requestDoc(
                ExecutorWorkspace.get(upstream.url("/slow?ms=" + ms + "&kind=" + kind)),
                null,
                f.credential())
            .toString();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(process.baseUrl() + "/v2/workspaces/" + f.workspace() + "/requests"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + TestServer.ADMIN_KEY)
            .header("Content-Type", "application/vnd.api+json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode slept =
          Api.JSON.readTree(r.body()).path("data").path("attributes").path("responseBody");
      if (r.statusCode() == 200 && slept.path("sleptMs").asInt() != ms) {
        return new Outcome(index, r.statusCode(), "an incomplete answer: " + r.body());
      }
      return new Outcome(index, r.statusCode(), null);
    } catch (IOException e) {
      return new Outcome(index, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** An active manual flow of {@code steps} GETs of the slow endpoint, each {@code ms} long. */
  private static com.fasterxml.jackson.databind.node.ObjectNode flow(
      NoauthWorkspace f, Upstream upstream, String kind, int ms, int steps) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      list.add(
          ChildProcesses.slowStep(
              f, upstream, "s" + s, s, "ms=" + ms + "&kind=" + kind + "&step=" + s));
    }
    return Flows.activeManual(kind + " flow", list);
  }

  /** Waits (bounded) until the upstream has seen {@code n} requests of {@code kind}. */
  private static void awaitSent(Upstream upstream, String kind, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
    while (sent(upstream, kind) < n) {
      assertThat(System.nanoTime())
          .as("%d %s requests at the upstream", n, kind)
          .isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static long sent(Upstream upstream, String kind) {
    return upstream.requests("/slow").stream()
        .filter(r -> r.queryParam("kind").filter(kind::equals).isPresent())
        .count();
  }

  /** Waits (bounded) until none of {@code runs} is running and no step task is left. */
  private static void awaitEnded(Connection sql, List<String> runs)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
    while (statuses(sql, runs).containsValue("running")
        || ChildProcesses.leftoverStepTasks(sql) > 0) {
      assertThat(System.nanoTime())
          .as("every run ended within %d s: %s", PATIENCE_MS / 1000, statuses(sql, runs))
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** Each run's status. */
  private static Map<String, String> statuses(Connection sql, List<String> runs)
      throws SQLException {
    Map<String, String> statuses = new TreeMap<>();
    try (var q = sql.prepareStatement("SELECT id, status FROM flow_runs")) {
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          if (runs.contains(rs.getString(1))) {
            statuses.put(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return statuses;
  }

  /** Per run: step index to attempts, each step recorded once and as succeeded. */
  private static Map<String, Map<Integer, Integer>> steps(Connection sql, List<String> runs)
      throws SQLException {
    Map<String, Map<Integer, Integer>> steps = new HashMap<>();
    try (var q =
        sql.prepareStatement("SELECT run_id, step_index, status, attempts FROM flow_step_runs")) {
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          String run = rs.getString(1);
          if (!runs.contains(run)) {
            continue;
          }
          assertThat(rs.getString(3))
              .as("step %d of run %s", rs.getInt(2), run)
              .isEqualTo("succeeded");
          Integer before =
              steps.computeIfAbsent(run, k -> new TreeMap<>()).put(rs.getInt(2), rs.getInt(4));
          assertThat(before).as("records of step %d of run %s", rs.getInt(2), run).isNull();
        }
      }
    }
    return steps;
  }
}
