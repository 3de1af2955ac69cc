package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.Credflow;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowCluster;
import io.credflow.testing.OAuthTestWorkspace;
import io.credflow.testing.SettableClock;
import io.credflow.testing.StoredCredentials;
import io.credflow.testing.TestServer;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md 13 with two Credflow processes on one PostgreSQL database (here: two complete
 * instances in this JVM, each with its own pool, scheduler and port) and a provider that rotates
 * refresh tokens and revokes the whole grant when a spent one comes back: every credential is
 * refreshed exactly once per expiry, whoever wins, and the provider never sees a reuse.
 *
 * <p>Which credential a refresh request was for is told by the refresh token it presents: before
 * each expiry the test reads every credential's stored refresh token, so a request presenting a
 * token of that snapshot belongs to that credential, and a request presenting any other token (the
 * freshly rotated one) would be a second refresh of a credential in the same expiry.
 */
@Tag("slow")
class TwoProcessRefreshTest {
  private static final int CREDENTIALS = 200;
  private static final long LIFETIME = 120;
  private static final String SCOPE = "read write";

  @Test
  void scheduledRefreshWhenTwoProcessesRunDueAtOnceThenOneRefreshPerCredentialPerExpiry()
      throws Exception {
    SettableClock clock = SettableClock.startingNow();
    try (FakeOAuthProvider provider =
            FakeOAuthProvider.start().clock(clock::instant).expiresIn(LIFETIME);
        CredflowCluster cluster = CredflowCluster.postgres(2, clock, TestServer.DRIVEN_BY_HAND);
        StoredCredentials stored = StoredCredentials.open(cluster.dbUrl(), cluster.keyset())) {
      OAuthTestWorkspace ws = OAuthTestWorkspace.create(cluster.admin(0), provider, "two-process");
      List<String> ids = importCredentials(cluster, ws, provider, CREDENTIALS);

      for (int round = 1; round <= 3; round++) {
        Map<String, String> owners = refreshTokenOwners(stored, ids);
        int before = provider.tokenRequestCount();
        // Every schedule is at expires_at - 60 s ± 10%, so 70 s later all are due and the tokens
        // still valid: both processes find all 200 due at once.
        clock.advance(Duration.ofSeconds(70));
        int rounds = runDueOnBothUntilSettled(cluster, stored, clock);

        List<RecordedRequest> refreshes = refreshRequestsSince(provider, before);
        assertThat(perCredential(refreshes, owners))
            .as("refresh requests per credential in round %d", round)
            .hasSize(CREDENTIALS)
            .allSatisfy((id, count) -> assertThat(count).as("credential %s", id).isEqualTo(1));
        assertThat(refreshes).as("refresh requests in round %d", round).hasSize(CREDENTIALS);
        assertThat(provider.reuseDetected()).as("refresh-token reuse at the provider").isZero();
        System.out.printf(
            "TwoProcessRefreshTest: round %d: %d refreshes of %d credentials, %d runDueNow"
                + " passes on both processes%n",
            round, refreshes.size(), CREDENTIALS, rounds);
      }
      assertEveryCredentialReadyWithTokensTheProviderAccepts(cluster, ws, provider, stored, ids);
    }
  }

  @Test
  void accessWhenBothProcessesUseOneExpiredCredentialAtOnceThenExactlyOneRefreshEachTime()
      throws Exception {
    SettableClock clock = SettableClock.startingNow();
    int iterations = 25;
    int callersPerProcess = 8;
    try (FakeOAuthProvider provider =
            FakeOAuthProvider.start().clock(clock::instant).expiresIn(LIFETIME);
        CredflowCluster cluster = CredflowCluster.postgres(2, clock, TestServer.DRIVEN_BY_HAND);
        StoredCredentials stored = StoredCredentials.open(cluster.dbUrl(), cluster.keyset())) {
      OAuthTestWorkspace ws = OAuthTestWorkspace.create(cluster.admin(0), provider, "on-use");
      String id =
          ws.importTokens(cluster.admin(0), "shared", provider.issueTokens(SCOPE), LIFETIME);
      List<Api> apis = List.of(cluster.admin(0), cluster.admin(1));
      ExecutorService callers = Executors.newFixedThreadPool(2 * callersPerProcess);
      try {
        for (int i = 0; i < iterations; i++) {
          String presented = stored.refreshToken(id).orElseThrow();
          String oldAccess = stored.accessToken(id).orElseThrow();
          int before = provider.tokenRequestCount();
          clock.advance(Duration.ofSeconds(LIFETIME + 10));
          assertThat(provider.isAccessTokenValid(oldAccess)).as("the old token expired").isFalse();

          CountDownLatch go = new CountDownLatch(1);
          List<Future<Api.Response>> calls = new ArrayList<>();
          for (int c = 0; c < 2 * callersPerProcess; c++) {
            Api api = apis.get(c % 2);
            calls.add(
                callers.submit(
                    () -> {
                      go.await();
                      return ws.access(api, id);
                    }));
          }
          go.countDown();
          List<String> tokens = new ArrayList<>();
          for (Future<Api.Response> call : calls) {
            Api.Response r = call.get(120, TimeUnit.SECONDS);
            assertThat(r.status()).as("iteration %d: %s", i, r.text()).isEqualTo(200);
            tokens.add(OAuthTestWorkspace.bearer(r));
          }
          awaitNoRefreshInFlight(cluster, stored, clock);

          List<RecordedRequest> refreshes = refreshRequestsSince(provider, before);
          assertThat(refreshes)
              .as("iteration %d: refresh requests for %d concurrent callers", i, tokens.size())
              .hasSize(1);
          assertThat(refreshes.get(0).param("refresh_token")).contains(presented);
          assertThat(tokens).as("every caller got the one new token").containsOnly(tokens.get(0));
          assertThat(tokens.get(0)).isNotEqualTo(oldAccess);
          assertThat(provider.isAccessTokenValid(tokens.get(0))).isTrue();
          assertThat(provider.reuseDetected()).isZero();
        }
      } finally {
        callers.shutdownNow();
      }
      assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(iterations);
      assertEveryCredentialReadyWithTokensTheProviderAccepts(
          cluster, ws, provider, stored, List.of(id));
    }
  }

  @Test
  void scheduledRefreshWhenTwoProcessesPollInRealTimeThenOneRefreshPerCredential()
      throws Exception {
    try (FakeOAuthProvider provider = FakeOAuthProvider.start().expiresIn(LIFETIME);
        CredflowCluster cluster = CredflowCluster.postgres(2, Clock.systemUTC());
        StoredCredentials stored = StoredCredentials.open(cluster.dbUrl(), cluster.keyset())) {
      OAuthTestWorkspace ws = OAuthTestWorkspace.create(cluster.admin(0), provider, "real-time");
      long started = System.nanoTime();
      List<String> ids = importCredentials(cluster, ws, provider, CREDENTIALS);
      Map<String, String> owners = refreshTokenOwners(stored, ids);
      long imported = System.nanoTime();

      // Due 54..66 s after import; the next expiry's refreshes come no earlier than ~108 s after
      // the first import, far after this wait ends.
      long deadline = started + TimeUnit.SECONDS.toNanos(150);
      while (true) {
        Instant now = Instant.now();
        if (provider.tokenRequestCount("refresh_token") >= CREDENTIALS
            && stored.dueCount(now) == 0
            && stored.leasedCount(now) == 0) {
          break;
        }
        assertThat(System.nanoTime())
            .as(
                "all %d credentials refreshed within 150 s of import (have %d refreshes)",
                CREDENTIALS, provider.tokenRequestCount("refresh_token"))
            .isLessThan(deadline);
        Thread.sleep(500);
      }
      waitUntilQuiet(cluster, stored, Clock.systemUTC());
      long settled = System.nanoTime();

      List<RecordedRequest> refreshes = refreshRequestsSince(provider, 0);
      assertThat(perCredential(refreshes, owners))
          .hasSize(CREDENTIALS)
          .allSatisfy((id, count) -> assertThat(count).as("credential %s", id).isEqualTo(1));
      assertThat(refreshes).hasSize(CREDENTIALS);
      assertThat(provider.reuseDetected()).isZero();
      System.out.printf(
          "TwoProcessRefreshTest: real time: %d credentials imported in %d s, all refreshed once"
              + " %d s after import%n",
          CREDENTIALS,
          TimeUnit.NANOSECONDS.toSeconds(imported - started),
          TimeUnit.NANOSECONDS.toSeconds(settled - imported));
      // The next expiry's refreshes must not run into the check below: stop the schedulers (the
      // tokens need no refresh on use for another ~40 s).
      for (int n = 0; n < cluster.size(); n++) {
        cluster.node(n).services().scheduler().close();
      }
      assertEveryCredentialReadyWithTokensTheProviderAccepts(cluster, ws, provider, stored, ids);
    }
  }

  // ---- helpers ----

  /** Imports {@code count} token pairs the provider issued, alternating between the processes. */
  private static List<String> importCredentials(
      CredflowCluster cluster, OAuthTestWorkspace ws, FakeOAuthProvider provider, int count)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> made = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        made.add(
            pool.submit(
                () ->
                    ws.importTokens(
                        cluster.admin(n % cluster.size()),
                        "credential-" + n,
                        provider.issueTokens(SCOPE),
                        LIFETIME)));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : made) {
        ids.add(f.get(120, TimeUnit.SECONDS));
      }
      return ids;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every credential's stored refresh token, mapped to the credential. */
  private static Map<String, String> refreshTokenOwners(
      StoredCredentials stored, List<String> ids) {
    Map<String, String> owners = new HashMap<>();
    for (String id : ids) {
      owners.put(stored.refreshToken(id).orElseThrow(), id);
    }
    return owners;
  }

  private static List<RecordedRequest> refreshRequestsSince(FakeOAuthProvider provider, int from) {
    List<RecordedRequest> all = provider.tokenRequests();
    return all.subList(from, all.size()).stream()
        .filter(r -> r.grantType().equals("refresh_token"))
        .toList();
  }

  /**
   * Refresh requests per credential; a request presenting a token that no credential held at the
   * snapshot fails the test (it was a second refresh of one credential with its rotated token).
   */
  private static Map<String, Integer> perCredential(
      List<RecordedRequest> refreshes, Map<String, String> owners) {
    Map<String, Integer> counts = new HashMap<>();
    for (RecordedRequest r : refreshes) {
      String token = r.param("refresh_token").orElse("");
      assertThat(owners)
          .as("a refresh presented a token no credential held before this expiry")
          .containsKey(token);
      counts.merge(owners.get(token), 1, Integer::sum);
    }
    return counts;
  }

  /**
   * Calls {@code runDueNow()} on both processes at the same moment, again until nothing is due or
   * leased; returns the number of passes. No poller runs (the nodes are driven by hand), and each
   * {@code runDueNow()} returns when the refreshes it started finished: after a pass, whatever one
   * process left to the other is done, so one pass is all it normally takes.
   */
  private static int runDueOnBothUntilSettled(
      CredflowCluster cluster, StoredCredentials stored, Clock clock) throws Exception {
    ExecutorService both = Executors.newFixedThreadPool(2);
    try {
      for (int pass = 1; ; pass++) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int n = 0; n < cluster.size(); n++) {
          Credflow node = cluster.node(n);
          Callable<Integer> run =
              () -> {
                go.await();
                return node.services().scheduler().runDueNow();
              };
          runs.add(both.submit(run));
        }
        go.countDown();
        for (Future<Integer> run : runs) {
          run.get(180, TimeUnit.SECONDS);
        }
        Instant now = clock.instant();
        if (stored.dueCount(now) == 0 && stored.leasedCount(now) == 0) {
          assertNoRefreshInFlight(cluster);
          return pass;
        }
        assertThat(pass)
            .as("due refreshes settled within 10 passes (%d still due)", stored.dueCount(now))
            .isLessThan(10);
      }
    } finally {
      both.shutdownNow();
    }
  }

  private static void assertNoRefreshInFlight(CredflowCluster cluster) {
    for (int n = 0; n < cluster.size(); n++) {
      assertThat(cluster.node(n).services().refresher().inFlight())
          .as("refreshes in flight in process %d", n)
          .isZero();
    }
  }

  /**
   * Waits (bounded) until neither process has a refresh in flight and no lease is held: the callers
   * of a refresh on use get their answer a moment before the refresh that served them is off the
   * books. No poller runs, so nothing starts another one after that.
   */
  private static void awaitNoRefreshInFlight(
      CredflowCluster cluster, StoredCredentials stored, Clock clock) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!idle(cluster, stored, clock)) {
      assertThat(System.nanoTime()).as("refreshes went quiet within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static boolean idle(CredflowCluster cluster, StoredCredentials stored, Clock clock) {
    boolean idle = stored.leasedCount(clock.instant()) == 0;
    for (int n = 0; n < cluster.size(); n++) {
      idle &= cluster.node(n).services().refresher().inFlight() == 0;
    }
    return idle;
  }

  /**
   * Waits until no refresh is in flight in either process and no lease is held, seen three times in
   * a row, so that a late task of a background poller (real time) cannot spill into the next step.
   */
  private static void waitUntilQuiet(CredflowCluster cluster, StoredCredentials stored, Clock clock)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int quiet = 0;
    while (quiet < 3) {
      quiet = idle(cluster, stored, clock) ? quiet + 1 : 0;
      assertThat(System.nanoTime()).as("refreshes went quiet within 120 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /**
   * Every credential is {@code ready}, answers {@code …/access} on both processes with the token it
   * stores, and that access token and its stored refresh token are valid at the provider.
   */
  private static void assertEveryCredentialReadyWithTokensTheProviderAccepts(
      CredflowCluster cluster,
      OAuthTestWorkspace ws,
      FakeOAuthProvider provider,
      StoredCredentials stored,
      List<String> ids) {
    int before = provider.tokenRequestCount();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      Api api = cluster.admin(i % cluster.size());
      Api.Response got = api.get(ws.credential(id));
      assertThat(got.status()).as(got.text()).isEqualTo(200);
      assertThat(got.attributes().path("state").asText()).as(got.text()).isEqualTo("ready");
      Api.Response access = ws.access(api, id);
      assertThat(access.status()).as(access.text()).isEqualTo(200);
      String token = OAuthTestWorkspace.bearer(access);
      assertThat(token).isEqualTo(stored.accessToken(id).orElseThrow());
      assertThat(provider.isAccessTokenValid(token)).as("access token of %s", id).isTrue();
      assertThat(provider.isRefreshTokenValid(stored.refreshToken(id).orElseThrow()))
          .as("refresh token of %s", id)
          .isTrue();
    }
    assertThat(provider.tokenRequestCount())
        .as("reading fresh credentials refreshes nothing")
        .isEqualTo(before);
  }
}
