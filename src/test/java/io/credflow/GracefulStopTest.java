package io.credflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.common.Sleeper;
import io.credflow.common.Timing;
import io.credflow.testing.Api;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.PostgresDatabases;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.upstream.Upstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The order of a graceful stop ({@link Credflow#shutdown()}), in one process: readiness answers 503
 * while the listener still serves; the listener closes only after the quarter of the grace a load
 * balancer is given to notice; a request in flight then still gets its whole answer. The wait for
 * the balancer goes through the process's sleeper, which this test holds until it has looked. A
 * scheduled refresh in flight at a stop finishes and gives its lease back. Several processes and
 * SIGTERM: {@code io.credflow.cli.GracefulShutdownTest}.
 */
class GracefulStopTest {
  /** A sleeper that blocks every wait until the test lets it go, and says when one began. */
  private static final class Gate implements Sleeper {
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    final CountDownLatch waiting = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);

    @Override
    public void sleep(Duration duration) throws InterruptedException {
      waits.add(duration);
      waiting.countDown();
      open.await();
    }
  }

  @Test
  void shutdownWhenARequestIsInFlightThenReadyIs503FirstThenTheListenerClosesAndTheRequestEnds()
      throws Exception {
    Gate gate = new Gate();
    try (Upstream upstream = Upstream.start();
        TestServer server =
            TestServer.start(
                false,
                Timing.system().withSleeper(gate),
                c -> c.refreshPoller(false).shutdownGrace("20"))) {
      Api admin = server.admin();
      String url = server.baseUrl();
      World.Tenancy t = new World(server).tenancy("stop");
      String client = AuthClients.noauth().in(t).create(admin);
      String credential =
          Credentials.named("none")
              .authClient(client)
              .secrets(Map.of())
              .create(admin, t.workspace());
      // Long enough to still be in flight when the listener closes below.
      CompletableFuture<Api.Response> inFlight =
          CompletableFuture.supplyAsync(
              () ->
                  admin.post(
                      "/v2/workspaces/" + t.workspace() + "/requests",
                      ExecutorWorkspace.requestDoc(
                          ExecutorWorkspace.get(upstream.url("/slow?ms=4000")), null, credential)));
      upstream.awaitRequests("/slow", 1);

      CompletableFuture<Void> stopped =
          CompletableFuture.runAsync(() -> server.credflow().shutdown());
      assertThat(gate.waiting.await(30, TimeUnit.SECONDS))
          .as("the stop waits for a balancer")
          .isTrue();
      assertThat(gate.waits).containsExactly(Duration.ofSeconds(5));

      // The balancer's view: not ready, though alive, and every route still served.
      Api anonymous = new Api(server.baseUrl(), null);
      Api.Response ready = anonymous.get("/health/ready");
      assertThat(ready.status()).as(ready.text()).isEqualTo(503);
      assertThat(ready.body().path("reason").asText()).isEqualTo("shutting_down");
      assertThat(ready.body().path("checks").path("shutdown").asText()).isEqualTo("started");
      assertThat(ready.body().path("detail").asText()).contains("another process");
      assertThat(anonymous.get("/health/live").status()).isEqualTo(200);
      assertThat(admin.get("/v2/workspaces").status()).isEqualTo(200);
      assertThat(inFlight).isNotDone();

      gate.open.countDown();
      // The listener closes while the slow request is still being answered.
      boolean refused = false;
      while (!refused && !inFlight.isDone()) {
        refused = refusesConnections(url);
        Thread.sleep(10);
      }
      assertThat(refused)
          .as("a new connection was refused while the request was in flight")
          .isTrue();

      Api.Response answered = inFlight.get(60, TimeUnit.SECONDS);
      assertThat(answered.status()).as(answered.text()).isEqualTo(200);
      assertThat(answered.attributes().path("responseBody").path("sleptMs").asInt())
          .isEqualTo(4000);
      stopped.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void closeWhenNothingIsInFlightThenNoWaitForABalancer() throws Exception {
    Gate gate = new Gate();
    TestServer server =
        TestServer.start(false, Timing.system().withSleeper(gate), c -> c.refreshPoller(false));
    String url = server.baseUrl();

    server.close();

    assertThat(gate.waits).isEmpty();
    assertThat(refusesConnections(url)).isTrue();
  }

  @Test
  void closeWhenAScheduledRefreshIsInFlightThenItFinishesAndGivesItsLeaseBack() throws Exception {
    try (FakeOAuthProvider provider = FakeOAuthProvider.start();
        TestServer server = TestServer.start(true, Timing.system(), c -> {})) {
      // The token endpoint answers slowly: the refresh is in flight when the stop begins.
      provider.responseDelay(Duration.ofSeconds(2));
      World.Tenancy t = new World(server).tenancy("refresh-stop");
      String client = AuthClients.oauth2().at(provider).in(t).create(server.admin());
      // A token that expires within the refresh skew is due at once; the poller takes it.
      String id = t.member(server).importTokens(client, provider.issueTokens("read"), 30);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (provider.requestsInProgress() == 0) {
        assertThat(System.nanoTime()).as("the scheduled refresh began").isLessThan(deadline);
        Thread.sleep(10);
      }
      Config config = server.credflow().config();

      server.credflow().close();

      assertThat(provider.tokenRequestCount()).isEqualTo(1);
      try (Connection sql =
              DriverManager.getConnection(config.dbUrl(), PostgresDatabases.USER, null);
          PreparedStatement q =
              sql.prepareStatement(
                  "SELECT lease_owner, failures, refresh_at FROM refresh_schedule"
                      + " WHERE credential_id = ?")) {
        q.setString(1, id);
        try (ResultSet rs = q.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString("lease_owner")).as("the lease was given back").isNull();
          assertThat(rs.getInt("failures")).isZero();
          assertThat(rs.getTimestamp("refresh_at")).as("the next refresh is scheduled").isNotNull();
        }
      }
    }
  }

  /**
   * Whether a new connection to {@code baseUrl} is refused (rather than answered). A connection the
   * stopping listener accepted but will never serve is not waited on for longer than a few seconds:
   * it counts as "not refused yet", and the caller asks again.
   */
  private static boolean refusesConnections(String baseUrl) throws InterruptedException {
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      client.send(
          HttpRequest.newBuilder(URI.create(baseUrl + "/health/live"))
              .timeout(Duration.ofSeconds(5))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.discarding());
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      // Accepted and then closed (or left unanswered) by a stopping server: not a refusal yet.
      return false;
    }
  }
}
