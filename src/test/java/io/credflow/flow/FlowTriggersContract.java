package io.credflow.flow;

import static io.credflow.flow.FlowFixture.status;
import static io.credflow.testing.ExecutorWorkspace.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.common.Secret;
import io.credflow.store.Jdbc;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.ManualTime;
import io.credflow.testing.upstream.Upstream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every trigger of a flow against a real server and upstream: manual runs, webhooks (unsigned,
 * signed, refused), schedules fired by moving the server's clock past their cron time, and polls
 * whose result starts a run. Subclasses name the database.
 */
abstract class FlowTriggersContract {
  private static final String SECRET = "webhook-secret-0123456789";

  abstract CredflowExtension credflow();

  private final FlowFixture f = new FlowFixture(credflow());
  private final Api admin = f.admin();
  private final ExecutorWorkspace w = f.w();
  private final Upstream upstream = credflow().upstream();
  private final ManualTime time = credflow().time();

  @AfterEach
  void deactivateTimedFlows() {
    f.deactivateTimed();
  }

  private Map<String, Object> echo(String id, String path) {
    return Flows.step(id, w.component(), w.noauth(), get(upstream.url(path)));
  }

  // --- manual ---

  @Test
  void startWhenManualThenRunSucceedsWithTheMessageAsFirstBodyAndPassthrough() {
    Map<String, Object> config = get(upstream.url("/echo/manual"));
    ExecutorWorkspace.reader(config).put("method", "POST");
    ExecutorWorkspace.reader(config)
        .put(
            "body",
            Map.of(
                "contentType",
                "application/json",
                "raw",
                "{\"order\": body.order, \"trigger\": $getPassthrough().trigger.order,"
                    + " \"given\": $getPassthrough().tag}"));
    String flow =
        Flows.create(
            admin,
            f.ws(),
            Flows.activeManual(
                "manual", List.of(Flows.step("one", w.component(), w.noauth(), config))));
    Api.Response started =
        admin.post(
            "/v2/workspaces/" + f.ws() + "/flows/" + flow + "/runs",
            "{\"data\":{\"type\":\"run\",\"attributes\":{\"message\":"
                + "{\"body\":{\"order\":7},\"passthrough\":{\"tag\":\"t1\"}}}}}");

    assertThat(started.status()).as(started.text()).isEqualTo(202);
    assertThat(started.header("Location"))
        .hasValue("/v2/workspaces/" + f.ws() + "/runs/" + started.id());
    assertThat(started.attributes().path("trigger").asText()).isEqualTo("manual");
    JsonNode done = Flows.awaitRun(admin, f.ws(), started.id(), "succeeded", "failed");
    assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
    assertThat(upstream.requests("/echo/manual").get(0).bodyText())
        .isEqualTo("{\"order\":7,\"trigger\":7,\"given\":\"t1\"}");
    assertThat(Flows.runs(admin, f.ws(), flow)).hasSize(1);
  }

  @Test
  void startWhenFlowIsDraftThen409FlowNotActiveAndNoRun() {
    String flow =
        Flows.create(
            admin,
            f.ws(),
            Flows.flow("draft", "draft", Flows.manual(), List.of(echo("a", "/echo/d"))));

    Api.Response r =
        admin.post(
            "/v2/workspaces/" + f.ws() + "/flows/" + flow + "/runs",
            "{\"data\":{\"type\":\"run\",\"attributes\":{\"message\":{\"body\":{}}}}}");

    assertThat(r.status()).as(r.text()).isEqualTo(409);
    assertThat(r.error().path("code").asText()).isEqualTo("flow_not_active");
    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();
  }

  // --- webhook ---

  private String webhookFlow(String name, String status, Map<String, Object> trigger) {
    return Flows.create(
        admin, f.ws(), Flows.flow(name, status, trigger, List.of(echo("a", "/echo/hook"))));
  }

  private String hookPath(String flow) {
    String url =
        Flows.get(admin, f.ws(), flow).path("attributes").path("trigger").path("url").asText();
    assertThat(url).contains("/hooks/");
    return url.substring(url.indexOf("/hooks/"));
  }

  private Api.Response call(
      String path, String method, String contentType, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(java.net.URI.create(credflow().server().baseUrl() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return admin.send(b);
  }

  private JsonNode hookMessage(Api.Response accepted) {
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
    JsonNode done = Flows.awaitRun(admin, f.ws(), accepted.id(), "succeeded", "failed");
    assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.path("attributes").path("trigger").asText()).isEqualTo("webhook");
    assertThat(done.path("attributes").path("request_id").asText())
        .isEqualTo(accepted.header("X-Request-Id").orElseThrow());
    return done.path("attributes").path("message").path("body");
  }

  @Test
  void hookWhenUnsignedJsonWithQueryThen202AndRunGetsMethodMaskedHeadersQueryAndBody() {
    String flow = webhookFlow("hook json", "active", Map.of("type", "webhook"));
    JsonNode shown = Flows.get(admin, f.ws(), flow).path("attributes").path("trigger");
    assertThat(shown.path("signed").asBoolean(true)).isFalse();

    Api.Response r =
        call(
            hookPath(flow) + "?a=1&b=x&b=y",
            "PUT",
            "application/json",
            "{\"n\":5,\"s\":\"ü\"}",
            "Authorization",
            "Bearer caller-token-123",
            "Cookie",
            "sid=abc",
            "X-Custom",
            "kept");

    JsonNode body = hookMessage(r);
    assertThat(r.data().path("type").asText()).isEqualTo("run");
    assertThat(body.path("method").asText()).isEqualTo("PUT");
    assertThat(body.path("query").path("a").asText()).isEqualTo("1");
    assertThat(body.path("query").path("b")).hasSize(2);
    assertThat(body.path("body").path("n").asInt()).isEqualTo(5);
    assertThat(body.path("body").path("s").asText()).isEqualTo("ü");
    assertThat(body.path("headers").path("authorization").asText()).isEqualTo(Secret.MASK);
    assertThat(body.path("headers").path("cookie").asText()).isEqualTo(Secret.MASK);
    assertThat(body.path("headers").path("x-custom").asText()).isEqualTo("kept");
    assertThat(Flows.run(admin, f.ws(), r.id()).text())
        .doesNotContain("caller-token-123", "sid=abc");
  }

  @Test
  void hookWhenFormBodyThenMessageBodyIsAnObjectOfFields() {
    String flow = webhookFlow("hook form", "active", Map.of("type", "webhook"));

    JsonNode body =
        hookMessage(
            call(hookPath(flow), "POST", "application/x-www-form-urlencoded", "a=1&b=two+words&c"));

    assertThat(body.path("body").path("a").asText()).isEqualTo("1");
    assertThat(body.path("body").path("b").asText()).isEqualTo("two words");
    assertThat(body.path("body").path("c").asText()).isEmpty();
  }

  @Test
  void hookWhenTextBodyThenMessageBodyIsTheText() {
    String flow = webhookFlow("hook text", "active", Map.of("type", "webhook"));

    JsonNode body = hookMessage(call(hookPath(flow), "POST", "text/plain", "hello wörld"));

    assertThat(body.path("method").asText()).isEqualTo("POST");
    assertThat(body.path("body").asText()).isEqualTo("hello wörld");
  }

  @Test
  void hookWhenJsonBodyIsNotJsonThen400AndNoRun() {
    String flow = webhookFlow("hook bad json", "active", Map.of("type", "webhook"));

    Api.Response r = call(hookPath(flow), "POST", "application/json", "{not json");

    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.error().path("code").asText()).isEqualTo("invalid_json");
    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();
  }

  @Test
  void hookWhenBodyIsLargerThanOneMebibyteThen413AndNoRun() {
    String flow = webhookFlow("hook too large", "active", Map.of("type", "webhook"));

    Api.Response r = call(hookPath(flow), "POST", "text/plain", "x".repeat((1 << 20) + 1));

    assertThat(r.status()).as(r.text()).isEqualTo(413);
    assertThat(r.error().path("status").asText()).isEqualTo("413");
    assertThat(r.text()).doesNotContain("Exception", "at io.");
    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();
  }

  private static String hmac(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private String signedFlow(String name) {
    return webhookFlow(
        name,
        "active",
        Map.of("type", "webhook", "signatureHeader", "X-Signature", "secret", SECRET));
  }

  @Test
  void hookWhenSignedAndSignatureRightThen202WithOrWithoutPrefixAndSignatureMasked() {
    String flow = signedFlow("signed ok");
    Api.Response shown = admin.get("/v2/workspaces/" + f.ws() + "/flows/" + flow);
    assertThat(shown.attributes().path("trigger").path("signed").asBoolean()).isTrue();
    assertThat(shown.attributes().path("trigger").has("secret")).isFalse();
    assertThat(shown.text()).doesNotContain(SECRET);
    String body = "{\"event\":\"paid\"}";

    JsonNode plain =
        hookMessage(
            call(
                hookPath(flow),
                "POST",
                "application/json",
                body,
                "X-Signature",
                hmac(SECRET, body)));
    JsonNode prefixed =
        hookMessage(
            call(
                hookPath(flow),
                "POST",
                "application/json",
                body,
                "X-Signature",
                "sha256=" + hmac(SECRET, body).toUpperCase(java.util.Locale.ROOT)));

    assertThat(plain.path("body").path("event").asText()).isEqualTo("paid");
    assertThat(plain.path("headers").path("x-signature").asText()).isEqualTo(Secret.MASK);
    assertThat(prefixed.path("body").path("event").asText()).isEqualTo("paid");
    assertThat(Flows.runs(admin, f.ws(), flow)).hasSize(2);
  }

  @Test
  void hookWhenSignatureWrongOrMissingThen403AndNoRun() {
    String flow = signedFlow("signed bad");
    String body = "{\"event\":\"paid\"}";

    List<Api.Response> refused = new ArrayList<>();
    refused.add(call(hookPath(flow), "POST", "application/json", body));
    refused.add(
        call(
            hookPath(flow),
            "POST",
            "application/json",
            body,
            "X-Signature",
            hmac("another-secret-0123456", body)));
    refused.add(
        call(
            hookPath(flow),
            "POST",
            "application/json",
            body + " ",
            "X-Signature",
            hmac(SECRET, body)));
    refused.add(call(hookPath(flow), "POST", "application/json", body, "X-Signature", "sha256=zz"));

    for (Api.Response r : refused) {
      assertThat(r.status()).as(r.text()).isEqualTo(403);
      assertThat(r.body().path("errors").isArray()).as(r.text()).isTrue();
    }
    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();
    assertThat(upstream.count("/echo/hook")).isZero();
  }

  @Test
  void hookWhenFlowInactiveThen409AndNoRun() {
    String flow = webhookFlow("hook inactive", "inactive", Map.of("type", "webhook"));

    Api.Response r = call(hookPath(flow), "POST", "application/json", "{}");

    assertThat(r.status()).as(r.text()).isEqualTo(409);
    assertThat(r.error().path("code").asText()).isEqualTo("flow_not_active");
    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();
  }

  @Test
  void hookWhenUnknownOrMalformedIdThen404() {
    for (String path :
        List.of("/hooks/" + "ab".repeat(24), "/hooks/xyz", "/hooks/" + "AB".repeat(24))) {
      Api.Response r = call(path, "POST", "application/json", "{}");

      assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(404);
      assertThat(r.error().path("code").asText()).isEqualTo("not_found");
    }
  }

  @Test
  void hookWhenFlowIsManualThen404() {
    String flow =
        Flows.create(
            admin, f.ws(), Flows.activeManual("not a hook", List.of(echo("a", "/echo/m"))));
    String hook = hookFromDatabase(flow);

    Api.Response r = call("/hooks/" + hook, "POST", "application/json", "{}");

    assertThat(r.status()).as(r.text()).isEqualTo(404);
    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();
  }

  private String hookFromDatabase(String flow) {
    return f.jdbc()
        .queryOne("SELECT hook_id FROM flows WHERE id = ?", rs -> rs.getString("hook_id"), flow)
        .orElseThrow();
  }

  // --- schedule ---

  @Test
  void scheduleWhenClockPassesEachFiringThenExactlyOneRunPerFiring() {
    Instant firstFiring = time.now().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
    String flow =
        f.createTimed(
            Flows.flow(
                "hourly",
                "active",
                Map.of("type", "schedule", "cron", "0 0 * * * *", "timeZone", "Europe/Berlin"),
                List.of(echo("a", "/echo/scheduled"))));
    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();

    time.clock().set(firstFiring.plusSeconds(1));
    Flows.eventually("the first firing's run", () -> Flows.runs(admin, f.ws(), flow).size() == 1);
    // Its step ends before the clock jumps an hour: a step still held by this process would look
    // dead to db-scheduler (no heartbeat for an hour of the clock) and be run again.
    Flows.awaitRun(
        admin,
        f.ws(),
        Flows.runs(admin, f.ws(), flow).get(0).path("id").asText(),
        "succeeded",
        "failed");
    // The run is there before db-scheduler reschedules the trigger from the clock's time: move
    // the clock again only after that, or the next firing is computed from the later time.
    Flows.eventually(
        "the trigger rescheduled to the next hour",
        () -> nextFiring(flow).equals(Optional.of(firstFiring.plus(1, ChronoUnit.HOURS))));
    time.clock().set(firstFiring.plus(1, ChronoUnit.HOURS).plusSeconds(1));
    try {
      Flows.eventually(
          "the second firing's run", () -> Flows.runs(admin, f.ws(), flow).size() >= 2);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; clock " + time.now() + "; " + tasks(), e);
    }

    JsonNode runs = Flows.runs(admin, f.ws(), flow);
    assertThat(runs).hasSize(2);
    List<String> firedAt = new ArrayList<>();
    for (JsonNode run : runs) {
      JsonNode done = Flows.awaitRun(admin, f.ws(), run.path("id").asText(), "succeeded", "failed");
      assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
      assertThat(done.path("attributes").path("trigger").asText()).isEqualTo("schedule");
      assertThat(done.path("attributes").path("request_id").isNull())
          .as("no request started a firing: " + done)
          .isTrue();
      firedAt.add(done.path("attributes").path("message").path("body").path("firedAt").asText());
    }
    assertThat(firedAt)
        .containsExactlyInAnyOrder(
            firstFiring.toString(), firstFiring.plus(1, ChronoUnit.HOURS).toString());
    assertThat(upstream.count("/echo/scheduled")).isEqualTo(2);
  }

  /** db-scheduler's rows as they are, for a failure's message. */
  private String tasks() {
    return f.jdbc()
        .query(
            "SELECT task_name, task_instance, execution_time, picked, picked_by, last_heartbeat,"
                + " consecutive_failures FROM scheduled_tasks ORDER BY execution_time",
            rs ->
                rs.getString("task_name")
                    + "/"
                    + rs.getString("task_instance")
                    + " at "
                    + Jdbc.instant(rs, "execution_time")
                    + (rs.getBoolean("picked")
                        ? " picked by "
                            + rs.getString("picked_by")
                            + " beat "
                            + Jdbc.optionalInstant(rs, "last_heartbeat")
                        : "")
                    + " failures "
                    + rs.getInt("consecutive_failures"))
        .toString();
  }

  /** When the flow's timed trigger fires next, once no process holds it. */
  private Optional<Instant> nextFiring(String flow) {
    return f.jdbc()
        .queryOne(
            "SELECT execution_time FROM scheduled_tasks WHERE task_name = 'flow-trigger'"
                + " AND task_instance = ? AND picked = FALSE",
            rs -> Jdbc.instant(rs, "execution_time"),
            flow);
  }

  @Test
  void scheduleWhenFlowInactiveThenClockPassingFiresNothing() {
    String flow =
        f.createTimed(
            Flows.flow(
                "never",
                "inactive",
                Map.of("type", "schedule", "cron", "0 * * * * *"),
                List.of(echo("a", "/echo/inactive-schedule"))));

    time.advance(java.time.Duration.ofMinutes(3));
    // The trigger's task is not there at all: nothing to fire, whatever the clock says.
    assertThat(
            f.jdbc()
                .queryOne(
                    "SELECT COUNT(*) AS n FROM scheduled_tasks WHERE task_name = 'flow-trigger'"
                        + " AND task_instance = ?",
                    rs -> rs.getInt("n"),
                    flow)
                .orElseThrow())
        .isZero();
    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();
  }

  // --- poll ---

  @Test
  void pollWhenClockPassesCronThenResultIsTheRunsFirstBody() {
    Instant firing = time.now().truncatedTo(ChronoUnit.MINUTES).plus(5, ChronoUnit.MINUTES);
    Map<String, Object> next = get(upstream.url("/echo/after-poll"));
    ExecutorWorkspace.reader(next)
        .put("url", "\"" + upstream.url("/echo/after-poll") + "?from=\" & body.responseBody.path");
    String flow =
        f.createTimed(
            Flows.flow(
                "poller",
                "active",
                Map.of(
                    "type",
                    "poll",
                    "cron",
                    "0 */5 * * * *",
                    "credential",
                    Map.of("id", w.basic()),
                    "config",
                    get(upstream.url("/echo/polled"))),
                List.of(Flows.step("next", w.component(), w.noauth(), next))));

    time.clock().set(firing.plusSeconds(1));
    Flows.eventually("the poll's run", () -> Flows.runs(admin, f.ws(), flow).size() == 1);

    String run = Flows.runs(admin, f.ws(), flow).get(0).path("id").asText();
    JsonNode done = Flows.awaitRun(admin, f.ws(), run, "succeeded", "failed");
    assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.path("attributes").path("trigger").asText()).isEqualTo("poll");
    assertThat(done.path("attributes").path("request_id").isNull()).as(done.toString()).isTrue();
    JsonNode first = done.path("attributes").path("message").path("body");
    assertThat(first.path("statusCode").asInt()).isEqualTo(200);
    assertThat(first.path("responseBody").path("path").asText()).isEqualTo("/echo/polled");
    assertThat(upstream.requests("/echo/polled").get(0).firstHeader("Authorization"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic "));
    assertThat(upstream.requests("/echo/after-poll").get(0).queryParam("from"))
        .hasValue("/echo/polled");
    assertThat(Flows.runs(admin, f.ws(), flow)).hasSize(1);
  }

  @Test
  void pollWhenRequestFailsThenPollFailedEventAndNoRun() {
    Instant firing = time.now().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    Map<String, Object> failing = get(upstream.url("/status/500?body=down"));
    failing.put("errorPolicy", "throwError");
    String flow =
        f.createTimed(
            Flows.flow(
                "failing poller",
                "active",
                Map.of(
                    "type",
                    "poll",
                    "cron",
                    "0 * * * * *",
                    "timeZone",
                    "UTC",
                    "credential",
                    Map.of("id", w.noauth()),
                    "config",
                    failing),
                List.of(echo("a", "/echo/never-polled"))));

    time.clock().set(firing.plusSeconds(1));
    Flows.eventually("a flow.poll_failed event", () -> pollFailed(flow).isPresent());

    JsonNode event = pollFailed(flow).orElseThrow();
    assertThat(event.path("attributes").path("detail").asText()).contains("Got error");
    assertThat(event.path("relationships").path("credential").path("data").path("id").asText())
        .isEqualTo(w.noauth());
    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();
    assertThat(upstream.count("/echo/never-polled")).isZero();
  }

  private java.util.Optional<JsonNode> pollFailed(String flow) {
    Api.Response events =
        admin.get("/v2/workspaces/" + f.ws() + "/events?filter[credential]=" + w.noauth());
    assertThat(events.status()).as(events.text()).isEqualTo(200);
    for (JsonNode e : events.body().path("data")) {
      if (e.path("attributes").path("type").asText().equals("flow.poll_failed")
          && e.path("attributes").path("detail").asText().contains(flow)) {
        return java.util.Optional.of(e);
      }
    }
    return java.util.Optional.empty();
  }
}
