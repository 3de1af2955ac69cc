package io.credflow.flow;

import static io.credflow.flow.FlowFixture.status;
import static io.credflow.flow.FlowFixture.step;
import static io.credflow.testing.ExecutorWorkspace.get;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.logging.LogOutput;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.ManualTime;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.upstream.Received;
import io.credflow.testing.upstream.Upstream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A flow's life beyond one run: versions that runs keep, a step's {@code delay} across runs,
 * credentials that active flows use, secrets kept out of what the API shows, and the flow metrics.
 * Subclasses name the database.
 */
abstract class FlowLifecycleContract {
  abstract CredflowExtension credflow();

  private final FlowFixture f = new FlowFixture(credflow());
  private final Api admin = f.admin();
  private final ExecutorWorkspace w = f.w();
  private final Upstream upstream = credflow().upstream();
  private final ManualTime time = credflow().time();

  private Map<String, Object> noauth(String id, String path) {
    return Flows.step(id, w.component(), w.noauth(), get(upstream.url(path)));
  }

  private Map<String, Object> rebounding(String id, String path) {
    Map<String, Object> config = get(upstream.url(path));
    config.put("errorPolicy", "rebound");
    config.put("errorCodes", "503");
    return Flows.step(id, w.component(), w.noauth(), config);
  }

  private JsonNode ended(String run) {
    return Flows.awaitRun(admin, f.ws(), run, "succeeded", "failed", "cancelled");
  }

  private JsonNode patched(String flow, Map<String, Object> attributes) {
    Api.Response r = Flows.patch(admin, f.ws(), flow, attributes);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.data();
  }

  /** {@code PUT …/flows/{id}/draft} with a manual trigger and {@code steps}. */
  private Api.Response putDraft(String flow, List<?> steps) {
    return admin.put(
        "/v2/workspaces/" + f.ws() + "/flows/" + flow + "/draft",
        Resource.of("flow-draft")
            .id(flow)
            .attributes(Map.of("trigger", Flows.manual(), "steps", steps))
            .build());
  }

  private static int version(JsonNode flow) {
    return flow.path("attributes").path("version").asInt();
  }

  // --- versions ---

  @Test
  void patchWhenStepsChangeThenNewVersionAndARunStartedBeforeKeepsItsVersion() {
    String flow =
        Flows.create(
            admin,
            f.ws(),
            Flows.activeManual(
                "versions",
                List.of(rebounding("gate", "/flaky/versions?fail=1"), noauth("send", "/echo/v1"))));
    assertThat(version(Flows.get(admin, f.ws(), flow))).isEqualTo(1);
    String before = Flows.start(admin, f.ws(), flow, Map.of());
    Flows.awaitRun(
        admin,
        f.ws(),
        before,
        r -> step(r, 0).path("status").asText().equals("waiting"),
        "the gate step waiting");

    JsonNode v2 =
        patched(
            flow,
            Map.of(
                "steps",
                List.of(rebounding("gate", "/flaky/versions?fail=1"), noauth("send", "/echo/v2"))));
    assertThat(version(v2)).isEqualTo(2);
    time.advance(FlowFixture.FIRST_REBOUND);
    JsonNode old = ended(before);
    String after = Flows.start(admin, f.ws(), flow, Map.of());
    JsonNode current = ended(after);

    assertThat(status(old)).as(old.toString()).isEqualTo("succeeded");
    assertThat(old.path("attributes").path("flow_version").asInt()).isEqualTo(1);
    assertThat(status(current)).as(current.toString()).isEqualTo("succeeded");
    assertThat(current.path("attributes").path("flow_version").asInt()).isEqualTo(2);
    assertThat(upstream.count("/echo/v1")).isEqualTo(1);
    assertThat(upstream.count("/echo/v2")).isEqualTo(1);
    assertThat(upstream.requests("/echo/v1").get(0).arrived())
        .isBefore(upstream.requests("/echo/v2").get(0).arrived().plusNanos(1));
  }

  @Test
  void patchWhenOnlyNameOrStatusChangesThenVersionStays() {
    String flow =
        Flows.create(
            admin, f.ws(), Flows.activeManual("renamed", List.of(noauth("a", "/echo/rename"))));
    JsonNode v2 = patched(flow, Map.of("steps", List.of(noauth("a", "/echo/rename2"))));
    assertThat(version(v2)).isEqualTo(2);

    JsonNode renamed = patched(flow, Map.of("name", "renamed again"));
    JsonNode inactive = patched(flow, Map.of("status", "inactive"));
    JsonNode active = patched(flow, Map.of("status", "active", "name", "third name"));

    assertThat(renamed.path("attributes").path("name").asText()).isEqualTo("renamed again");
    assertThat(version(renamed)).isEqualTo(2);
    assertThat(inactive.path("attributes").path("status").asText()).isEqualTo("inactive");
    assertThat(version(inactive)).isEqualTo(2);
    assertThat(version(active)).isEqualTo(2);
    assertThat(version(Flows.get(admin, f.ws(), flow))).isEqualTo(2);
    JsonNode trigger = patched(flow, Map.of("trigger", Map.of("type", "webhook")));
    assertThat(version(trigger)).isEqualTo(3);
    assertThat(trigger.path("attributes").path("trigger").path("url").asText()).contains("/hooks/");
  }

  @Test
  void draftWhenSavedThenRunsKeepThePublishedVersionUntilPublishMakesTheNextOne() {
    String flow =
        Flows.create(
            admin, f.ws(), Flows.activeManual("drafted", List.of(noauth("a", "/echo/live"))));
    String path = "/v2/workspaces/" + f.ws() + "/flows/" + flow;
    assertThat(admin.get(path + "/draft").status()).isEqualTo(404);
    Api.Response refused = admin.post(path + "/publish", "");
    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    assertThat(refused.error().path("code").asText()).isEqualTo("no_draft");

    Api.Response bad = putDraft(flow, List.of(Map.of("id", "a")));
    assertThat(bad.status()).as(bad.text()).isEqualTo(422);
    assertThat(bad.text()).contains("/data/attributes/steps/0/");
    assertThat(admin.get(path + "/draft").status()).isEqualTo(404);

    Api.Response saved =
        putDraft(flow, List.of(noauth("a", "/echo/first"), noauth("b", "/echo/second")));
    assertThat(saved.status()).as(saved.text()).isEqualTo(200);
    assertThat(saved.attributes().path("base_version").asInt()).isEqualTo(1);
    assertThat(saved.attributes().path("steps")).hasSize(2);
    JsonNode draft = admin.get(path + "/draft").data();
    assertThat(draft.path("attributes").path("steps").get(1).path("id").asText()).isEqualTo("b");

    JsonNode live = ended(Flows.start(admin, f.ws(), flow, Map.of()));
    assertThat(status(live)).as(live.toString()).isEqualTo("succeeded");
    assertThat(live.path("attributes").path("flow_version").asInt()).isEqualTo(1);
    assertThat(upstream.count("/echo/live")).isEqualTo(1);
    assertThat(upstream.count("/echo/first")).isZero();
    assertThat(version(Flows.get(admin, f.ws(), flow))).isEqualTo(1);

    Api.Response published = admin.post(path + "/publish", "");
    assertThat(published.status()).as(published.text()).isEqualTo(200);
    assertThat(version(published.data())).isEqualTo(2);
    assertThat(published.attributes().path("steps")).hasSize(2);
    assertThat(admin.get(path + "/draft").status()).isEqualTo(404);
    JsonNode next = ended(Flows.start(admin, f.ws(), flow, Map.of()));
    assertThat(status(next)).as(next.toString()).isEqualTo("succeeded");
    assertThat(next.path("attributes").path("flow_version").asInt()).isEqualTo(2);
    assertThat(upstream.count("/echo/first")).isEqualTo(1);
    assertThat(upstream.count("/echo/second")).isEqualTo(1);

    assertThat(putDraft(flow, List.of(noauth("a", "/echo/discarded"))).status()).isEqualTo(200);
    assertThat(admin.delete(path + "/draft").status()).isEqualTo(204);
    assertThat(admin.delete(path + "/draft").status()).isEqualTo(409);
    assertThat(version(Flows.get(admin, f.ws(), flow))).isEqualTo(2);
  }

  // --- delay ---

  @Test
  void delayWhenSeveralRunsThenTheStepStartsAtLeastDelayApartAndTheFirstIsNotDelayed() {
    Duration delay = Duration.ofSeconds(10);
    Map<String, Object> config = get(upstream.url("/echo/paced"));
    config.put("delay", delay.toMillis());
    String flow =
        Flows.create(
            admin,
            f.ws(),
            Flows.activeManual(
                "paced", List.of(Flows.step("paced", w.component(), w.noauth(), config))));
    Instant t0 = time.now();

    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(Flows.start(admin, f.ws(), flow, Map.of("i", i)));
    }
    List<Instant> turns = new ArrayList<>();
    for (String run : runs) {
      JsonNode r =
          Flows.awaitRun(
              admin,
              f.ws(),
              run,
              x ->
                  status(x).equals("succeeded")
                      || step(x, 0).path("status").asText().equals("waiting"),
              "the step sent or waiting for its turn");
      if (!status(r).equals("succeeded")) {
        turns.add(Instant.parse(step(r, 0).path("not_before").asText()));
      }
    }
    assertThat(upstream.count("/echo/paced")).isEqualTo(1);
    assertThat(turns).containsExactlyInAnyOrder(t0.plus(delay), t0.plus(delay.multipliedBy(2)));

    time.advance(delay);
    Flows.eventually("the second start", () -> upstream.count("/echo/paced") == 2);
    time.advance(delay);
    Flows.eventually("the third start", () -> upstream.count("/echo/paced") == 3);

    for (String run : runs) {
      assertThat(status(ended(run))).isEqualTo("succeeded");
    }
    List<Instant> arrived =
        upstream.requests("/echo/paced").stream().map(Received::arrived).toList();
    assertThat(arrived.get(0)).isEqualTo(t0);
    for (int i = 1; i < arrived.size(); i++) {
      assertThat(Duration.between(arrived.get(i - 1), arrived.get(i)))
          .isGreaterThanOrEqualTo(delay);
    }
  }

  // --- credentials in use ---

  @Test
  void deleteCredentialWhenAnActiveFlowUsesItThen409NamingTheFlowAndAllowedOnceInactive() {
    String credential = w.oauthCredential(credflow().provider().issueTokens("read"), 3600);
    String flow =
        Flows.create(
            admin,
            f.ws(),
            Flows.activeManual(
                "uses oauth",
                List.of(Flows.step("a", w.component(), credential, get(upstream.url("/echo/o"))))));
    String path = "/v2/workspaces/" + f.ws() + "/credentials/" + credential;

    Api.Response refused = admin.delete(path);

    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    assertThat(refused.error().path("code").asText()).isEqualTo("credential_in_use");
    assertThat(refused.error().path("detail").asText()).contains(flow).contains("uses oauth");
    assertThat(admin.get(path).status()).isEqualTo(200);
    patched(flow, Map.of("status", "inactive"));
    Api.Response deleted = admin.delete(path);
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
  }

  @Test
  void activateWhenACredentialNeedsReauthOrIsInErrorThen422AtItAndNothingChanges() {
    for (String state : List.of("needs_reauth", "error")) {
      String credential = w.oauthCredential(credflow().provider().issueTokens("read"), 3600);
      f.jdbc().update("UPDATE credentials SET state = ? WHERE id = ?", state, credential);
      List<Map<String, Object>> steps =
          List.of(
              noauth("fine", "/echo/fine"),
              Flows.step("a", w.component(), credential, get(upstream.url("/echo/x"))));
      int before = listed();

      Api.Response refused =
          admin.post("/v2/workspaces/" + f.ws() + "/flows", Flows.activeManual("unusable", steps));
      assertThat(refused.status()).as(refused.text()).isEqualTo(422);
      assertThat(refused.error().path("code").asText()).isEqualTo("credential_unusable");
      assertThat(refused.error().path("source").path("pointer").asText())
          .isEqualTo("/data/attributes/steps/1/credential/id");
      assertThat(listed()).isEqualTo(before);

      String draft =
          Flows.create(admin, f.ws(), Flows.flow("draft " + state, "draft", Flows.manual(), steps));
      Api.Response activate = Flows.patch(admin, f.ws(), draft, Map.of("status", "active"));
      assertThat(activate.status()).as(activate.text()).isEqualTo(422);
      assertThat(activate.error().path("source").path("pointer").asText())
          .isEqualTo("/data/attributes/steps/1/credential/id");
      JsonNode kept = Flows.get(admin, f.ws(), draft);
      assertThat(kept.path("attributes").path("status").asText()).isEqualTo("draft");
      assertThat(version(kept)).isEqualTo(1);

      // A draft may use it (it is being designed); publishing it may not, whatever the status.
      String path = "/v2/workspaces/" + f.ws() + "/flows/" + draft;
      Api.Response saved = putDraft(draft, steps);
      assertThat(saved.status()).as(saved.text()).isEqualTo(200);
      Api.Response published = admin.post(path + "/publish", "");
      assertThat(published.status()).as(published.text()).isEqualTo(422);
      assertThat(published.error().path("code").asText()).isEqualTo("credential_unusable");
      assertThat(published.error().path("source").path("pointer").asText())
          .isEqualTo("/data/attributes/steps/1/credential/id");
      assertThat(version(Flows.get(admin, f.ws(), draft))).isEqualTo(1);
      assertThat(admin.get(path + "/draft").status()).isEqualTo(200);
    }
  }

  private int listed() {
    Api.Response r = admin.get("/v2/workspaces/" + f.ws() + "/flows?page[size]=100");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.body().path("data").size();
  }

  // --- secrets ---

  @Test
  void runWhenUpstreamEchoesCredentialsThenNoSecretAppearsInTheRunOrItsList() {
    String flow =
        Flows.create(
            admin,
            f.ws(),
            Flows.activeManual(
                "secrets",
                List.of(
                    Flows.step("basic", w.component(), w.basic(), get(upstream.url("/echo/s1"))),
                    Flows.step(
                        "header", w.component(), w.apiKeyHeader(), get(upstream.url("/echo/s2"))),
                    Flows.step(
                        "query", w.component(), w.apiKeyQuery(), get(upstream.url("/echo/s3"))))));
    String run = Flows.start(admin, f.ws(), flow, Map.of());
    JsonNode done = ended(run);
    assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
    assertThat(upstream.requests("/echo/s2").get(0).firstHeader(ExecutorWorkspace.HEADER_KEY_NAME))
        .hasValue(ExecutorWorkspace.HEADER_KEY);
    assertThat(upstream.requests("/echo/s3").get(0).queryParam(ExecutorWorkspace.QUERY_KEY_NAME))
        .hasValue(ExecutorWorkspace.QUERY_KEY);

    String basic =
        Base64.getEncoder()
            .encodeToString(
                (ExecutorWorkspace.BASIC_USER + ":" + ExecutorWorkspace.BASIC_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
    for (String shown :
        List.of(
            Flows.run(admin, f.ws(), run).text(),
            admin.get("/v2/workspaces/" + f.ws() + "/flows/" + flow + "/runs").text())) {
      assertThat(shown)
          .doesNotContain(ExecutorWorkspace.BASIC_PASSWORD)
          .doesNotContain(basic)
          .doesNotContain(ExecutorWorkspace.HEADER_KEY)
          .doesNotContain(ExecutorWorkspace.QUERY_KEY);
    }
  }

  @Test
  void runWhenStartedByARequestThenItKeepsTheRequestIdAndItsStepsLogLinesNameItAndTheRun() {
    String flow =
        Flows.create(
            admin,
            f.ws(),
            Flows.activeManual(
                "traced",
                List.of(noauth("first", "/echo/traced-1"), noauth("second", "/echo/traced-2"))));
    Logger engine = (Logger) LoggerFactory.getLogger(FlowEngine.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Level level = engine.getLevel();
    engine.setLevel(Level.DEBUG);
    engine.addAppender(lines);
    String run;
    try {
      Api.Response started =
          admin.send(
              admin
                  .builder("/v2/workspaces/" + f.ws() + "/flows/" + flow + "/runs")
                  .header("Content-Type", "application/vnd.api+json")
                  .header("X-Request-Id", "lb-7f3a-traced")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Resource.of("run")
                              .attributes(Map.of("message", Map.of("body", Map.of())))
                              .build()
                              .toString())));
      assertThat(started.status()).as(started.text()).isEqualTo(202);
      run = started.id();
      JsonNode done = ended(run);
      assertThat(status(done)).as(done.toString()).isEqualTo("succeeded");
      assertThat(done.path("attributes").path("request_id").asText()).isEqualTo("lb-7f3a-traced");
    } finally {
      engine.detachAppender(lines);
      engine.setLevel(level);
    }
    List<ILoggingEvent> steps =
        lines.list.stream()
            .filter(e -> e.getFormattedMessage().contains(" of run " + run))
            .toList();
    assertThat(steps).extracting(ILoggingEvent::getFormattedMessage).hasSize(2);
    assertThat(steps)
        .allSatisfy(
            e ->
                assertThat(e.getMDCPropertyMap())
                    .containsEntry(LogOutput.REQUEST_ID, "lb-7f3a-traced")
                    .containsEntry(LogOutput.RUN_ID, run));

    // A run no request started (here a second one without the header gets a generated id; a
    // schedule's firing has none) names its own id, never another run's.
    String other = Flows.start(admin, f.ws(), flow, Map.of());
    JsonNode second = ended(other);
    assertThat(second.path("attributes").path("request_id").asText())
        .isNotEmpty()
        .isNotEqualTo("lb-7f3a-traced");
  }

  @Test
  void flowWhenWebhookHasASecretThenNoRepresentationShowsIt() {
    String secret = "lifecycle-webhook-secret-42";
    Api.Response created =
        admin.post(
            "/v2/workspaces/" + f.ws() + "/flows",
            Flows.flow(
                "signed",
                "draft",
                Map.of(
                    "type", "webhook", "signatureHeader", "X-Hub-Signature-256", "secret", secret),
                List.of(noauth("a", "/echo/signed"))));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String flow = created.id();
    Api.Response renamed = Flows.patch(admin, f.ws(), flow, Map.of("name", "signed renamed"));
    Api.Response newSteps =
        Flows.patch(admin, f.ws(), flow, Map.of("steps", List.of(noauth("b", "/echo/signed"))));

    for (Api.Response r :
        List.of(
            created,
            renamed,
            newSteps,
            admin.get("/v2/workspaces/" + f.ws() + "/flows/" + flow),
            admin.get("/v2/workspaces/" + f.ws() + "/flows"))) {
      assertThat(r.status()).as(r.text()).isIn(200, 201);
      assertThat(r.text()).doesNotContain(secret);
    }
    JsonNode trigger = Flows.get(admin, f.ws(), flow).path("attributes").path("trigger");
    assertThat(trigger.path("signed").asBoolean()).isTrue();
    assertThat(trigger.path("signatureHeader").asText()).isEqualTo("X-Hub-Signature-256");
    assertThat(trigger.has("secret")).isFalse();
  }

  // --- metrics ---

  @Test
  void metricsWhenRunsEndedThenCountersStepDurationAndQueueDepthAreScraped() {
    String ok =
        Flows.create(
            admin, f.ws(), Flows.activeManual("metrics ok", List.of(noauth("a", "/echo/m"))));
    Map<String, Object> failing = get(upstream.url("/status/500"));
    failing.put("errorPolicy", "throwError");
    String bad =
        Flows.create(
            admin,
            f.ws(),
            Flows.activeManual(
                "metrics bad", List.of(Flows.step("a", w.component(), w.noauth(), failing))));
    assertThat(status(ended(Flows.start(admin, f.ws(), ok, Map.of())))).isEqualTo("succeeded");
    assertThat(status(ended(Flows.start(admin, f.ws(), bad, Map.of())))).isEqualTo("failed");

    Api.Response scraped = admin.get("/metrics");

    assertThat(scraped.status()).as(scraped.text()).isEqualTo(200);
    String text = scraped.text();
    assertThat(sample(text, "credflow_flow_runs_started_total", "trigger=\"manual\""))
        .isGreaterThanOrEqualTo(2);
    assertThat(sample(text, "credflow_flow_runs_ended_total", "status=\"succeeded\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(sample(text, "credflow_flow_runs_ended_total", "status=\"failed\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(sample(text, "credflow_flow_step_duration_seconds_count", "outcome=\"succeeded\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(sample(text, "credflow_flow_step_duration_seconds_count", "outcome=\"failed\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(sample(text, "credflow_flow_queue_depth", "")).isGreaterThanOrEqualTo(0);
  }

  /** The value of the first sample of {@code name} whose labels contain {@code label}. */
  private static double sample(String scrape, String name, String label) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([-0-9.eE+NaInf]+)$")
            .matcher(scrape);
    while (m.find()) {
      if (m.group(1) == null ? label.isEmpty() : m.group(1).contains(label)) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError("no sample " + name + " with " + label + " in:\n" + flowLines(scrape));
  }

  private static String flowLines(String scrape) {
    return scrape.lines().filter(l -> l.contains("flow")).reduce("", (a, b) -> a + b + "\n");
  }
}
