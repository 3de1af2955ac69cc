package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.credential.Credential;
import io.credflow.credential.RefreshResult;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.FakeOAuthProvider.TokenFailure;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST …/credentials/{id}/refresh} says what happened (docs/api.md § Credentials): new
 * tokens or none needed is a {@code 200} whose {@code meta.refresh} says which; a refused grant is
 * a {@code 409 needs_reauth} with the provider's reason; a provider that fails is a {@code 502}
 * with the reason, the credential keeping the token it has. Never a plain "ready" for a refresh
 * that did not happen.
 */
class RefreshOnRequestTest {
  private static final long LIFETIME = 3600;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("on-request");

  private final SettableClock clock = credflow.clock();
  private final TestServer server = credflow.server();
  private final FakeOAuthProvider provider = credflow.provider();
  private final WorkspaceApi member = credflow.member();

  @Test
  void refreshWhenTheProviderIssuesTokensThen200SaysRefreshedAndTheNewTokenIsHandedOut() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    Api.Response refreshed = member.refresh(id);
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(200);
    assertThat(refreshed.body().path("meta").path("refresh").path("outcome").asText())
        .isEqualTo("refreshed");
    assertThat(refreshed.attributes().path("state").asText()).isEqualTo("ready");
    String token = member.accessToken(id);
    assertThat(token).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(token)).isTrue();
  }

  @Test
  void refreshWhenTheProviderIsDownThen502WithTheReasonAndTheCredentialKeepsItsToken() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    Instant imported = clock.instant();
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    provider.failNext(1, TokenFailure.HTTP_503_EMPTY);

    Api.Response refreshed = member.refresh(id);
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(502);
    assertThat(refreshed.error().path("code").asText()).isEqualTo("provider_unavailable");
    assertThat(refreshed.error().path("detail").asText())
        .contains(id)
        .contains("was not refreshed")
        .contains("503")
        .contains("keeps its current token, which works until " + imported.plusSeconds(LIFETIME))
        .contains("retried with backoff");
    assertThat(refreshed.text()).doesNotContain(tokens.refreshToken().orElseThrow());

    assertThat(member.state(id)).isEqualTo("ready");
    assertThat(member.accessToken(id)).isEqualTo(tokens.accessToken());
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
    assertThat(server.schedule(id).failures()).isEqualTo(1);
    assertThat(member.eventTypes(id)).contains("credential.refresh_failed");
  }

  @Test
  void refreshWhenTheProviderRefusesTheGrantThen409NeedsReauthWithTheProvidersReason() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    provider.failNext(1, TokenFailure.INVALID_GRANT);

    Api.Response refreshed = member.refresh(id);
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(409);
    assertThat(refreshed.error().path("code").asText()).isEqualTo("needs_reauth");
    assertThat(refreshed.error().path("detail").asText())
        .contains(id)
        .contains("now needs_reauth")
        .contains("invalid_grant (forced by the test)")
        .contains("authenticate the credential again");
    assertThat(member.state(id)).isEqualTo("needs_reauth");
    assertThat(member.eventTypes(id)).contains("credential.needs_reauth");
  }

  @Test
  void refreshWhenTheProviderRefusesTheClientThen502NamingTheAuthClientAndTheTokenStays() {
    String authClient = credflow.oauth2Client();
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(authClient, tokens, LIFETIME);
    provider.failNext(1, TokenFailure.INVALID_CLIENT);

    Api.Response refreshed = member.refresh(id);
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(502);
    assertThat(refreshed.error().path("code").asText()).isEqualTo("auth_client_misconfigured");
    assertThat(refreshed.error().path("detail").asText())
        .contains("auth-client " + authClient)
        .contains("client_id/client_secret");
    assertThat(member.state(id)).isEqualTo("ready");
    assertThat(member.accessToken(id)).isEqualTo(tokens.accessToken());
  }

  @Test
  void refreshWhenTheProviderIssuedNoRefreshTokenThen409SaysUntilWhenTheTokenWorks() {
    provider.issueRefreshTokens(false);
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    Instant imported = clock.instant();
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    Api.Response refreshed = member.refresh(id);
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(409);
    assertThat(refreshed.error().path("code").asText()).isEqualTo("not_refreshable_yet");
    assertThat(refreshed.error().path("detail").asText())
        .contains("no refresh token")
        .contains("until " + imported.plusSeconds(LIFETIME));
    assertThat(provider.tokenRequestCount()).isZero();
    assertThat(member.state(id)).isEqualTo("ready");
  }

  @Test
  void refreshWhenAnotherRefreshReplacedTheTokenSinceItWasReadThenNothingIsSentAndItSaysSo() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    var services = server.credflow().services();
    Credential read =
        services
            .credentials()
            .get(
                services.tenancy().callerFor(credflow.tenancy().memberId()).orElseThrow(),
                credflow.tenancy().workspace(),
                id)
            .credential();

    // Another caller refreshed after this one read the credential.
    assertThat(member.refresh(id).status()).isEqualTo(200);
    RefreshResult late =
        services.refresher().attempt(id, new RefreshService.Trigger.Forced(read.version()));

    assertThat(late.outcome()).isInstanceOf(RefreshResult.Outcome.NotNeeded.class);
    assertThat(((RefreshResult.Outcome.NotNeeded) late.outcome()).detail())
        .contains("changed meanwhile");
    assertThat(late.credential().version()).isGreaterThan(read.version());
    assertThat(provider.tokenRequestCount()).isEqualTo(1);
  }
}
