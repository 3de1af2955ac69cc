package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.audit.AuditTrail;
import io.credflow.common.Timing;
import io.credflow.credential.Credential;
import io.credflow.credential.ExpiryListener;
import io.credflow.store.Jdbc;
import io.credflow.store.JdbcCredentialRepository;
import io.credflow.store.JdbcRefreshSchedule;
import io.credflow.store.SecretColumns;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.oauth.FakeInstagram;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.FakeOAuthProvider.TokenFailure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a failed refresh does (docs/tokens.md § "Refresh lifecycle", docs/security.md 12): a dead
 * grant needs a person and stops the schedule; a transient failure is retried with backoff (30 s
 * doubling, capped at 1 h, ±10%) and the credential stays usable while its token is; a wrong client
 * configuration is named as such.
 */
class RefreshFailureTest {
  private static final long LIFETIME = 3600;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("fail");

  private final SettableClock clock = credflow.clock();
  private final TestServer server = credflow.server();
  private final FakeOAuthProvider provider = credflow.provider();
  private final WorkspaceApi member = credflow.member();

  // ---- a dead grant ----

  @Test
  void scheduleWhenProviderAnswersInvalidGrantThenNeedsReauthWithAReasonAndTheScheduleStops() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    // The user withdrew consent at the provider: the refresh token is dead.
    provider.revokeToken(tokens.refreshToken().orElseThrow());

    clock.set(server.schedule(id).refreshAt().orElseThrow());
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isEqualTo(1);

    JsonNode attrs = member.attributes(id);
    assertThat(attrs.path("state").asText()).isEqualTo("needs_reauth");
    assertThat(attrs.path("error").path("code").asText()).isEqualTo("invalid_grant");
    assertThat(attrs.path("error").path("detail").asText())
        .contains("invalid_grant")
        .contains("authenticate the credential again");
    assertThat(server.schedule(id).refreshAt()).isEmpty();

    // The schedule stopped: days later nobody has called the provider again.
    for (int day = 0; day < 10; day++) {
      clock.advance(Duration.ofDays(1));
      server.runDueRefreshes();
    }
    assertThat(provider.tokenRequestCount()).isEqualTo(1);

    Api.Response events = member.events(id);
    assertThat(events.status()).as(events.text()).isEqualTo(200);
    assertThat(WorkspaceApi.eventTypes(events)).contains("credential.needs_reauth");
    assertNoSecrets(events.text(), tokens);
  }

  @Test
  void updateWhenANeedsReauthCredentialGetsNewTokensThenItIsReadyAndScheduledAgain() {
    FakeOAuthProvider.Tokens dead = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), dead, LIFETIME);
    provider.revokeToken(dead.refreshToken().orElseThrow());
    assertThat(member.refresh(id).error().path("code").asText()).isEqualTo("needs_reauth");
    assertThat(member.state(id)).isEqualTo("needs_reauth");
    assertThat(server.schedule(id).refreshAt()).isEmpty();

    // A person brings new tokens (as a re-authentication would).
    FakeOAuthProvider.Tokens fresh = provider.issueTokens("read");
    Api.Response updated = member.replaceTokens(id, fresh, LIFETIME);
    assertThat(updated.status()).as(updated.text()).isEqualTo(200);
    assertThat(updated.attributes().path("state").asText()).isEqualTo("ready");
    assertThat(updated.attributes().path("error").isNull()).isTrue();

    Instant due = server.schedule(id).refreshAt().orElseThrow();
    clock.set(due);
    server.runDueRefreshes();
    assertThat(
            provider.tokenRequests().get(provider.tokenRequestCount() - 1).param("refresh_token"))
        .isEqualTo(fresh.refreshToken());
    assertThat(member.state(id)).isEqualTo("ready");
    assertThat(provider.isAccessTokenValid(member.accessToken(id))).isTrue();
  }

  @Test
  void accessWhenCredentialNeedsReauthThen409WithTheReasonAndNoProviderCall() {
    provider.failNext(1, TokenFailure.INVALID_GRANT);
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    Api.Response refreshed = member.refresh(id);
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(409);
    assertThat(refreshed.error().path("code").asText()).isEqualTo("needs_reauth");
    assertThat(member.state(id)).isEqualTo("needs_reauth");

    Api.Response access = member.access(id);
    assertThat(access.status()).as(access.text()).isEqualTo(409);
    assertThat(access.error().path("code").asText()).isEqualTo("credential_not_ready");
    assertThat(access.error().path("detail").asText())
        .contains(id)
        .contains("needs_reauth")
        .contains("authenticate the credential again");
    assertNoSecrets(access.text(), tokens);
    // Even past expiry, using it calls nobody: only a person can fix it.
    clock.advance(Duration.ofSeconds(LIFETIME + 60));
    assertThat(member.access(id).status()).isEqualTo(409);
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void scheduleWhenThereIsNoRefreshTokenThenTheCredentialNeedsReauthAtExpiryWithoutAnyCall() {
    provider.issueRefreshTokens(false);
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    assertThat(tokens.refreshToken()).isEmpty();
    Instant imported = clock.instant();
    String id = member.importTokens(credflow.oauth2Client(), tokens, 600);
    Instant expires = imported.plusSeconds(600);

    // Due before expiry: nothing to refresh with, so it waits for the expiry, still usable.
    clock.set(server.schedule(id).refreshAt().orElseThrow());
    server.runDueRefreshes();
    assertThat(member.state(id)).isEqualTo("ready");
    assertThat(server.schedule(id).refreshAt()).contains(expires);

    clock.set(expires.plusSeconds(1));
    server.runDueRefreshes();
    JsonNode attrs = member.attributes(id);
    assertThat(attrs.path("state").asText()).isEqualTo("needs_reauth");
    assertThat(attrs.path("error").path("code").asText()).isEqualTo("no_refresh_token");
    assertThat(attrs.path("error").path("detail").asText())
        .contains("no refresh token")
        .contains("authenticate the credential again");
    assertThat(provider.tokenRequestCount()).isZero();
    assertThat(WorkspaceApi.eventTypes(member.events(id))).contains("credential.needs_reauth");
  }

  // ---- transient failures ----

  @Test
  void
      scheduleWhenTokenEndpointFailsTransientlyThenBackoffDoublesFromThirtySecondsCappedAtAnHour() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    Instant imported = clock.instant();
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    Instant expires = imported.plusSeconds(LIFETIME);
    TokenFailure[] kinds = {
      TokenFailure.HTTP_500, TokenFailure.TEMPORARILY_UNAVAILABLE, TokenFailure.HTTP_503_EMPTY
    };
    int failures = 9;
    for (int i = 0; i < failures; i++) {
      provider.failNext(1, kinds[i % kinds.length]);
    }

    Instant due = server.schedule(id).refreshAt().orElseThrow();
    for (int n = 1; n <= failures; n++) {
      // Not a moment early...
      clock.set(due.minusSeconds(1));
      server.runDueRefreshes();
      assertThat(provider.tokenRequestCount()).as("requests before attempt %d", n).isEqualTo(n - 1);
      // ...and exactly once when due.
      clock.set(due);
      Instant failedAt = clock.instant();
      server.runDueRefreshes();
      assertThat(provider.tokenRequestCount()).as("requests after attempt %d", n).isEqualTo(n);

      RefreshSchedule.Entry entry = server.schedule(id);
      assertThat(entry.failures()).isEqualTo(n);
      Duration backoff = Duration.ofSeconds(Math.min(30L << (n - 1), 3600));
      Duration waited = Duration.between(failedAt, entry.refreshAt().orElseThrow());
      assertThat(waited)
          .as("backoff after failure %d", n)
          .isBetween(backoff.multipliedBy(9).dividedBy(10), backoff.multipliedBy(11).dividedBy(10));

      JsonNode attrs = member.attributes(id);
      if (failedAt.isBefore(expires)) {
        // The token still works: the credential stays ready and usable.
        assertThat(attrs.path("state").asText()).as("state after failure %d", n).isEqualTo("ready");
        assertThat(attrs.path("error").isNull()).isTrue();
      } else {
        assertThat(attrs.path("state").asText()).as("state after failure %d", n).isEqualTo("error");
        assertThat(attrs.path("error").path("code").asText()).isEqualTo("provider_unavailable");
        assertThat(attrs.path("error").path("detail").asText()).contains("expired");
      }
      due = entry.refreshAt().orElseThrow();
    }
    // Refused requests changed nothing at the provider: the refresh token is still good.
    assertThat(provider.isRefreshTokenValid(tokens.refreshToken().orElseThrow())).isTrue();

    // The provider works again: the next retry recovers the credential.
    clock.set(due);
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isEqualTo(failures + 1);
    JsonNode attrs = member.attributes(id);
    assertThat(attrs.path("state").asText()).isEqualTo("ready");
    assertThat(attrs.path("error").isNull()).isTrue();
    assertThat(server.schedule(id).failures()).isZero();
    assertThat(provider.isAccessTokenValid(member.accessToken(id))).isTrue();
    assertThat(provider.reuseDetected()).isZero();

    Api.Response events = member.events(id);
    assertThat(WorkspaceApi.eventTypes(events))
        .contains("credential.refresh_failed", "credential.error", "credential.refreshed");
    assertNoSecrets(events.text(), tokens);
  }

  @Test
  void accessWhenCredentialIsInErrorAndTheProviderRecoveredThenItIsRefreshedOnUseAndReady() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    Instant imported = clock.instant();
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    provider.failNext(2, TokenFailure.HTTP_503_EMPTY);

    // Expired, and the provider down: the scheduled refresh and a use both fail.
    clock.set(imported.plusSeconds(LIFETIME + 1));
    server.runDueRefreshes();
    Api.Response refused = member.access(id);
    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    assertThat(refused.error().path("detail").asText()).contains("error");
    assertThat(provider.tokenRequestCount()).isEqualTo(2);

    // The provider is back: the next use refreshes and succeeds, before the scheduled retry.
    String fresh = member.accessToken(id);
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
    assertThat(provider.tokenRequestCount()).isEqualTo(3);
    JsonNode attrs = member.attributes(id);
    assertThat(attrs.path("state").asText()).isEqualTo("ready");
    assertThat(attrs.path("error").isNull()).isTrue();
    assertThat(server.schedule(id).failures()).isZero();
  }

  @Test
  void accessWhenARetryIsPendingAndTheTokenStillWorksThenTheTokenIsHandedOutWithoutACall() {
    provider.failNext(1, TokenFailure.HTTP_500);
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    clock.set(server.schedule(id).refreshAt().orElseThrow());
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
    assertThat(server.schedule(id).failures()).isEqualTo(1);

    assertThat(member.accessToken(id)).isEqualTo(tokens.accessToken());
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void refreshWhenTokenEndpointAnswersSlowerThanTheTimeoutThenItIsRetriedLaterAndRecovers() {
    // Rotation off: a request the client gave up on must not have spent the only refresh token.
    provider.rotateRefreshTokens(false);
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    // A second process on the same database whose token client waits 300 ms, not 10 s.
    var services = server.credflow().services();
    Jdbc jdbc = server.credflow().database().jdbc();
    JdbcCredentialRepository repository =
        new JdbcCredentialRepository(jdbc, new SecretColumns(services.keyring()), clock);
    RefreshService impatient =
        new RefreshService(
            repository,
            services.authClients()::findUnchecked,
            new JdbcRefreshSchedule(jdbc),
            new OAuthProviders(TokenHttp.create(services.outbound(), Duration.ofMillis(300))),
            services.events(),
            RefreshPolicy.defaults(),
            jdbc,
            Timing.of(clock),
            ExpiryListener.NONE,
            AuditTrail.NONE,
            new SimpleMeterRegistry());
    provider.responseDelay(Duration.ofSeconds(2));
    Credential before = repository.find(id).orElseThrow();
    Instant failedAt = clock.instant();
    Credential after = impatient.refresh(id, new RefreshService.Trigger.Forced(before.version()));
    provider.responseDelay(Duration.ZERO);

    assertThat(provider.tokenRequestCount()).isEqualTo(1);
    assertThat(after.state().wireName()).isEqualTo("ready");
    RefreshSchedule.Entry entry = server.schedule(id);
    assertThat(entry.failures()).isEqualTo(1);
    assertThat(Duration.between(failedAt, entry.refreshAt().orElseThrow()))
        .isBetween(Duration.ofSeconds(27), Duration.ofSeconds(33));
    assertThat(member.events(id).text()).contains("timed out");

    clock.set(entry.refreshAt().orElseThrow());
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isEqualTo(2);
    assertThat(server.schedule(id).failures()).isZero();
    String fresh = member.accessToken(id);
    assertThat(fresh).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
  }

  // ---- configuration errors ----

  @Test
  void scheduleWhenClientSecretIsWrongThenTheErrorNamesTheAuthClientConfiguration() {
    String authClient = credflow.oauth2Client();
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    Instant imported = clock.instant();
    String id = member.importTokens(authClient, tokens, LIFETIME);
    patchClientSecret(authClient, "not-the-secret");

    // Before expiry: retried, still ready, and the event says what to fix.
    clock.set(server.schedule(id).refreshAt().orElseThrow());
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
    assertThat(member.state(id)).isEqualTo("ready");
    Api.Response events = member.events(id);
    assertThat(events.text())
        .contains("credential.refresh_failed")
        .contains("auth-client " + authClient)
        .contains("invalid_client")
        .contains("client_id/client_secret")
        .doesNotContain("not-the-secret");

    // Expired and still refused: the credential's error names the auth-client.
    clock.set(imported.plusSeconds(LIFETIME + 1));
    server.runDueRefreshes();
    JsonNode attrs = member.attributes(id);
    assertThat(attrs.path("state").asText()).isEqualTo("error");
    assertThat(attrs.path("error").path("code").asText()).isEqualTo("auth_client_misconfigured");
    assertThat(attrs.path("error").path("detail").asText())
        .contains("auth-client " + authClient)
        .contains("oauth2")
        .contains("client_id/client_secret");
    Api.Response access = member.access(id);
    assertThat(access.status()).isEqualTo(409);
    assertThat(access.error().path("detail").asText()).contains("auth-client " + authClient);

    // Fixed by an admin: the next retry recovers it.
    patchClientSecret(authClient, provider.clientSecret());
    clock.set(server.schedule(id).refreshAt().orElseThrow());
    server.runDueRefreshes();
    assertThat(member.state(id)).isEqualTo("ready");
    assertThat(provider.isAccessTokenValid(member.accessToken(id))).isTrue();
  }

  // ---- Instagram ----

  @Test
  void refreshWhenInstagramAnswersGraphError190ThenNeedsReauthAndNoTokenInTheRecord() {
    try (FakeInstagram instagram = FakeInstagram.start(clock::instant)) {
      String authClient = credflow.instagramClient(instagram);
      String token = instagram.issueLongLivedToken();
      String id = member.importInstagram(authClient, token, FakeInstagram.LONG_LIVED_EXPIRES_IN);
      // The user removed the app.
      instagram.invalidate(token);

      clock.advance(Duration.ofHours(25));
      server.runDueRefreshes();
      Api.Response refreshed = member.refresh(id);
      assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(409);
      assertThat(refreshed.error().path("code").asText()).isEqualTo("needs_reauth");
      assertThat(refreshed.error().path("detail").asText()).contains("graph_190");
      assertThat(instagram.requestCount(FakeInstagram.Endpoint.REFRESH)).isEqualTo(1);
      JsonNode attrs = member.attributes(id);
      assertThat(attrs.path("state").asText()).isEqualTo("needs_reauth");
      assertThat(attrs.path("error").path("code").asText()).isEqualTo("graph_190");
      assertThat(attrs.path("error").path("detail").asText())
          .contains("authenticate the credential again");
      assertThat(server.schedule(id).refreshAt()).isEmpty();

      Api.Response access = member.access(id);
      assertThat(access.status()).isEqualTo(409);
      Api.Response events = member.events(id);
      assertThat(WorkspaceApi.eventTypes(events)).contains("credential.needs_reauth");
      assertThat(events.text() + refreshed.text() + access.text())
          .doesNotContain(token)
          .doesNotContain(instagram.clientSecret());

      // No retry: the schedule is stopped.
      clock.advance(Duration.ofDays(60));
      server.runDueRefreshes();
      assertThat(instagram.requestCount(FakeInstagram.Endpoint.REFRESH)).isEqualTo(1);
    }
  }

  @Test
  void refreshWhenInstagramFailsTransientlyThenItStaysReadyAndIsRetriedWithBackoff() {
    try (FakeInstagram instagram = FakeInstagram.start(clock::instant)) {
      String authClient = credflow.instagramClient(instagram);
      String token = instagram.issueLongLivedToken();
      String id = member.importInstagram(authClient, token, FakeInstagram.LONG_LIVED_EXPIRES_IN);
      instagram.failNext(1, FakeInstagram.Failure.HTTP_500);

      clock.set(server.schedule(id).refreshAt().orElseThrow());
      Instant failedAt = clock.instant();
      server.runDueRefreshes();
      assertThat(instagram.requestCount(FakeInstagram.Endpoint.REFRESH)).isEqualTo(1);
      assertThat(member.state(id)).isEqualTo("ready");
      RefreshSchedule.Entry entry = server.schedule(id);
      assertThat(entry.failures()).isEqualTo(1);
      assertThat(Duration.between(failedAt, entry.refreshAt().orElseThrow()))
          .isBetween(Duration.ofSeconds(27), Duration.ofSeconds(33));

      clock.set(entry.refreshAt().orElseThrow());
      server.runDueRefreshes();
      assertThat(instagram.requestCount(FakeInstagram.Endpoint.REFRESH)).isEqualTo(2);
      String fresh = member.access(id).attributes().path("query").path("value").asText();
      assertThat(fresh).isNotEqualTo(token);
      assertThat(instagram.isLongLivedTokenValid(fresh)).isTrue();
      assertThat(instagram.earlyRefreshAttempts()).isZero();
    }
  }

  private void patchClientSecret(String authClient, String secret) {
    Api.Response r =
        AuthClients.patchCredentials(server.admin(), authClient, Map.of("client_secret", secret));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  /** Neither the imported tokens, nor any refresh token the provider saw, nor the client secret. */
  private void assertNoSecrets(String text, FakeOAuthProvider.Tokens tokens) {
    assertThat(text).doesNotContain(tokens.accessToken()).doesNotContain(provider.clientSecret());
    tokens.refreshToken().ifPresent(r -> assertThat(text).doesNotContain(r));
    provider.tokenRequests().stream()
        .flatMap(r -> r.param("refresh_token").stream())
        .forEach(r -> assertThat(text).doesNotContain(r));
  }
}
