package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.Credflow;
import io.credflow.common.Timing;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Single flight (docs/tokens.md § "Refresh lifecycle", docs/security.md 13): many callers of one
 * expired credential, in one process or two on one database, make exactly one refresh request, and
 * a provider that revokes a token family on reuse never sees reuse. No refresh poller runs, so that
 * every refresh here is one a caller caused.
 */
class RefreshConcurrencyTest {
  private static final long LIFETIME = 3600;

  /**
   * Callers start this far apart, on a warmed-up server: a thousand connections opened at once at a
   * cold server overflow its listen socket's accept queue (Jetty's default, the JDK's backlog of
   * 50) and a few are reset ~15 s later, which is a transport matter, not the refresh's. Spread
   * over two seconds they all still arrive while the one refresh is in flight.
   */
  private static final Duration SPACING = Duration.ofMillis(2);

  private static final Duration REFRESH_DELAY = Duration.ofMillis(2500);

  // Real waits: callers here really race each other.
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().settableClock().fakeOAuthProviderPerTest().tenancyPerTest("conc");

  private final SettableClock clock = credflow.clock();
  private final TestServer server = credflow.server();
  // A slow token endpoint holds the refresh open while every other caller piles up behind it.
  private final FakeOAuthProvider provider = credflow.provider().responseDelay(REFRESH_DELAY);
  private final WorkspaceApi member = credflow.member();

  @Test
  void accessWhenAThousandCallersUseAnExpiredCredentialAtOnceThenTheProviderSeesOneRefresh()
      throws Exception {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    warmUp(member.api(), member.credentialPath(id));
    clock.advance(Duration.ofSeconds(LIFETIME + 1));

    List<Api.Response> responses = concurrently(1000, () -> member.access(id));

    assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
    List<String> values =
        responses.stream()
            .map(r -> r.attributes().path("header").path("value").asText())
            .distinct()
            .toList();
    assertThat(values).hasSize(1);
    String fresh = values.get(0).substring("Bearer ".length());
    assertThat(fresh).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
    assertThat(provider.reuseDetected()).isZero();
    assertThat(server.credflow().services().refresher().inFlight()).isZero();
  }

  @Test
  void refreshWhenAHundredRefreshesArePostedAtOnceThenTheyJoinAndNoTokenIsReused()
      throws Exception {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    List<Api.Response> responses = concurrently(100, () -> member.refresh(id));

    assertThat(responses)
        .allSatisfy(
            r -> {
              assertThat(r.status()).as(r.text()).isEqualTo(200);
              assertThat(r.attributes().path("state").asText()).isEqualTo("ready");
            });
    // Callers that arrive while one refresh is in flight join it; a caller that saw the
    // credential before another refresh finished gets that refresh's result.
    assertThat(provider.tokenRequestCount()).isBetween(1, 5);
    assertThat(provider.reuseDetected()).isZero();
    String fresh = member.accessToken(id);
    assertThat(fresh).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
  }

  @Test
  void refreshWhenTwoProcessesOnOnePostgresDatabaseRaceThenTheProviderSeesOneRequestEachTime()
      throws Exception {
    // Whole milliseconds, which the database keeps exactly.
    SettableClock ownClock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    provider.clock(ownClock::instant);
    // Both processes without a refresh poller: every refresh here is one a caller caused.
    try (TestServer first = TestServer.start(true, Timing.of(ownClock), TestServer.DRIVEN_BY_HAND);
        Credflow second = Credflow.start(first.credflow().config(), ownClock)) {
      World.Tenancy tenancy = new World(first).tenancy("two-processes");
      FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
      String authClient =
          AuthClients.oauth2().at(provider).clientAuth("basic").in(tenancy).create(first.admin());
      WorkspaceApi a = tenancy.member(first);
      WorkspaceApi b =
          new WorkspaceApi(
              new Api("http://127.0.0.1:" + second.port(), tenancy.memberKey()),
              tenancy.workspace());
      String id = a.importTokens(authClient, tokens, LIFETIME);
      warmUp(a.api(), a.credentialPath(id));
      warmUp(b.api(), b.credentialPath(id));
      ownClock.advance(Duration.ofSeconds(LIFETIME + 1));
      AtomicInteger calls = new AtomicInteger();
      List<Api.Response> responses =
          concurrently(1000, () -> (calls.getAndIncrement() % 2 == 0 ? a : b).access(id));

      assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
      assertThat(
              responses.stream()
                  .map(r -> r.attributes().path("header").path("value").asText())
                  .distinct())
          .hasSize(1);
      assertThat(provider.tokenRequestCount()).isEqualTo(1);
      assertThat(provider.reuseDetected()).isZero();

      // Both pollers find the credential due at once: one refresh, the other takes its result.
      provider.responseDelay(Duration.ofMillis(500));
      ownClock.set(first.schedule(id).refreshAt().orElseThrow());
      CountDownLatch go = new CountDownLatch(1);
      try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> pollers = new ArrayList<>();
        for (Credflow process : List.of(first.credflow(), second)) {
          pollers.add(
              executor.submit(
                  () -> {
                    go.await();
                    return process
                        .services()
                        .refresher()
                        .refresh(id, new RefreshService.Trigger.Scheduled());
                  }));
        }
        go.countDown();
        for (Future<?> f : pollers) {
          f.get();
        }
      }
      assertThat(provider.tokenRequestCount()).isEqualTo(2);
      assertThat(provider.reuseDetected()).isZero();
      assertThat(provider.isAccessTokenValid(b.accessToken(id))).isTrue();
    }
  }

  @Test
  void accessWhenTheCredentialIsDeletedWhileItsRefreshIsInFlightThenTheCallerGets404NotA500()
      throws Exception {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    clock.advance(Duration.ofSeconds(LIFETIME + 1));

    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Api.Response> access = executor.submit(() -> member.access(id));
      // The refresh request has reached the provider, which holds its answer for 4 s.
      awaitTokenRequests(1);
      Api.Response deleted = member.delete(id);
      assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);

      Api.Response r = access.get();
      assertThat(r.status()).as(r.text()).isEqualTo(404);
      assertThat(r.error().path("code").asText()).isEqualTo("not_found");
      assertThat(r.text()).doesNotContain(tokens.refreshToken().orElseThrow());
    }
    assertThat(member.get(id).status()).isEqualTo(404);
    assertThat(server.credflow().services().refresher().inFlight()).isZero();
  }

  @Test
  void refreshWhenTheCredentialIsRenamedDuringItThenBothTheNameAndTheNewTokensAreKept()
      throws Exception {
    provider.responseDelay(Duration.ofMillis(1500));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Api.Response> refresh = executor.submit(() -> member.refresh(id));
      awaitTokenRequests(1);
      Api.Response renamed =
          member.patch(id, Resource.of("credential").id(id).attribute("name", "renamed").build());
      assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
      Api.Response r = refresh.get();
      assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    assertThat(member.attributes(id).path("name").asText()).isEqualTo("renamed");
    String current = member.accessToken(id);
    assertThat(current).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(current)).isTrue();
    // The rotated refresh token was stored: the next refresh works and reuses nothing.
    provider.responseDelay(Duration.ZERO);
    assertThat(member.refresh(id).attributes().path("state").asText()).isEqualTo("ready");
    assertThat(provider.tokenRequestCount()).isEqualTo(2);
    assertThat(provider.reuseDetected()).isZero();
  }

  @Test
  void refreshWhenNewTokensAreSavedDuringItThenTheLateRefreshResultDoesNotOverwriteThem()
      throws Exception {
    provider.responseDelay(Duration.ofMillis(1500));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    FakeOAuthProvider.Tokens reauthenticated = provider.issueTokens("read");

    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Api.Response> refresh = executor.submit(() -> member.refresh(id));
      awaitTokenRequests(1);
      Api.Response saved = member.replaceTokens(id, reauthenticated, LIFETIME);
      assertThat(saved.status()).as(saved.text()).isEqualTo(200);
      Api.Response r = refresh.get();
      assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    // Fencing: the refresh that started before the new tokens were saved is discarded, and it
    // gives its lease back (another process may refresh the new grant at once).
    assertThat(member.accessToken(id)).isEqualTo(reauthenticated.accessToken());
    assertThat(server.schedule(id).leaseOwner()).isEmpty();
    provider.responseDelay(Duration.ZERO);
    member.refresh(id);
    assertThat(provider.tokenRequests().get(1).param("refresh_token"))
        .isEqualTo(reauthenticated.refreshToken());
    assertThat(provider.reuseDetected()).isZero();
  }

  @Test
  void leaseWhenComparedWithTheTokenEndpointTimeoutThenItOutlastsIt() {
    // A lease shorter than a slow token call would let a second process refresh the same
    // credential while the first still waits for its answer.
    assertThat(RefreshPolicy.DEFAULT_LEASE).isGreaterThan(TokenHttp.DEFAULT_TIMEOUT);
    assertThat(server.credflow().services().refresher().policy().leaseLength())
        .isGreaterThan(TokenHttp.DEFAULT_TIMEOUT);
  }

  private void awaitTokenRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (provider.tokenRequestCount() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(provider.tokenRequestCount()).isEqualTo(count);
  }

  /** Reads {@code path} 400 times over 20 connections: the JIT and the connection pool warm up. */
  private static void warmUp(Api api, String path) throws Exception {
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> readers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        readers.add(
            executor.submit(
                () -> {
                  for (int j = 0; j < 20; j++) {
                    Api.Response r = api.get(path);
                    assertThat(r.status()).as(r.text()).isEqualTo(200);
                  }
                  return null;
                }));
      }
      for (Future<?> f : readers) {
        f.get();
      }
    }
  }

  /**
   * Runs {@code count} calls on virtual threads, released together by a latch and started {@link
   * #SPACING} apart; fails unless many of them were in flight at the same moment.
   */
  private static List<Api.Response> concurrently(int count, Supplier<Api.Response> call)
      throws Exception {
    CountDownLatch ready = new CountDownLatch(count);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    List<Future<Api.Response>> futures = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        Duration wait = SPACING.multipliedBy(i);
        futures.add(
            executor.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  Thread.sleep(wait);
                  mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  try {
                    return call.get();
                  } finally {
                    inFlight.decrementAndGet();
                  }
                }));
      }
      ready.await();
      go.countDown();
      List<Api.Response> responses = new ArrayList<>();
      for (Future<Api.Response> f : futures) {
        responses.add(f.get());
      }
      assertThat(mostInFlight.get()).as("callers in flight at once").isGreaterThan(count / 4);
      return responses;
    }
  }
}
