package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.store.JdbcRefreshSchedule;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ManualTime;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeInstagram;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The proactive refresh schedule of docs/tokens.md § "Refresh lifecycle": due at {@code expires_at
 * - margin}, margin = clamp(10% of the lifetime, 60 s, 7 days) ±10% jitter; Instagram never before
 * the token is 24 hours old. Time moves on a {@link SettableClock} shared by the server and the
 * fakes; nothing sleeps.
 */
class RefreshScheduleTest {
  private static final Instant ISSUED = Instant.parse("2030-01-01T00:00:00Z");

  /** The earliest refresh a plain OAuth2 provider allows for a token issued at ISSUED. */
  private static final Instant ANY_TIME = ISSUED;

  /** Instagram's: the token must be 24 hours old. */
  private static final Instant INSTAGRAM_EARLIEST = ISSUED.plus(InstagramProvider.MIN_AGE);

  // Real jitter: one test looks at how the server spreads refresh times.
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().settableClock().fakeOAuthProviderPerTest().tenancyPerTest("sched");

  private final SettableClock clock = credflow.clock();
  private final TestServer server = credflow.server();
  private final FakeOAuthProvider provider = credflow.provider();
  private final WorkspaceApi member = credflow.member();

  // ---- RefreshPolicy.nextRefresh, directly ----

  @Test
  void nextRefreshWhenOneHourTokenThenDueSixMinutesBeforeExpiryWithinTenPercentJitter() {
    Instant expires = ISSUED.plus(Duration.ofHours(1));
    // margin = 10% of 3600 s = 360 s; jitter ±36 s.
    assertMargin(expires, Duration.ofSeconds(324), Duration.ofSeconds(396));
  }

  @Test
  void nextRefreshWhenFiveMinuteTokenThenMarginIsClampedToSixtySecondsBeforeJitter() {
    Instant expires = ISSUED.plus(Duration.ofMinutes(5));
    // 10% of 300 s is 30 s, below the 60 s floor; jitter ±6 s.
    assertMargin(expires, Duration.ofSeconds(54), Duration.ofSeconds(66));
  }

  @Test
  void nextRefreshWhenSixtyDayTokenThenDueSixDaysBeforeExpiryWithinTenPercentJitter() {
    Instant expires = ISSUED.plus(Duration.ofDays(60));
    // 10% of 60 days is 6 days (under the 7-day cap); jitter ±0.6 days.
    assertMargin(
        expires, Duration.ofHours(129).plusMinutes(36), Duration.ofHours(158).plusMinutes(24));
  }

  @Test
  void nextRefreshWhenHundredDayTokenThenMarginIsCappedAtSevenDaysBeforeJitter() {
    Instant expires = ISSUED.plus(Duration.ofDays(100));
    // 10% of 100 days is 10 days, over the 7-day cap; jitter ±0.7 days.
    assertMargin(
        expires, Duration.ofHours(151).plusMinutes(12), Duration.ofHours(184).plusMinutes(48));
  }

  @Test
  void nextRefreshWhenInstagramTokenIsShortLivedThenNotBeforeItIsTwentyFourHoursOld() {
    Instant oneHour = ISSUED.plus(Duration.ofHours(1));
    Instant dayAndHour = ISSUED.plus(Duration.ofHours(25));
    assertThat(at(ManualTime.LOWEST, INSTAGRAM_EARLIEST, ISSUED, oneHour))
        .isEqualTo(ISSUED.plus(Duration.ofHours(24)));
    assertThat(at(ManualTime.HIGHEST, INSTAGRAM_EARLIEST, ISSUED, dayAndHour))
        .isEqualTo(ISSUED.plus(Duration.ofHours(24)));
    // The same lifetime for plain oauth2 is not held back.
    assertThat(at(ManualTime.HIGHEST, ANY_TIME, ISSUED, dayAndHour))
        .isBefore(ISSUED.plus(Duration.ofHours(24)));
    // A 60-day Instagram token follows the ordinary margin.
    Instant sixtyDays = ISSUED.plus(Duration.ofDays(60));
    assertThat(at(ManualTime.LOWEST, INSTAGRAM_EARLIEST, ISSUED, sixtyDays))
        .isEqualTo(at(ManualTime.LOWEST, ANY_TIME, ISSUED, sixtyDays));
  }

  @Test
  void nextRefreshWhenTokenNeverExpiresThenNothingIsScheduled() {
    assertThat(RefreshPolicy.defaults().nextRefresh(ISSUED, Optional.<Instant>empty(), ISSUED))
        .isEmpty();
  }

  @Test
  void nextRefreshWhenManyTokensExpireTogetherThenTheirRefreshTimesAreSpread() {
    RefreshPolicy policy = RefreshPolicy.defaults();
    Instant expires = ISSUED.plus(Duration.ofHours(1));
    Set<Instant> times = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      times.add(policy.nextRefresh(ISSUED, Optional.of(expires), ISSUED).orElseThrow());
    }
    // ±36 s at millisecond resolution: 100 draws are nearly all different.
    assertThat(times).hasSizeGreaterThan(90);
  }

  // ---- end to end over HTTP, with the fake provider ----

  @Test
  void scheduleWhenTokenIsImportedThenNothingIsRefreshedBeforeTheDueTimeAndExactlyOnceAfter() {
    String authClient = credflow.oauth2Client();
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read write");
    Instant imported = clock.instant();
    String id = member.importTokens(authClient, tokens, 3600);

    Instant expires = imported.plusSeconds(3600);
    Instant due = server.schedule(id).refreshAt().orElseThrow();
    assertThat(due).isBetween(expires.minusSeconds(396), expires.minusSeconds(324));

    clock.set(due.minusSeconds(1));
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isZero();
    assertThat(member.accessToken(id)).isEqualTo(tokens.accessToken());

    clock.set(due.plusSeconds(1));
    server.runDueRefreshes();
    Instant refreshedAt = clock.instant();
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
    assertThat(provider.tokenRequests().get(0).param("refresh_token"))
        .contains(tokens.refreshToken().orElseThrow());

    JsonNode attrs = member.attributes(id);
    assertThat(attrs.path("state").asText()).isEqualTo("ready");
    assertThat(Instant.parse(attrs.path("expires_at").asText()))
        .isEqualTo(refreshedAt.plusSeconds(FakeOAuthProvider.DEFAULT_EXPIRES_IN));
    String newAccess = member.accessToken(id);
    assertThat(newAccess).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(newAccess)).isTrue();
    // Rotated: the imported refresh token is spent, and the next refresh is scheduled afresh.
    assertThat(provider.isRefreshTokenValid(tokens.refreshToken().orElseThrow())).isFalse();
    RefreshSchedule.Entry next = server.schedule(id);
    assertThat(next.refreshAt().orElseThrow())
        .isBetween(refreshedAt.plusSeconds(3600 - 396), refreshedAt.plusSeconds(3600 - 324));
    assertThat(next.tokenIssuedAt()).isEqualTo(refreshedAt);

    // Running the scheduler again right away changes nothing.
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
    assertThat(provider.reuseDetected()).isZero();
  }

  @Test
  void scheduleWhenRefreshedThenTheRefreshedEventIsRecordedWithoutSecrets() {
    String authClient = credflow.oauth2Client();
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(authClient, tokens, 600);

    clock.set(server.schedule(id).refreshAt().orElseThrow());
    server.runDueRefreshes();
    String newAccess = member.accessToken(id);

    Api.Response events = member.events(id);
    assertThat(events.status()).as(events.text()).isEqualTo(200);
    assertThat(WorkspaceApi.eventTypes(events))
        .containsExactly("credential.created", "credential.refreshed");
    assertThat(events.text())
        .contains("on schedule")
        .doesNotContain(tokens.accessToken())
        .doesNotContain(tokens.refreshToken().orElseThrow())
        .doesNotContain(newAccess)
        .doesNotContain(provider.clientSecret());
  }

  @Test
  void scheduleWhenManyCredentialsAreImportedTogetherThenTheirRefreshTimesDiffer() {
    String authClient = credflow.oauth2Client();
    Set<Instant> due = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      String id = member.importTokens(authClient, provider.issueTokens("read"), 3600);
      due.add(server.schedule(id).refreshAt().orElseThrow());
    }
    assertThat(due).hasSizeGreaterThanOrEqualTo(6);
  }

  @Test
  void scheduleWhenServerRestartsThenTheDueRefreshStillHappensOnceInTheNewProcess() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read write");
    String id = member.importTokens(credflow.oauth2Client(), tokens, 3600);
    Instant due = server.schedule(id).refreshAt().orElseThrow();

    TestServer restarted = credflow.restart();
    assertThat(restarted.schedule(id).refreshAt()).contains(due);
    WorkspaceApi member2 = credflow.member();

    clock.set(due.minusSeconds(1));
    restarted.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isZero();

    clock.set(due.plusSeconds(1));
    restarted.runDueRefreshes();
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
    String newAccess = member2.accessToken(id);
    assertThat(newAccess).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(newAccess)).isTrue();
    assertThat(member2.state(id)).isEqualTo("ready");
  }

  @Test
  void scheduleWhenAnotherProcessDiedHoldingTheLeaseThenTheRefreshWaitsUntilTheLeaseExpires() {
    String authClient = credflow.oauth2Client();
    String id = member.importTokens(authClient, provider.issueTokens("read"), 3600);
    Instant due = server.schedule(id).refreshAt().orElseThrow();

    // A process took the lease just before the due time and was killed: it never gives it back.
    clock.set(due.minusSeconds(5));
    Instant leaseUntil = clock.instant().plus(RefreshPolicy.DEFAULT_LEASE);
    assertThat(
            new JdbcRefreshSchedule(server.credflow().database().jdbc())
                .tryLease(id, "killed-process", clock.instant(), leaseUntil))
        .isTrue();

    clock.set(due.plusSeconds(1));
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isZero();

    clock.set(leaseUntil.plusSeconds(1));
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
    RefreshSchedule.Entry entry = server.schedule(id);
    assertThat(entry.leaseOwner()).isEmpty();
    assertThat(entry.refreshAt().orElseThrow()).isAfter(clock.instant().plusSeconds(3000));
    assertThat(member.state(id)).isEqualTo("ready");
  }

  // ---- Instagram: never before the token is 24 hours old ----

  @Test
  void scheduleWhenInstagramTokenImportedWithShortExpiryThenInstagramIsNeverCalledEarly() {
    try (FakeInstagram instagram = FakeInstagram.start(clock::instant)) {
      String authClient = credflow.instagramClient(instagram);
      Instant imported = clock.instant();
      String token = instagram.issueLongLivedToken();
      String id = member.importInstagram(authClient, token, 3600);
      assertThat(server.schedule(id).refreshAt())
          .contains(imported.plus(FakeInstagram.MIN_REFRESH_AGE));

      // On use within the skew, on request and in steps through the first day: no call at all.
      clock.set(imported.plusSeconds(3600 - 30));
      server.runDueRefreshes();
      Api.Response access = member.access(id);
      assertThat(access.status()).as(access.text()).isEqualTo(200);
      Api.Response forced = member.refresh(id);
      assertThat(forced.status()).as(forced.text()).isEqualTo(409);
      assertThat(forced.error().path("code").asText()).isEqualTo("not_refreshable_yet");
      assertThat(forced.error().path("detail").asText())
          .contains("not before " + imported.plus(FakeInstagram.MIN_REFRESH_AGE));
      for (int hour = 2; hour < 24; hour += 3) {
        clock.set(imported.plus(Duration.ofHours(hour)));
        server.runDueRefreshes();
      }
      clock.set(imported.plus(FakeInstagram.MIN_REFRESH_AGE).minusSeconds(1));
      server.runDueRefreshes();
      assertThat(instagram.requestCount(FakeInstagram.Endpoint.REFRESH)).isZero();
      assertThat(instagram.earlyRefreshAttempts()).isZero();

      // At 24 hours the token has expired by its stated lifetime: not refreshable any more.
      clock.set(imported.plus(FakeInstagram.MIN_REFRESH_AGE).plusSeconds(1));
      server.runDueRefreshes();
      assertThat(instagram.earlyRefreshAttempts()).isZero();
      assertThat(instagram.requestCount(FakeInstagram.Endpoint.REFRESH)).isZero();
      JsonNode attrs = member.attributes(id);
      assertThat(attrs.path("state").asText()).isEqualTo("needs_reauth");
      assertThat(attrs.path("error").path("detail").asText()).contains("authenticate again");
    }
  }

  @Test
  void scheduleWhenInstagramTokenTurnsTwentyFourHoursOldThenItIsRefreshedExactlyOnce() {
    try (FakeInstagram instagram = FakeInstagram.start(clock::instant)) {
      String authClient = credflow.instagramClient(instagram);
      Instant imported = clock.instant();
      String token = instagram.issueLongLivedToken();
      // 25 hours: the ordinary margin (2.5 h) would fall before the 24-hour mark.
      String id = member.importInstagram(authClient, token, 25 * 3600);
      Instant oldEnough = imported.plus(FakeInstagram.MIN_REFRESH_AGE);
      assertThat(server.schedule(id).refreshAt()).contains(oldEnough);

      clock.set(oldEnough.minusSeconds(1));
      server.runDueRefreshes();
      assertThat(instagram.requestCount(FakeInstagram.Endpoint.REFRESH)).isZero();

      clock.set(oldEnough.plusSeconds(1));
      server.runDueRefreshes();
      Instant refreshedAt = clock.instant();
      assertThat(instagram.requestCount(FakeInstagram.Endpoint.REFRESH)).isEqualTo(1);
      assertThat(instagram.earlyRefreshAttempts()).isZero();

      JsonNode attrs = member.attributes(id);
      assertThat(attrs.path("state").asText()).isEqualTo("ready");
      assertThat(Instant.parse(attrs.path("expires_at").asText()))
          .isEqualTo(refreshedAt.plusSeconds(FakeInstagram.LONG_LIVED_EXPIRES_IN));
      Api.Response access = member.access(id);
      String newToken = access.attributes().path("query").path("value").asText();
      assertThat(newToken).isNotEqualTo(token);
      assertThat(instagram.isLongLivedTokenValid(newToken)).isTrue();
      // The new token is 24 hours away from its own next refresh at least.
      assertThat(server.schedule(id).refreshAt().orElseThrow())
          .isAfterOrEqualTo(refreshedAt.plus(FakeInstagram.MIN_REFRESH_AGE));
    }
  }

  // ---- helpers, also used by the other Refresh*Test and Revocation*Test classes ----

  private static Instant at(
      RandomGenerator random, Instant earliest, Instant issued, Instant expires) {
    return new RefreshPolicy(RefreshPolicy.DEFAULT_SKEW, RefreshPolicy.DEFAULT_LEASE, random)
        .nextRefresh(issued, Optional.of(expires), earliest)
        .orElseThrow();
  }

  /**
   * The lowest draw refreshes {@code smallest} before {@code expires}, the highest {@code largest}
   * before, and many draws of the real random source fall in between.
   */
  private static void assertMargin(Instant expires, Duration smallest, Duration largest) {
    assertThat(at(ManualTime.LOWEST, ANY_TIME, ISSUED, expires)).isEqualTo(expires.minus(smallest));
    assertThat(at(ManualTime.HIGHEST, ANY_TIME, ISSUED, expires)).isEqualTo(expires.minus(largest));
    assertWithinBounds(expires, smallest, largest);
  }

  /** Many draws from the real (secure) random source all fall inside the jittered margin. */
  private static void assertWithinBounds(Instant expires, Duration minMargin, Duration maxMargin) {
    RefreshPolicy policy = RefreshPolicy.defaults();
    for (int i = 0; i < 500; i++) {
      Instant at = policy.nextRefresh(ISSUED, Optional.of(expires), ISSUED).orElseThrow();
      assertThat(at).isBetween(expires.minus(maxMargin), expires.minus(minMargin));
    }
  }

  // Still used by OutboundTokenCallTest.

  static RefreshSchedule.Entry scheduleOf(TestServer server, String credentialId) {
    return server.schedule(credentialId);
  }

  static String importTokens(
      Api api,
      World.Tenancy t,
      String authClient,
      FakeOAuthProvider.Tokens tokens,
      long expiresIn) {
    return new WorkspaceApi(api, t.workspace()).importTokens(authClient, tokens, expiresIn);
  }

  static String credentialPath(World.Tenancy t, String id) {
    return new WorkspaceApi(null, t.workspace()).credentialPath(id);
  }

  static String eventsPath(World.Tenancy t, String id) {
    return new WorkspaceApi(null, t.workspace()).eventsPath(id);
  }
}
