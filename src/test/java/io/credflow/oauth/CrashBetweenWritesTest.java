package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.common.Secret;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialError;
import io.credflow.credential.CredentialSecrets;
import io.credflow.credential.CredentialState;
import io.credflow.testing.Api;
import io.credflow.testing.ManualTime;
import io.credflow.testing.OAuthTestWorkspace;
import io.credflow.testing.SettableClock;
import io.credflow.testing.StoredCredentials;
import io.credflow.testing.TestServer;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.RecordedRequest;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md 14, deterministically: a refresh step writes the credential and then its
 * schedule (and holds a lease meanwhile), so a process killed between those writes leaves one of a
 * few states behind. Each test writes exactly that state into the database, as the killed process
 * left it, and checks that the next process repairs it without losing the credential or calling the
 * provider more than once. ({@link CrashRefreshTest} kills a real process at random moments.)
 */
class CrashBetweenWritesTest {
  private static final long LIFETIME = 120;

  private static ManualTime time;
  private static SettableClock clock;
  private static FakeOAuthProvider provider;
  private static TestServer server;
  private static StoredCredentials stored;
  private static OAuthTestWorkspace ws;

  @BeforeAll
  static void start() {
    // Waits (for a killed process's lease) move this clock instead of taking real time.
    time = ManualTime.startingNow();
    clock = time.clock();
    provider = FakeOAuthProvider.start().clock(clock::instant).expiresIn(LIFETIME);
    server = TestServer.start(true, time.timing(), config -> {});
    stored =
        StoredCredentials.open(
            server.credflow().config().dbUrl(), server.credflow().config().keysetPath());
    ws = OAuthTestWorkspace.create(server.admin(), provider, "between-writes");
  }

  @AfterAll
  static void stop() {
    stored.close();
    server.close();
    provider.close();
  }

  @Test
  void scheduledPassWhenKilledBeforeNeedsReauthStoppedTheScheduleThenItIsStopped()
      throws Exception {
    String id = importCredential("marked");
    // The provider refused the grant and the process stored needs_reauth, then died before it
    // stopped the schedule: the row stays due.
    String revoked = stored.refreshToken(id).orElseThrow();
    provider.revokeToken(revoked);
    Credential c = stored.find(id).orElseThrow();
    String reason = "the provider refused the refresh: authenticate the credential again";
    assertThat(
            stored.compareAndSet(
                c.withState(
                    CredentialState.NEEDS_REAUTH,
                    Optional.of(new CredentialError("invalid_grant", reason, clock.instant())))))
        .isTrue();
    clock.advance(Duration.ofSeconds(70));
    assertThat(stored.refreshAt(id).orElseThrow()).isBefore(clock.instant());

    runDueNowUntilQuiet();

    assertThat(stored.refreshAt(id)).as("the schedule of a needs_reauth credential").isEmpty();
    assertThat(stored.dueCount(clock.instant())).as("schedule rows due").isZero();
    assertThat(server.credflow().services().scheduler().runDueNow())
        .as("refreshes started on the next pass")
        .isZero();
    assertThat(refreshesPresenting(revoked)).as("calls to the provider").isZero();
    Api.Response got = server.admin().get(ws.credential(id));
    assertThat(got.attributes().path("state").asText()).isEqualTo("needs_reauth");
    assertThat(got.attributes().path("error").path("detail").asText()).isEqualTo(reason);
  }

  @Test
  void scheduledPassWhenKilledBeforeReschedulingNewTokensThenRefreshesWithStoredToken()
      throws Exception {
    String id = importCredential("stored");
    clock.advance(Duration.ofSeconds(70));
    // The refresh reached the provider and its answer was stored, then the process died before it
    // moved the schedule on: the row is still due at the old time.
    JsonNode answer = refreshByHand(stored.refreshToken(id).orElseThrow());
    String rotated = answer.path("refresh_token").asText();
    Credential c = stored.find(id).orElseThrow();
    assertThat(
            stored.compareAndSet(
                c.withSecrets(
                    new CredentialSecrets.Tokens(
                        Secret.of(answer.path("access_token").asText()),
                        Optional.of(Secret.of(rotated))),
                    Optional.of(clock.instant().plusSeconds(LIFETIME)),
                    c.scope())))
        .isTrue();
    assertThat(stored.refreshAt(id).orElseThrow()).isBefore(clock.instant());

    runDueNowUntilQuiet();

    assertThat(refreshesPresenting(rotated))
        .as("one more refresh, with the stored (rotated) refresh token")
        .isEqualTo(1);
    assertThat(stored.refreshToken(id)).isNotEqualTo(Optional.of(rotated));
    assertThat(provider.reuseDetected()).isZero();
    assertThat(stored.refreshAt(id).orElseThrow()).isAfter(clock.instant());
    assertWorks(id);
  }

  @Test
  void accessWhenAKilledProcessLeftItsLeaseThenWaitsForItAndRefreshesOnce() throws Exception {
    String id = importCredential("leased");
    Instant killedAt = clock.instant().plusSeconds(LIFETIME + 10);
    stored.lease(id, "process-killed", killedAt.plus(RefreshPolicy.DEFAULT_LEASE));
    clock.set(killedAt);
    String refreshToken = stored.refreshToken(id).orElseThrow();

    time.clearSleeps();

    Api.Response r = ws.access(server.admin(), id);

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(provider.isAccessTokenValid(OAuthTestWorkspace.bearer(r))).isTrue();
    // The use waited, on the clock, until the killed process's lease ran out, and only then did
    // the provider see the refresh.
    Instant leaseEnd = killedAt.plus(RefreshPolicy.DEFAULT_LEASE);
    assertThat(time.sleeps().stream().reduce(Duration.ZERO, Duration::plus))
        .as("time waited for the lease")
        .isGreaterThanOrEqualTo(RefreshPolicy.DEFAULT_LEASE);
    assertThat(
            provider.tokenRequests().stream()
                .filter(q -> q.param("refresh_token").equals(Optional.of(refreshToken)))
                .map(RecordedRequest::receivedAt))
        .singleElement()
        .satisfies(at -> assertThat(at).isAfter(leaseEnd));
    runDueNowUntilQuiet();
    assertThat(refreshesPresenting(refreshToken)).as("refreshes").isEqualTo(1);
    assertThat(stored.refreshToken(id)).isNotEqualTo(Optional.of(refreshToken));
    assertThat(provider.reuseDetected()).isZero();
    assertWorks(id);
  }

  /** Refresh requests at the provider that presented {@code refreshToken}. */
  private static long refreshesPresenting(String refreshToken) {
    return provider.tokenRequests().stream()
        .filter(r -> r.grantType().equals("refresh_token"))
        .filter(r -> r.param("refresh_token").equals(Optional.of(refreshToken)))
        .count();
  }

  private static String importCredential(String name) {
    return ws.importTokens(server.admin(), name, provider.issueTokens("read"), LIFETIME);
  }

  /** Runs the due refreshes until none is due, leased or in flight (this server has no poller). */
  private static void runDueNowUntilQuiet() throws Exception {
    for (int pass = 0; pass < 10; pass++) {
      server.credflow().services().scheduler().runDueNow();
      if (server.credflow().services().refresher().inFlight() == 0
          && stored.leasedCount(clock.instant()) == 0
          && stored.dueCount(clock.instant()) == 0) {
        return;
      }
    }
    throw new AssertionError(
        "refreshes still due or leased after 10 passes: due "
            + stored.dueCount(clock.instant())
            + ", leased "
            + stored.leasedCount(clock.instant()));
  }

  private static void assertWorks(String id) {
    Api.Response got = server.admin().get(ws.credential(id));
    assertThat(got.attributes().path("state").asText()).as(got.text()).isEqualTo("ready");
    Api.Response access = ws.access(server.admin(), id);
    assertThat(access.status()).as(access.text()).isEqualTo(200);
    assertThat(provider.isAccessTokenValid(OAuthTestWorkspace.bearer(access))).isTrue();
    assertThat(provider.isRefreshTokenValid(stored.refreshToken(id).orElseThrow())).isTrue();
  }

  /** A refresh at the provider as the killed process made it (client_secret_basic). */
  private static JsonNode refreshByHand(String refreshToken) throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (form(provider.clientId()) + ":" + form(provider.clientSecret()))
                    .getBytes(StandardCharsets.UTF_8));
    Api.Response r =
        new Api(provider.baseUrl().toString(), null)
            .send(
                HttpRequest.newBuilder(provider.tokenUri())
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "grant_type=refresh_token&refresh_token=" + form(refreshToken))));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.body();
  }

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
