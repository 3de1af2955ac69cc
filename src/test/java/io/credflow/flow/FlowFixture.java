package io.credflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.store.Jdbc;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the flow contracts share: the server they declare (on H2 or PostgreSQL, on manual time, with
 * the test upstream and an executor workspace; db-scheduler polls every 50 ms so a clock move is
 * seen soon; the rebound policy hands a step back twice, after 15 s and then 30 s), and the timed
 * flows a test made active, set inactive after it so they do not fire in the next test's clock
 * moves.
 */
final class FlowFixture {
  /** How often the rebound policy hands a step back in these servers. */
  static final int MAX_REBOUNDS = 2;

  static final Duration FIRST_REBOUND = Duration.ofSeconds(15);
  static final Duration LONGEST_REBOUND = Duration.ofSeconds(30);

  private final CredflowExtension credflow;
  private final List<String> timedFlows = new ArrayList<>();

  FlowFixture(CredflowExtension credflow) {
    this.credflow = credflow;
  }

  /** The server of a flow contract on {@code postgres} or H2; {@code label} names the tenant. */
  static CredflowExtension server(boolean postgres, String label) {
    return CredflowExtension.database(postgres)
        .manualTime()
        .upstreamServer()
        .executorWorkspace(label)
        .configure(
            c ->
                c.flows(
                    FlowEngine.Settings.defaults()
                        .withPolling(Duration.ofMillis(50))
                        .withRebounds(MAX_REBOUNDS, FIRST_REBOUND, LONGEST_REBOUND)));
  }

  Api admin() {
    return credflow.admin();
  }

  ExecutorWorkspace w() {
    return credflow.executorWorkspace();
  }

  String ws() {
    return w().workspace();
  }

  Jdbc jdbc() {
    return credflow.server().credflow().database().jdbc();
  }

  /** Creates a flow that a timed trigger may start; it is set inactive after the test. */
  String createTimed(com.fasterxml.jackson.databind.node.ObjectNode doc) {
    String id = Flows.create(admin(), ws(), doc);
    timedFlows.add(id);
    return id;
  }

  /** Sets the timed flows of the test inactive. */
  void deactivateTimed() {
    for (String id : timedFlows) {
      Api.Response r = Flows.patch(admin(), ws(), id, Map.of("status", "inactive"));
      assertThat(r.status()).as(r.text()).isIn(200, 404);
    }
    timedFlows.clear();
  }

  /** How many step tasks of {@code run} db-scheduler still holds (due, waiting or in flight). */
  int tasksOf(String run) {
    return jdbc()
        .queryOne(
            "SELECT COUNT(*) AS n FROM scheduled_tasks WHERE task_name = 'flow-step'"
                + " AND task_instance LIKE ?",
            rs -> rs.getInt("n"),
            run + "/%")
        .orElse(0);
  }

  /** The run's step {@code index} in its representation. */
  static JsonNode step(JsonNode run, int index) {
    return run.path("attributes").path("steps").path(index);
  }

  static String status(JsonNode resource) {
    return resource.path("attributes").path("status").asText();
  }
}
