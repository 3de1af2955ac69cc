package io.credflow.flow;

import static io.credflow.flow.FlowFixture.status;
import static io.credflow.flow.FlowFixture.step;
import static io.credflow.testing.ExecutorWorkspace.get;
import static io.credflow.testing.ExecutorWorkspace.reader;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.ManualTime;
import io.credflow.testing.upstream.Upstream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The error policies inside a flow ({@code byComponent}, {@code rebound}, {@code throwError},
 * {@code emit}), cancelling a run and retrying a failed one from its failed step, against a real
 * upstream on the server's manual clock. Subclasses name the database.
 */
abstract class FlowPoliciesContract {
  abstract CredflowExtension credflow();

  private final FlowFixture f = new FlowFixture(credflow());
  private final Api admin = f.admin();
  private final ExecutorWorkspace w = f.w();
  private final Upstream upstream = credflow().upstream();
  private final ManualTime time = credflow().time();

  private Map<String, Object> noauth(String id, Map<String, Object> config) {
    return Flows.step(id, w.component(), w.noauth(), config);
  }

  private static Map<String, Object> policy(String url, String policy, String errorCodes) {
    Map<String, Object> config = get(url);
    config.put("errorPolicy", policy);
    if (errorCodes != null) {
      config.put("errorCodes", errorCodes);
    }
    return config;
  }

  private String flow(String name, List<Map<String, Object>> steps) {
    return Flows.create(admin, f.ws(), Flows.activeManual(name, steps));
  }

  private String start(String flow) {
    return Flows.start(admin, f.ws(), flow, Map.of("n", 1));
  }

  private JsonNode ended(String run) {
    return Flows.awaitRun(admin, f.ws(), run, "succeeded", "failed", "cancelled");
  }

  private JsonNode awaitWaiting(String run, int index, int rebounds) {
    return Flows.awaitRun(
        admin,
        f.ws(),
        run,
        r ->
            step(r, index).path("status").asText().equals("waiting")
                && step(r, index).path("rebounds").asInt() == rebounds,
        "step " + index + " waiting after " + rebounds + " rebounds");
  }

  private Api.Response post(String path) {
    return admin.post("/v2/workspaces/" + f.ws() + path, "");
  }

  // --- byComponent ---

  @Test
  void byComponentWhenUpstreamFlakyThenStepRetriesWithinItselfAndSucceeds() {
    Map<String, Object> config =
        policy(upstream.url("/flaky/by-component?fail=2"), "byComponent", "503");
    config.put("maxRetries", 3);
    String run = start(flow("by component", List.of(noauth("flaky", config))));

    JsonNode done = ended(run);

    assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
    assertThat(upstream.attempts("by-component")).hasSize(3);
    assertThat(step(done, 0).path("attempts").asInt()).isEqualTo(1);
    assertThat(step(done, 0).path("rebounds").asInt()).isZero();
    assertThat(step(done, 0).path("output").path("responseBody").path("attempt").asInt())
        .isEqualTo(3);
  }

  @Test
  void byComponentWhenRetriesRunOutThenRunFailsSayingHowManyAttempts() {
    Map<String, Object> config =
        policy(upstream.url("/flaky/by-component-out?fail=5"), "byComponent", "503");
    config.put("maxRetries", 2);
    String run = start(flow("by component out", List.of(noauth("flaky", config))));

    JsonNode done = ended(run);

    assertThat(status(done)).as(done.toString()).isEqualTo("failed");
    assertThat(done.path("attributes").path("error").asText()).contains("(after 2 attempts)");
    assertThat(upstream.attempts("by-component-out")).hasSize(2);
  }

  // --- rebound ---

  @Test
  void reboundWhenErrorCodeThenStepWaitsAndRunsAgainOnceTheClockPassesNotBefore() {
    String run =
        start(
            flow(
                "rebound",
                List.of(
                    noauth(
                        "flaky", policy(upstream.url("/flaky/rebound?fail=1"), "rebound", "503")),
                    noauth("after", get(upstream.url("/echo/after-rebound"))))));

    JsonNode waiting = awaitWaiting(run, 0, 1);
    Instant firstAttempt = upstream.attempts("rebound").get(0);
    assertThat(status(waiting)).isEqualTo("running");
    assertThat(Instant.parse(step(waiting, 0).path("not_before").asText()))
        .isEqualTo(firstAttempt.plus(FlowFixture.FIRST_REBOUND));
    assertThat(step(waiting, 0).path("error").asText()).contains("\"503\"");
    assertThat(upstream.count("/echo/after-rebound")).isZero();

    time.advance(FlowFixture.FIRST_REBOUND);
    JsonNode done = ended(run);

    assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
    assertThat(step(done, 0).path("attempts").asInt()).isEqualTo(2);
    assertThat(step(done, 0).path("rebounds").asInt()).isEqualTo(1);
    List<Instant> attempts = upstream.attempts("rebound");
    assertThat(attempts).hasSize(2);
    assertThat(Duration.between(attempts.get(0), attempts.get(1)))
        .isGreaterThanOrEqualTo(FlowFixture.FIRST_REBOUND);
    assertThat(upstream.count("/echo/after-rebound")).isEqualTo(1);
  }

  @Test
  void reboundWhenEveryTryFailsThenWaitsDoubleAndRunFailsAfterTheMostRebounds() {
    String run =
        start(
            flow(
                "rebound out",
                List.of(
                    noauth("down", policy(upstream.url("/status/503?body=busy"), "rebound", "503")),
                    noauth("after", get(upstream.url("/echo/after-exhausted"))))));

    JsonNode first = awaitWaiting(run, 0, 1);
    Instant firstBefore = Instant.parse(step(first, 0).path("not_before").asText());
    time.clock().set(firstBefore);
    JsonNode second = awaitWaiting(run, 0, 2);
    Instant secondBefore = Instant.parse(step(second, 0).path("not_before").asText());
    assertThat(Duration.between(firstBefore, secondBefore))
        .isEqualTo(FlowFixture.FIRST_REBOUND.multipliedBy(2));
    time.clock().set(secondBefore);
    JsonNode done = ended(run);

    assertThat(status(done)).as(done.toString()).isEqualTo("failed");
    assertThat(done.path("attributes").path("failed_step").asInt()).isZero();
    assertThat(done.path("attributes").path("error").asText())
        .contains("Got error \"Service Unavailable\", status - \"503\", body: busy")
        .contains("handed back " + FlowFixture.MAX_REBOUNDS + " times");
    assertThat(step(done, 0).path("status").asText()).isEqualTo("failed");
    assertThat(step(done, 0).path("attempts").asInt()).isEqualTo(FlowFixture.MAX_REBOUNDS + 1);
    assertThat(upstream.count("/status/503")).isEqualTo(FlowFixture.MAX_REBOUNDS + 1);
    assertThat(upstream.count("/echo/after-exhausted")).isZero();
  }

  // --- throwError ---

  @Test
  void throwErrorWhenUpstreamFailsThenRunFailsAtThatStepWithTheComponentsMessageAndAnEvent() {
    String run =
        start(
            flow(
                "throw",
                List.of(
                    noauth("first", get(upstream.url("/echo/before-throw"))),
                    Flows.step(
                        "broken",
                        w.component(),
                        w.basic(),
                        policy(upstream.url("/status/502?body=nope"), "throwError", null)),
                    noauth("never", get(upstream.url("/echo/after-throw"))))));

    JsonNode done = ended(run);

    assertThat(status(done)).as(done.toString()).isEqualTo("failed");
    assertThat(done.path("attributes").path("failed_step").asInt()).isEqualTo(1);
    assertThat(done.path("attributes").path("error").asText())
        .isEqualTo("Got error \"Bad Gateway\", status - \"502\", body: nope");
    assertThat(done.path("attributes").path("finished_at").isTextual()).isTrue();
    assertThat(step(done, 0).path("status").asText()).isEqualTo("succeeded");
    assertThat(step(done, 1).path("status").asText()).isEqualTo("failed");
    assertThat(step(done, 1).path("attempts").asInt()).isEqualTo(1);
    assertThat(step(done, 2).path("status").asText()).isEqualTo("pending");
    assertThat(upstream.count("/status/502")).isEqualTo(1);
    assertThat(upstream.count("/echo/after-throw")).isZero();
    Api.Response events =
        admin.get("/v2/workspaces/" + f.ws() + "/events?filter[credential]=" + w.basic());
    assertThat(events.body().path("data").findValuesAsText("detail"))
        .anySatisfy(
            d ->
                assertThat(d)
                    .contains(run)
                    .contains("\"broken\"")
                    .contains("Got error \"Bad Gateway\""));
    assertThat(events.body().path("data").findValuesAsText("type")).contains("run.failed");
  }

  // --- emit ---

  @Test
  void emitWhenUpstreamFailsThenErrorResultIsTheNextStepsBody() {
    Map<String, Object> next = get(upstream.url("/echo/after-emit"));
    reader(next).put("method", "POST");
    reader(next)
        .put(
            "body",
            Map.of(
                "contentType",
                "application/json",
                "raw",
                "{\"status\": body.statusCode, \"error\": body.responseBody.error,"
                    + " \"byId\": $getPassthrough().failing.statusCode}"));
    String run =
        start(
            flow(
                "emit",
                List.of(
                    noauth("failing", policy(upstream.url("/status/503"), "emit", "503")),
                    noauth("next", next))));

    JsonNode done = ended(run);

    assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
    assertThat(step(done, 0).path("status").asText()).isEqualTo("succeeded");
    assertThat(step(done, 0).path("output").path("statusCode").asInt()).isEqualTo(503);
    assertThat(upstream.requests("/echo/after-emit").get(0).bodyText())
        .isEqualTo("{\"status\":503,\"error\":\"status 503\",\"byId\":503}");
  }

  // --- cancel ---

  @Test
  void cancelWhenWaitingOnReboundThenCancelledNothingMoreRunsAndCancellingAgainIs409() {
    String flow =
        flow(
            "cancel rebound",
            List.of(
                noauth("down", policy(upstream.url("/status/503"), "rebound", "503")),
                noauth("after", get(upstream.url("/echo/after-cancel")))));
    String run = start(flow);
    JsonNode waiting = awaitWaiting(run, 0, 1);
    Api.Response refusedDelete = admin.delete("/v2/workspaces/" + f.ws() + "/flows/" + flow);
    assertThat(refusedDelete.status()).as(refusedDelete.text()).isEqualTo(409);
    assertThat(refusedDelete.error().path("code").asText()).isEqualTo("flow_running");

    Api.Response cancelled = post("/runs/" + run + "/cancel");

    assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
    assertThat(cancelled.attributes().path("status").asText()).isEqualTo("cancelled");
    assertThat(step(cancelled.data(), 0).path("status").asText()).isEqualTo("cancelled");
    // The rebounded dispatch's task was deleted; the one that rebounded ends on its own.
    Flows.eventually("no task of the run left", () -> f.tasksOf(run) == 0);
    time.clock().set(Instant.parse(step(waiting, 0).path("not_before").asText()).plusSeconds(1));
    Api.Response again = post("/runs/" + run + "/cancel");
    assertThat(again.status()).as(again.text()).isEqualTo(409);
    assertThat(again.error().path("code").asText()).isEqualTo("run_not_running");
    assertThat(status(Flows.run(admin, f.ws(), run).data())).isEqualTo("cancelled");
    assertThat(upstream.count("/status/503")).isEqualTo(1);
    assertThat(upstream.count("/echo/after-cancel")).isZero();
    Api.Response deleted = admin.delete("/v2/workspaces/" + f.ws() + "/flows/" + flow);
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
    assertThat(Flows.run(admin, f.ws(), run).status()).isEqualTo(404);
  }

  @Test
  void cancelWhenStepInFlightThenItsResultIsNotRecordedAndLaterStepsNeverRun() throws Exception {
    String run =
        start(
            flow(
                "cancel slow",
                List.of(
                    noauth("slow", get(upstream.url("/slow?ms=1000"))),
                    noauth("after", get(upstream.url("/echo/after-slow"))))));
    upstream.awaitRequests("/slow", 1);

    Api.Response cancelled = post("/runs/" + run + "/cancel");

    assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
    assertThat(cancelled.attributes().path("status").asText()).isEqualTo("cancelled");
    // The slow step's task ends once its answer came: only then can it have recorded anything.
    Flows.eventually("the slow step's task to end", () -> f.tasksOf(run) == 0);
    JsonNode after = Flows.run(admin, f.ws(), run).data();
    assertThat(status(after)).isEqualTo("cancelled");
    assertThat(step(after, 0).path("status").asText()).isEqualTo("cancelled");
    assertThat(step(after, 0).path("output").isNull()).isTrue();
    assertThat(step(after, 1).path("status").asText()).isEqualTo("pending");
    assertThat(upstream.count("/echo/after-slow")).isZero();
  }

  // --- retry ---

  @Test
  void retryWhenFailedThenRunsAgainFromTheFailedStepOnlyAndRetryingASucceededRunIs409() {
    String run =
        start(
            flow(
                "retry",
                List.of(
                    noauth("first", get(upstream.url("/echo/before-retry"))),
                    noauth(
                        "flaky",
                        policy(upstream.url("/flaky/retry?fail=1&code=500"), "throwError", null)),
                    noauth("last", get(upstream.url("/echo/after-retry"))))));
    JsonNode failed = ended(run);
    assertThat(status(failed)).as(failed.toString()).isEqualTo("failed");
    assertThat(failed.path("attributes").path("failed_step").asInt()).isEqualTo(1);

    Api.Response retried = post("/runs/" + run + "/retry");

    assertThat(retried.status()).as(retried.text()).isEqualTo(202);
    JsonNode done = ended(run);
    assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.path("attributes").path("error").isNull()).isTrue();
    assertThat(done.path("attributes").path("failed_step").isNull()).isTrue();
    assertThat(step(done, 1).path("attempts").asInt()).isEqualTo(2);
    assertThat(upstream.count("/echo/before-retry")).isEqualTo(1);
    assertThat(upstream.attempts("retry")).hasSize(2);
    assertThat(upstream.count("/echo/after-retry")).isEqualTo(1);
    Api.Response again = post("/runs/" + run + "/retry");
    assertThat(again.status()).as(again.text()).isEqualTo(409);
    assertThat(again.error().path("code").asText()).isEqualTo("run_not_failed");
  }

  @Test
  void runRoutesWhenRunUnknownThen404() {
    for (String path :
        List.of("/runs/nosuchrun/retry", "/runs/nosuchrun/cancel", "/runs/nosuchrun")) {
      Api.Response r =
          path.endsWith("nosuchrun") ? admin.get("/v2/workspaces/" + f.ws() + path) : post(path);
      assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(404);
      assertThat(r.body().path("errors").isArray()).isTrue();
    }
  }
}
