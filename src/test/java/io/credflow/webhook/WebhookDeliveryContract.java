package io.credflow.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.common.Secret;
import io.credflow.flow.FlowEngine;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.ManualTime;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.upstream.Upstream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Event webhooks end to end against a real server and a real receiver ({@link WebhookReceiver}), on
 * manual time: a credential's event reaches the receiver signed, with the payload the docs promise
 * and no secret; a receiver that fails is tried again with backoff on the clock until it answers,
 * and every attempt is in the API; one that never answers is given up 24 h after the event; a
 * replayed or old signature is refused by the receiver; ping, retry, a failed run's event, and a
 * subscription that never sees another workspace's events. Subclasses name the database.
 */
abstract class WebhookDeliveryContract {
  private static final String SECRET = "receiver-secret-0123456789";

  abstract CredflowExtension credflow();

  /** The server of a webhook contract: manual time, db-scheduler polling every 50 ms. */
  static CredflowExtension server(boolean postgres, String label) {
    return CredflowExtension.database(postgres)
        .manualTime()
        .upstreamServer()
        .executorWorkspace(label)
        .configure(c -> c.flows(FlowEngine.Settings.defaults().withPolling(Duration.ofMillis(50))));
  }

  private final Api admin = credflow().admin();
  private final ExecutorWorkspace w = credflow().executorWorkspace();
  private final ManualTime time = credflow().time();
  private final Upstream upstream = credflow().upstream();
  private WebhookReceiver receiver;
  private final List<String> made = new ArrayList<>();

  @BeforeEach
  void startReceiver() {
    receiver = WebhookReceiver.start(time.clock(), Secret.of(SECRET));
  }

  @AfterEach
  void stopReceiverAndDeleteSubscriptions() {
    for (String path : made) {
      admin.delete(path);
    }
    receiver.close();
  }

  private String webhooks(String ws) {
    return "/v2/workspaces/" + ws + "/webhooks";
  }

  /** Subscribes {@code url} in {@code ws} to {@code types} with the receiver's secret. */
  private String subscribe(String ws, String url, List<String> types) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("url", url);
    a.put("event_types", types);
    a.put("secret", SECRET);
    Api.Response r = admin.post(webhooks(ws), Resource.of("webhook").attributes(a).build());
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    made.add(webhooks(ws) + "/" + r.id());
    return r.id();
  }

  private String noauthClient(String tenant, String component) {
    return AuthClients.noauth().tenant(tenant).components(component).create(admin);
  }

  private String credential(String name) {
    return w.credential(name, noauthClient(w.tenant(), w.component()), Map.of());
  }

  private JsonNode deliveries(String ws, String webhook) {
    Api.Response r = admin.get(webhooks(ws) + "/" + webhook + "/deliveries");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.body().path("data");
  }

  private static JsonNode attrs(JsonNode resource) {
    return resource.path("attributes");
  }

  /** Waits until the receiver got {@code n} requests; returns them. */
  private List<WebhookReceiver.Received> awaitReceived(int n) {
    try {
      Flows.eventually(n + " requests at the receiver", () -> receiver.received().size() >= n);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; clock " + time.now() + "; " + state(), e);
    }
    return receiver.received();
  }

  /** The deliveries and db-scheduler's rows as they are, for a failure's message. */
  private String state() {
    var jdbc = credflow().server().credflow().database().jdbc();
    return jdbc.query(
            "SELECT id, webhook_id, event_type, status, attempts, dispatch, next_attempt_at,"
                + " last_error FROM webhook_deliveries ORDER BY seq",
            rs ->
                rs.getString("id")
                    + " of "
                    + rs.getString("webhook_id")
                    + " "
                    + rs.getString("event_type")
                    + " "
                    + rs.getString("status")
                    + " attempts "
                    + rs.getInt("attempts")
                    + " dispatch "
                    + rs.getInt("dispatch")
                    + " next "
                    + rs.getString("next_attempt_at")
                    + " error "
                    + rs.getString("last_error"))
        + "; tasks "
        + jdbc.query(
            "SELECT task_name, task_instance, execution_time, picked, picked_by,"
                + " consecutive_failures FROM scheduled_tasks ORDER BY execution_time",
            rs ->
                rs.getString("task_name")
                    + "/"
                    + rs.getString("task_instance")
                    + " at "
                    + rs.getString("execution_time")
                    + " picked "
                    + rs.getBoolean("picked")
                    + " by "
                    + rs.getString("picked_by")
                    + " failures "
                    + rs.getInt("consecutive_failures"));
  }

  /** Waits until the only delivery of {@code webhook} has {@code attempts} attempts recorded. */
  private JsonNode awaitAttempts(String webhook, int attempts) {
    Flows.eventually(
        attempts + " attempts recorded",
        () -> {
          JsonNode d = deliveries(w.workspace(), webhook);
          return d.size() == 1 && attrs(d.get(0)).path("attempts").size() >= attempts;
        });
    return deliveries(w.workspace(), webhook).get(0);
  }

  @Test
  void eventWhenSubscribedThenReceiverVerifiesSignatureAndPayloadNamesTheCredentialWithoutSecret() {
    String hook = subscribe(w.workspace(), receiver.url(), List.of("credential.created"));
    String basicClient =
        AuthClients.basic().tenant(w.tenant()).components(w.component()).create(admin);
    String credential =
        w.credential(
            "webhook basic",
            basicClient,
            Map.of("username", "webhook-user", "password", "basic-password-4711"));

    WebhookReceiver.Received got = awaitReceived(1).get(0);

    assertThat(got.verified()).as(got.rejected().toString()).isTrue();
    assertThat(got.answered()).isEqualTo(204);
    assertThat(got.header("Content-Type")).startsWith("application/json");
    assertThat(got.header("User-Agent")).isEqualTo("Credflow-Webhooks");
    assertThat(got.header("Credflow-Event-Type")).isEqualTo("credential.created");
    assertThat(got.header("Credflow-Signature")).matches("t=\\d+,v1=[0-9a-f]{64}");
    JsonNode body = readJson(got.body());
    assertThat(body.path("id").asText()).isEqualTo(got.header("Credflow-Event-Id"));
    assertThat(body.path("type").asText()).isEqualTo("credential.created");
    assertThat(body.path("workspace").path("id").asText()).isEqualTo(w.workspace());
    assertThat(body.path("data").path("credential").path("id").asText()).isEqualTo(credential);
    assertThat(body.path("data").path("credential").path("name").asText())
        .isEqualTo("webhook basic");
    assertThat(body.path("data").path("credential").path("state").asText()).isEqualTo("ready");
    assertThat(body.path("data").path("detail").asText()).contains("credential created");
    assertThat(got.body()).doesNotContain("basic-password-4711");
    JsonNode delivery = awaitDelivered(hook);
    assertThat(attrs(delivery).path("event_id").asText()).isEqualTo(body.path("id").asText());
    assertThat(attrs(delivery).path("attempts")).hasSize(1);
    assertThat(attrs(delivery).path("attempts").get(0).path("status_code").asInt()).isEqualTo(204);
    assertThat(attrs(delivery).path("payload")).isEqualTo(body);
    Api.Response metrics = admin.get("/metrics");
    assertThat(metrics.text()).contains("credflow_webhook_deliveries_total{outcome=\"delivered\"}");
  }

  @Test
  void deliveryWhenNobodyListensThenTheAttemptSaysWhyAndItIsTriedAgainAfter30Seconds()
      throws java.io.IOException {
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String hook =
        subscribe(
            w.workspace(),
            "http://127.0.0.1:" + closedPort + "/gone",
            List.of("credential.created"));
    credential("nobody listens");

    JsonNode d = awaitAttempts(hook, 1);

    JsonNode attempt = attrs(d).path("attempts").get(0);
    assertThat(attempt.path("status_code").isNull()).isTrue();
    assertThat(attempt.path("error").asText()).contains("could not be reached");
    assertThat(attrs(d).path("status").asText()).isEqualTo("pending");
    assertThat(attrs(d).path("last_error").asText()).isEqualTo(attempt.path("error").asText());
    assertThat(Instant.parse(attrs(d).path("next_attempt_at").asText()))
        .isEqualTo(Instant.parse(attempt.path("at").asText()).plusSeconds(30));
  }

  private JsonNode awaitDelivered(String hook) {
    Flows.eventually(
        "the delivery recorded as delivered",
        () -> {
          JsonNode d = deliveries(w.workspace(), hook);
          return d.size() >= 1 && attrs(d.get(0)).path("status").asText().equals("delivered");
        });
    return deliveries(w.workspace(), hook).get(0);
  }

  @Test
  void deliveryWhenReceiverFailsTwiceThenRetriedAfter30And60SecondsOnTheClockAndDelivered() {
    receiver.failFirst(2);
    String hook = subscribe(w.workspace(), receiver.url(), List.of("credential.created"));
    credential("retried");

    JsonNode first = awaitAttempts(hook, 1);
    Instant firstAt = Instant.parse(attrs(first).path("attempts").get(0).path("at").asText());
    assertThat(attrs(first).path("status").asText()).isEqualTo("pending");
    assertThat(attrs(first).path("last_status_code").asInt()).isEqualTo(500);
    assertThat(attrs(first).path("next_attempt_at").asText())
        .isEqualTo(firstAt.plusSeconds(30).toString());
    // Not before its time: the clock stands still, so nothing more is tried.
    assertThat(receiver.received()).hasSize(1);

    time.advance(Duration.ofSeconds(30));
    JsonNode second = awaitAttempts(hook, 2);
    assertThat(attrs(second).path("next_attempt_at").asText())
        .isEqualTo(firstAt.plusSeconds(90).toString());

    time.advance(Duration.ofSeconds(60));
    JsonNode done = awaitDelivered(hook);

    JsonNode attempts = attrs(done).path("attempts");
    assertThat(attempts).hasSize(3);
    List<Integer> statuses = new ArrayList<>();
    List<Instant> at = new ArrayList<>();
    attempts.forEach(
        a -> {
          statuses.add(a.path("status_code").asInt());
          at.add(Instant.parse(a.path("at").asText()));
        });
    assertThat(statuses).containsExactly(500, 500, 204);
    assertThat(at).containsExactly(firstAt, firstAt.plusSeconds(30), firstAt.plusSeconds(90));
    assertThat(attrs(done).path("attempt_count").asInt()).isEqualTo(3);
    assertThat(attrs(done).path("next_attempt_at").isNull()).isTrue();
    List<WebhookReceiver.Received> got = receiver.received();
    assertThat(got).hasSize(3).allMatch(WebhookReceiver.Received::verified);
    // The same event each time, signed anew at each attempt.
    assertThat(got.stream().map(r -> r.header("Credflow-Event-Id")).distinct()).hasSize(1);
    assertThat(got.stream().map(WebhookReceiver.Received::body).distinct()).hasSize(1);
    assertThat(got.stream().map(r -> r.header("Credflow-Signature")).distinct()).hasSize(3);
  }

  @Test
  void deliveryWhenReceiverNeverSucceedsThenFailedOnceADayAfterTheEventPassed() {
    receiver.failFirst(Integer.MAX_VALUE);
    String hook = subscribe(w.workspace(), receiver.url(), List.of("credential.created"));
    credential("never");
    Instant start = time.now();

    int attempts = 1;
    JsonNode d = awaitAttempts(hook, 1);
    while (attrs(d).path("status").asText().equals("pending")) {
      Instant next = Instant.parse(attrs(d).path("next_attempt_at").asText());
      assertThat(next).isBeforeOrEqualTo(start.plus(Duration.ofHours(24)));
      time.clock().set(next);
      attempts++;
      d = awaitAttempts(hook, attempts);
    }

    assertThat(attrs(d).path("status").asText()).isEqualTo("failed");
    assertThat(attrs(d).path("last_error").asText())
        .contains("answered HTTP 500", "given up after " + attempts + " attempts");
    // 30 s doubling to the 1 h cap: 7 waits reach the cap, then hourly until the day is over.
    assertThat(attempts).isBetween(28, 30);
    assertThat(receiver.received()).hasSize(attempts);
  }

  @Test
  void replayWhenSignatureIsOlderThanFiveMinutesThenReceiverRefusesIt() {
    subscribe(w.workspace(), receiver.url(), List.of("credential.created"));
    credential("replayed");
    WebhookReceiver.Received original = awaitReceived(1).get(0);
    assertThat(original.verified()).isTrue();

    time.advance(Duration.ofMinutes(6));
    int answered = receiver.replay(original);

    assertThat(answered).isEqualTo(401);
    WebhookReceiver.Received replayed = receiver.received().get(1);
    assertThat(replayed.rejected()).hasValueSatisfying(r -> assertThat(r).contains("timestamp"));
    // A body changed on the way does not verify either, whatever the time.
    assertThat(
            Signature.verify(
                Secret.of(SECRET),
                original.header("Credflow-Signature"),
                original.body().replace("replayed", "forged"),
                time.now().minus(Duration.ofMinutes(6)),
                Signature.DEFAULT_TOLERANCE))
        .hasValueSatisfying(r -> assertThat(r).contains("does not match"));
  }

  @Test
  void subscriptionWhenAnotherWorkspaceHasEventsThenItSeesOnlyItsOwn() {
    World.Tenancy other = credflow().world().tenancy("webhooks-other");
    try (WebhookReceiver theirs = WebhookReceiver.start(time.clock(), Secret.of(SECRET))) {
      subscribe(w.workspace(), receiver.url(), List.of("credential.created"));
      subscribe(other.workspace(), theirs.url(), List.of("credential.created"));
      String client = noauthClient(other.tenant(), other.component());
      Api.Response theirCredential =
          admin.post(
              "/v2/workspaces/" + other.workspace() + "/credentials",
              World.credentialDoc("theirs", client, Map.of()));
      assertThat(theirCredential.status()).as(theirCredential.text()).isEqualTo(201);
      String mine = credential("mine");

      Flows.eventually("their event at their receiver", () -> theirs.received().size() == 1);
      awaitReceived(1);

      assertThat(receiver.received()).hasSize(1);
      JsonNode body = readJson(receiver.received().get(0).body());
      assertThat(body.path("workspace").path("id").asText()).isEqualTo(w.workspace());
      assertThat(body.path("data").path("credential").path("id").asText()).isEqualTo(mine);
      JsonNode theirBody = readJson(theirs.received().get(0).body());
      assertThat(theirBody.path("workspace").path("id").asText()).isEqualTo(other.workspace());
      assertThat(theirBody.path("data").path("credential").path("id").asText())
          .isEqualTo(theirCredential.id());
    }
  }

  @Test
  void pingWhenAskedThenReceiverGetsVerifiedPingAndRetrySendsTheSameEventAgain() {
    String hook = subscribe(w.workspace(), receiver.url(), List.of("run.failed"));

    Api.Response ping = admin.post(webhooks(w.workspace()) + "/" + hook + "/ping", "");
    assertThat(ping.status()).as(ping.text()).isEqualTo(202);
    WebhookReceiver.Received got = awaitReceived(1).get(0);
    assertThat(got.verified()).isTrue();
    assertThat(got.header("Credflow-Event-Type")).isEqualTo("webhook.ping");
    assertThat(readJson(got.body()).path("data").path("webhook").path("id").asText())
        .isEqualTo(hook);
    JsonNode delivered = awaitDelivered(hook);

    Api.Response retried =
        admin.post(
            webhooks(w.workspace())
                + "/"
                + hook
                + "/deliveries/"
                + delivered.path("id").asText()
                + "/retry",
            "");
    assertThat(retried.status()).as(retried.text()).isEqualTo(202);
    // Sent again at once: by the time the answer is read it may already be delivered.
    assertThat(retried.attributes().path("status").asText()).isIn("pending", "delivered");
    awaitReceived(2);
    Flows.eventually(
        "the retry recorded",
        () ->
            attrs(deliveries(w.workspace(), hook).get(0)).path("attempts").size() == 2
                && attrs(deliveries(w.workspace(), hook).get(0))
                    .path("status")
                    .asText()
                    .equals("delivered"));
    assertThat(receiver.received().get(1).header("Credflow-Event-Id"))
        .isEqualTo(got.header("Credflow-Event-Id"));
  }

  @Test
  void runWhenItFailsThenRunFailedEventNamesFlowRunAndStep() {
    String hook = subscribe(w.workspace(), receiver.url(), List.of("run.failed"));
    String flow =
        Flows.create(
            admin,
            w.workspace(),
            Flows.activeManual(
                "fails for webhooks",
                List.of(
                    Flows.step(
                        "broken",
                        w.component(),
                        w.noauth(),
                        ExecutorWorkspace.get(upstream.url("/status/404"))))));
    String run = Flows.start(admin, w.workspace(), flow, Map.of());
    JsonNode ended = Flows.awaitRun(admin, w.workspace(), run, "failed", "succeeded");
    assertThat(attrs(ended).path("status").asText()).isEqualTo("failed");

    WebhookReceiver.Received got = awaitReceived(1).get(0);

    assertThat(got.verified()).isTrue();
    JsonNode data = readJson(got.body()).path("data");
    assertThat(readJson(got.body()).path("type").asText()).isEqualTo("run.failed");
    assertThat(data.path("flow").path("id").asText()).isEqualTo(flow);
    assertThat(data.path("run").path("id").asText()).isEqualTo(run);
    assertThat(data.path("step").path("id").asText()).isEqualTo("broken");
    assertThat(data.path("credential").path("id").asText()).isEqualTo(w.noauth());
    awaitDelivered(hook);
  }

  @Test
  void sweepWhenAClientSecretExpiresSoonThenExpiringSoonIsDelivered() {
    String hook = subscribe(w.workspace(), receiver.url(), List.of("credential.expiring_soon"));
    Instant secretExpires = time.now().plus(Duration.ofDays(8));
    String client =
        AuthClients.oauth2()
            .at(credflow().provider())
            .clientAuth("basic")
            .credentials(Map.of("client_secret_expires_at", secretExpires.toString()))
            .tenant(w.tenant())
            .components(w.component())
            .create(admin);
    String credential =
        new io.credflow.testing.WorkspaceApi(admin, w.workspace())
            .importTokens(client, credflow().provider().issueTokens("read"), 3600);

    time.advance(Duration.ofDays(1).plusSeconds(1));
    credflow().server().credflow().services().expiries().sweep();

    WebhookReceiver.Received got = awaitReceived(1).get(0);
    assertThat(got.verified()).isTrue();
    assertThat(got.header("Credflow-Event-Type")).isEqualTo("credential.expiring_soon");
    JsonNode data = readJson(got.body()).path("data");
    assertThat(data.path("credential").path("id").asText()).isEqualTo(credential);
    assertThat(data.path("detail").asText()).contains("client secret");
    awaitDelivered(hook);
  }

  @Test
  void subscriptionWhenInactiveThenNothingIsDelivered() {
    String hook = subscribe(w.workspace(), receiver.url(), List.of("credential.created"));
    Api.Response off =
        admin.patch(
            webhooks(w.workspace()) + "/" + hook,
            Resource.of("webhook").id(hook).attributes(Map.of("active", false)).build());
    assertThat(off.status()).as(off.text()).isEqualTo(200);
    assertThat(off.attributes().path("active").asBoolean()).isFalse();

    credential("unseen");
    Api.Response ping = admin.post(webhooks(w.workspace()) + "/" + hook + "/ping", "");
    assertThat(ping.status()).isEqualTo(202);
    awaitReceived(1);

    // Only the ping, which tests the endpoint whatever the subscription's state.
    assertThat(receiver.received()).hasSize(1);
    assertThat(receiver.received().get(0).header("Credflow-Event-Type")).isEqualTo("webhook.ping");
    assertThat(deliveries(w.workspace(), hook)).hasSize(1);
  }

  private static JsonNode readJson(String s) {
    try {
      return Api.JSON.readTree(s);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }
}
