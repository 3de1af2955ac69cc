package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refresh on use ({@code …/access} within the 60 s skew), on request ({@code POST …/refresh}), and
 * what a refresh does with the token response: rotation, a missing refresh token, a missing {@code
 * expires_in}, and never a {@code scope}. The server's refresh poller does not run (and nothing
 * here runs it by hand), so every refresh here is one these calls caused.
 */
class RefreshOnUseTest {
  private static final long LIFETIME = 3600;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("use");

  private final SettableClock clock = credflow.clock();
  private final FakeOAuthProvider provider = credflow.provider();
  private final WorkspaceApi member = credflow.member();

  @Test
  void accessWhenTokenExpiresWithinSixtySecondsThenItIsRefreshedFirstAndTheNewTokenReturned() {
    String id = importFresh(Map.of());
    String old = member.accessToken(id);
    Instant expires = clock.instant().plusSeconds(LIFETIME);

    clock.set(expires.minusSeconds(59));
    Api.Response access = member.access(id);
    assertThat(access.status()).as(access.text()).isEqualTo(200);
    String fresh = WorkspaceApi.bearer(access);
    assertThat(fresh).isNotEqualTo(old);
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
    assertThat(Instant.parse(access.attributes().path("expires_at").asText()))
        .isEqualTo(clock.instant().plusSeconds(LIFETIME));
    assertThat(member.events(id).text()).contains("on use");

    // The next use finds a fresh token: no second refresh.
    assertThat(member.accessToken(id)).isEqualTo(fresh);
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void accessWhenTokenHasAlreadyExpiredThenItIsRefreshedFirst() {
    String id = importFresh(Map.of());
    String old = member.accessToken(id);

    clock.advance(Duration.ofSeconds(LIFETIME + 600));
    assertThat(provider.isAccessTokenValid(old)).isFalse();
    String fresh = member.accessToken(id);
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
  }

  @Test
  void accessWhenTokenExpiresLaterThanTheSkewThenNoRefresh() {
    String id = importFresh(Map.of());
    String old = member.accessToken(id);

    clock.advance(Duration.ofSeconds(LIFETIME - 61));
    assertThat(member.accessToken(id)).isEqualTo(old);
    assertThat(provider.tokenRequestCount()).isZero();
  }

  @Test
  void refreshWhenPostedThenTheTokensAreRefreshedNowAndTheCredentialReturned() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read write");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    Api.Response refreshed = member.refresh(id);
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
    String fresh = member.accessToken(id);
    assertThat(fresh).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
  }

  @Test
  void refreshWhenProviderRotatesThenEveryRefreshPresentsTheLatestTokenAndNoneIsEverReused() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read write");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    for (int i = 0; i < 30; i++) {
      if (i % 2 == 0) {
        Api.Response r = member.refresh(id);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.attributes().path("state").asText()).isEqualTo("ready");
      } else {
        clock.advance(Duration.ofSeconds(LIFETIME));
        assertThat(provider.isAccessTokenValid(member.accessToken(id))).isTrue();
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
    assertThat(provider.isAccessTokenValid(member.accessToken(id))).isTrue();
  }

  @Test
  void refreshWhenResponseCarriesNoRefreshTokenThenTheOldOneIsKeptAndWorksNextTime() {
    provider.rotateRefreshTokens(false);
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String original = tokens.refreshToken().orElseThrow();
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    for (int i = 0; i < 3; i++) {
      Api.Response r = member.refresh(id);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.attributes().path("has_refresh_token").asBoolean()).isTrue();
    }
    assertThat(provider.tokenRequests())
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.param("refresh_token")).contains(original));
    assertThat(provider.isRefreshTokenValid(original)).isTrue();

    // The provider starts rotating again: the kept token works once, then the new one is used.
    provider.rotateRefreshTokens(true);
    member.refresh(id);
    member.refresh(id);
    List<RecordedRequest> all = provider.tokenRequests();
    assertThat(all).hasSize(5);
    assertThat(all.get(3).param("refresh_token")).contains(original);
    assertThat(all.get(4).param("refresh_token")).isPresent().isNotEqualTo(Optional.of(original));
    assertThat(provider.reuseDetected()).isZero();
    assertThat(provider.isAccessTokenValid(member.accessToken(id))).isTrue();
  }

  @Test
  void refreshWhenResponseCarriesNoExpiresInThenTheAuthClientTokenExpiresInApplies() {
    provider.advertiseExpiresIn(false);
    String authClient = credflow.oauth2Client(Map.of("token_expires_in", 5400));
    String id = member.importTokens(authClient, provider.issueTokens("read"), LIFETIME);

    Api.Response r = member.refresh(id);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    Instant now = clock.instant();
    assertThat(Instant.parse(r.attributes().path("expires_at").asText()))
        .isEqualTo(now.plusSeconds(5400));
    // And the schedule follows that lifetime: 10% of 5400 s = 540 s ±10% before expiry.
    assertThat(credflow.server().schedule(id).refreshAt().orElseThrow())
        .isBetween(now.plusSeconds(5400 - 594), now.plusSeconds(5400 - 486));
  }

  @Test
  void refreshWhenSentThenItNeverCarriesAScopeAndTheGrantedScopeIsKept() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read write");
    String authClient = credflow.oauth2Client(Map.of("scopes", List.of("read", "write", "admin")));
    String id =
        member.create(
            Credentials.named("scoped")
                .authClient(authClient)
                .tokens(tokens, LIFETIME)
                .secret("scope", "read write"));

    member.refresh(id);
    provider.echoScope(false);
    member.refresh(id);
    clock.advance(Duration.ofSeconds(LIFETIME));
    member.accessToken(id);

    assertThat(provider.tokenRequests())
        .hasSize(3)
        .allSatisfy(
            r -> {
              assertThat(r.grantType()).isEqualTo("refresh_token");
              assertThat(r.param("scope")).isEmpty();
              assertThat(r.body()).doesNotContain("scope");
            });
    assertThat(member.attributes(id).path("scope").asText()).isEqualTo("read write");
  }

  private String importFresh(Map<String, Object> extra) {
    return member.importTokens(
        credflow.oauth2Client(extra), provider.issueTokens("read"), LIFETIME);
  }
}
