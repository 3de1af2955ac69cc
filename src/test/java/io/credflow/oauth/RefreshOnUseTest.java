package io.credflow.oauth;

import static io.credflow.oauth.RefreshScheduleTest.accessToken;
import static io.credflow.oauth.RefreshScheduleTest.credentialPath;
import static io.credflow.oauth.RefreshScheduleTest.deleteAllCredentials;
import static io.credflow.oauth.RefreshScheduleTest.eventsPath;
import static io.credflow.oauth.RefreshScheduleTest.importTokens;
import static io.credflow.oauth.RefreshScheduleTest.oauth2Client;
import static io.credflow.oauth.RefreshScheduleTest.scheduleOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refresh on use ({@code …/access} within the 60 s skew), on request ({@code POST …/refresh}), and
 * what a refresh does with the token response: rotation, a missing refresh token, a missing {@code
 * expires_in}, and never a {@code scope}. The proactive scheduler of the shared server is stopped,
 * so every refresh here is one these calls caused.
 */
class RefreshOnUseTest {
  private static final long LIFETIME = 3600;

  private static SettableClock clock;
  private static TestServer server;
  private static World world;

  private FakeOAuthProvider provider;
  private World.Tenancy t;
  private Api member;

  @BeforeAll
  static void startServer() {
    clock = RefreshScheduleTest.startingNow();
    server = TestServer.start(false, clock);
    // Only on-use and requested refreshes: the background poller would race the clock moves.
    server.credflow().services().scheduler().close();
    world = new World(server);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void setUp() {
    provider = FakeOAuthProvider.start().clock(clock::instant);
    t = world.tenancy("use-" + UUID.randomUUID().toString().substring(0, 8));
    member = server.as(t.memberKey());
  }

  @AfterEach
  void tearDown() {
    deleteAllCredentials(server, t);
    provider.close();
  }

  @Test
  void accessWhenTokenExpiresWithinSixtySecondsThenItIsRefreshedFirstAndTheNewTokenReturned() {
    String id = importFresh(Map.of());
    String old = accessToken(member, t, id);
    Instant expires = clock.instant().plusSeconds(LIFETIME);

    clock.set(expires.minusSeconds(59));
    Api.Response access = member.post(credentialPath(t, id) + "/access", "");
    assertThat(access.status()).as(access.text()).isEqualTo(200);
    String fresh = bearer(access);
    assertThat(fresh).isNotEqualTo(old);
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
    assertThat(Instant.parse(access.attributes().path("expires_at").asText()))
        .isEqualTo(clock.instant().plusSeconds(LIFETIME));
    assertThat(member.get(eventsPath(t, id)).text()).contains("on use");

    // The next use finds a fresh token: no second refresh.
    assertThat(accessToken(member, t, id)).isEqualTo(fresh);
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void accessWhenTokenHasAlreadyExpiredThenItIsRefreshedFirst() {
    String id = importFresh(Map.of());
    String old = accessToken(member, t, id);

    clock.advance(Duration.ofSeconds(LIFETIME + 600));
    assertThat(provider.isAccessTokenValid(old)).isFalse();
    String fresh = accessToken(member, t, id);
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
  }

  @Test
  void accessWhenTokenExpiresLaterThanTheSkewThenNoRefresh() {
    String id = importFresh(Map.of());
    String old = accessToken(member, t, id);

    clock.advance(Duration.ofSeconds(LIFETIME - 61));
    assertThat(accessToken(member, t, id)).isEqualTo(old);
    assertThat(provider.tokenRequestCount()).isZero();
  }

  @Test
  void refreshWhenPostedThenTheTokensAreRefreshedNowAndTheCredentialReturned() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read write");
    String id = importTokens(member, t, client(Map.of()), tokens, LIFETIME);

    Api.Response refreshed = member.post(credentialPath(t, id) + "/refresh", "");
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(200);
    assertThat(refreshed.data().path("type").asText()).isEqualTo("credential");
    assertThat(refreshed.id()).isEqualTo(id);
    JsonNode attrs = refreshed.attributes();
    assertThat(attrs.path("state").asText()).isEqualTo("ready");
    assertThat(attrs.path("error").isNull()).isTrue();
    assertThat(attrs.path("has_refresh_token").asBoolean()).isTrue();
    assertThat(attrs.path("header").path("value").asText()).isEqualTo("Bearer ********");
    assertThat(Instant.parse(attrs.path("expires_at").asText()))
        .isEqualTo(clock.instant().plusSeconds(LIFETIME));
    assertThat(refreshed.text())
        .doesNotContain(tokens.accessToken())
        .doesNotContain(tokens.refreshToken().orElseThrow());

    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
    RecordedRequest request = provider.tokenRequests().get(0);
    assertThat(request.param("refresh_token")).isEqualTo(tokens.refreshToken());
    // client_auth basic: the secret travels in the header, not the form.
    assertThat(request.authorization()).hasValueSatisfying(h -> assertThat(h).startsWith("Basic "));
    assertThat(request.param("client_secret")).isEmpty();
    String fresh = accessToken(member, t, id);
    assertThat(fresh).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
  }

  @Test
  void refreshWhenProviderRotatesThenEveryRefreshPresentsTheLatestTokenAndNoneIsEverReused() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read write");
    String id = importTokens(member, t, client(Map.of()), tokens, LIFETIME);

    for (int i = 0; i < 30; i++) {
      if (i % 2 == 0) {
        Api.Response r = member.post(credentialPath(t, id) + "/refresh", "");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.attributes().path("state").asText()).isEqualTo("ready");
      } else {
        clock.advance(Duration.ofSeconds(LIFETIME));
        assertThat(provider.isAccessTokenValid(accessToken(member, t, id))).isTrue();
      }
    }

    List<RecordedRequest> refreshes = provider.tokenRequests();
    assertThat(refreshes).hasSize(30).allMatch(r -> r.grantType().equals("refresh_token"));
    assertThat(refreshes.get(0).param("refresh_token")).isEqualTo(tokens.refreshToken());
    Set<String> presented = new HashSet<>();
    for (RecordedRequest r : refreshes) {
      String token = r.param("refresh_token").orElseThrow();
      assertThat(presented.add(token)).as("refresh token presented twice").isTrue();
      // Each presented token is spent by the rotation that answered it.
      assertThat(provider.isRefreshTokenValid(token)).isFalse();
    }
    assertThat(provider.reuseDetected()).isZero();
    assertThat(provider.isAccessTokenValid(accessToken(member, t, id))).isTrue();
  }

  @Test
  void refreshWhenResponseCarriesNoRefreshTokenThenTheOldOneIsKeptAndWorksNextTime() {
    provider.rotateRefreshTokens(false);
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String original = tokens.refreshToken().orElseThrow();
    String id = importTokens(member, t, client(Map.of()), tokens, LIFETIME);

    for (int i = 0; i < 3; i++) {
      Api.Response r = member.post(credentialPath(t, id) + "/refresh", "");
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.attributes().path("has_refresh_token").asBoolean()).isTrue();
    }
    assertThat(provider.tokenRequests())
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.param("refresh_token")).contains(original));
    assertThat(provider.isRefreshTokenValid(original)).isTrue();

    // The provider starts rotating again: the kept token works once, then the new one is used.
    provider.rotateRefreshTokens(true);
    member.post(credentialPath(t, id) + "/refresh", "");
    member.post(credentialPath(t, id) + "/refresh", "");
    List<RecordedRequest> all = provider.tokenRequests();
    assertThat(all).hasSize(5);
    assertThat(all.get(3).param("refresh_token")).contains(original);
    assertThat(all.get(4).param("refresh_token")).isPresent().isNotEqualTo(Optional.of(original));
    assertThat(provider.reuseDetected()).isZero();
    assertThat(provider.isAccessTokenValid(accessToken(member, t, id))).isTrue();
  }

  @Test
  void refreshWhenResponseCarriesNoExpiresInThenTheAuthClientTokenExpiresInApplies() {
    provider.advertiseExpiresIn(false);
    String authClient = client(Map.of("token_expires_in", 5400));
    String id = importTokens(member, t, authClient, provider.issueTokens("read"), LIFETIME);

    Api.Response r = member.post(credentialPath(t, id) + "/refresh", "");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    Instant now = clock.instant();
    assertThat(Instant.parse(r.attributes().path("expires_at").asText()))
        .isEqualTo(now.plusSeconds(5400));
    // And the schedule follows that lifetime: 10% of 5400 s = 540 s ±10% before expiry.
    assertThat(scheduleOf(server, id).refreshAt().orElseThrow())
        .isBetween(now.plusSeconds(5400 - 594), now.plusSeconds(5400 - 486));
  }

  @Test
  void refreshWhenSentThenItNeverCarriesAScopeAndTheGrantedScopeIsKept() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read write");
    String authClient = client(Map.of("scopes", List.of("read", "write", "admin")));
    String id =
        World.created(
            member.post(
                "/v2/workspaces/" + t.workspace() + "/credentials",
                World.credentialDoc(
                    "scoped",
                    authClient,
                    Map.of(
                        "access_token",
                        tokens.accessToken(),
                        "refresh_token",
                        tokens.refreshToken().orElseThrow(),
                        "expires_in",
                        LIFETIME,
                        "scope",
                        "read write"))));

    member.post(credentialPath(t, id) + "/refresh", "");
    provider.echoScope(false);
    member.post(credentialPath(t, id) + "/refresh", "");
    clock.advance(Duration.ofSeconds(LIFETIME));
    accessToken(member, t, id);

    assertThat(provider.tokenRequests())
        .hasSize(3)
        .allSatisfy(
            r -> {
              assertThat(r.grantType()).isEqualTo("refresh_token");
              assertThat(r.param("scope")).isEmpty();
              assertThat(r.body()).doesNotContain("scope");
            });
    assertThat(member.get(credentialPath(t, id)).attributes().path("scope").asText())
        .isEqualTo("read write");
  }

  private String client(Map<String, Object> extra) {
    return oauth2Client(server, world, t, provider, extra);
  }

  private String importFresh(Map<String, Object> extra) {
    return importTokens(member, t, client(extra), provider.issueTokens("read"), LIFETIME);
  }

  private static String bearer(Api.Response access) {
    return access.attributes().path("header").path("value").asText().substring("Bearer ".length());
  }
}
