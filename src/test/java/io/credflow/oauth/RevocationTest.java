package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.store.JdbcRefreshSchedule;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.RecordedRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a credential revokes its refresh token at the auth-client's {@code revocation_uri} (RFC
 * 7009, with the client's authentication) and purges it locally either way (docs/tokens.md §
 * "Refresh lifecycle").
 */
class RevocationTest {
  private static final long LIFETIME = 3600;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("revoke");

  private final SettableClock clock = credflow.clock();
  private final TestServer server = credflow.server();
  private final FakeOAuthProvider provider = credflow.provider();
  private final WorkspaceApi member = credflow.member();

  @Test
  void deleteWhenAuthClientHasRevocationUriThenTheRefreshTokenIsRevokedWithBasicClientAuth() {
    String authClient = revocable();
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String refresh = tokens.refreshToken().orElseThrow();
    String id = member.importTokens(authClient, tokens, LIFETIME);

    Api.Response deleted = member.delete(id);
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);

    assertThat(provider.revocationRequests()).hasSize(1);
    RecordedRequest revocation = provider.revocationRequests().get(0);
    assertThat(revocation.method()).isEqualTo("POST");
    assertThat(revocation.uri().getQuery()).isNull();
    assertThat(revocation.params())
        .containsEntry("token", refresh)
        .containsEntry("token_type_hint", "refresh_token")
        .doesNotContainKeys("client_id", "client_secret");
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64.
    assertThat(revocation.authorization())
        .contains(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (form(provider.clientId()) + ":" + form(provider.clientSecret()))
                            .getBytes(StandardCharsets.UTF_8)));
    // The grant is gone at the provider: refresh and access token alike.
    assertThat(provider.isRefreshTokenValid(refresh)).isFalse();
    assertThat(provider.isAccessTokenValid(tokens.accessToken())).isFalse();

    assertPurged(id);
    Api.Response events = member.events(id);
    assertThat(WorkspaceApi.eventTypes(events))
        .containsSubsequence("credential.revoked", "credential.deleted")
        .doesNotContain("credential.revocation_failed");
    assertThat(events.text())
        .doesNotContain(refresh)
        .doesNotContain(tokens.accessToken())
        .doesNotContain(provider.clientSecret());
  }

  @Test
  void deleteWhenAuthClientUsesPostClientAuthThenTheSecretTravelsInTheRevocationForm() {
    String authClient =
        credflow.oauth2Client(
            Map.of("revocation_uri", provider.revocationUri().toString(), "client_auth", "post"));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(authClient, tokens, LIFETIME);

    assertThat(member.delete(id).status()).isEqualTo(204);

    RecordedRequest revocation = provider.revocationRequests().get(0);
    assertThat(revocation.params())
        .containsEntry("token", tokens.refreshToken().orElseThrow())
        .containsEntry("client_id", provider.clientId())
        .containsEntry("client_secret", provider.clientSecret());
    assertThat(revocation.authorization()).isEmpty();
    assertThat(provider.isRefreshTokenValid(tokens.refreshToken().orElseThrow())).isFalse();
    assertThat(WorkspaceApi.eventTypes(member.events(id))).contains("credential.revoked");
  }

  @Test
  void deleteWhenTokensWereRotatedThenTheCurrentRefreshTokenIsTheOneRevoked() {
    String authClient = revocable();
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(authClient, tokens, LIFETIME);
    assertThat(member.refresh(id).status()).isEqualTo(200);
    String current = member.accessToken(id);
    assertThat(provider.isAccessTokenValid(current)).isTrue();

    assertThat(member.delete(id).status()).isEqualTo(204);

    String revoked = provider.revocationRequests().get(0).param("token").orElseThrow();
    assertThat(revoked).isNotEqualTo(tokens.refreshToken().orElseThrow());
    assertThat(provider.isAccessTokenValid(current)).isFalse();
    assertThat(provider.reuseDetected()).isZero();
  }

  @Test
  void deleteWhenCredentialHasNoRefreshTokenThenItsAccessTokenIsRevoked() {
    provider.issueRefreshTokens(false);
    String authClient = revocable();
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(authClient, tokens, LIFETIME);

    assertThat(member.delete(id).status()).isEqualTo(204);

    assertThat(provider.revocationRequests().get(0).params())
        .containsEntry("token", tokens.accessToken())
        .containsEntry("token_type_hint", "access_token");
    assertThat(provider.isAccessTokenValid(tokens.accessToken())).isFalse();
    assertPurged(id);
  }

  @Test
  void deleteWhenRevocationEndpointAnswersAnErrorThenTheCredentialIsPurgedAnyway() {
    String authClient =
        credflow.oauth2Client(
            Map.of("revocation_uri", provider.baseUrl() + "/no-such-revocation-endpoint"));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(authClient, tokens, LIFETIME);

    Api.Response deleted = member.delete(id);
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);

    assertPurged(id);
    Api.Response events = member.events(id);
    assertThat(WorkspaceApi.eventTypes(events))
        .containsSubsequence("credential.revocation_failed", "credential.deleted")
        .doesNotContain("credential.revoked");
    assertThat(events.text()).doesNotContain(tokens.refreshToken().orElseThrow());
  }

  @Test
  void deleteWhenClientSecretIsRefusedAtRevocationThenTheCredentialIsPurgedAnyway() {
    String authClient = revocable();
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(authClient, tokens, LIFETIME);
    assertThat(
            AuthClients.patchCredentials(
                    server.admin(), authClient, Map.of("client_secret", "wrong"))
                .status())
        .isEqualTo(200);

    assertThat(member.delete(id).status()).isEqualTo(204);

    assertThat(provider.revocationRequests()).hasSize(1);
    // The provider refused the client, so the token is still alive there, and that is recorded.
    assertThat(provider.isRefreshTokenValid(tokens.refreshToken().orElseThrow())).isTrue();
    assertPurged(id);
    assertThat(WorkspaceApi.eventTypes(member.events(id)))
        .contains("credential.revocation_failed", "credential.deleted");
  }

  @Test
  void deleteWhenRevocationEndpointIsUnreachableThenTheCredentialIsPurgedAnyway() {
    URI unreachable;
    try (FakeOAuthProvider gone = FakeOAuthProvider.start()) {
      unreachable = gone.revocationUri();
    }
    String authClient = credflow.oauth2Client(Map.of("revocation_uri", unreachable.toString()));
    String id = member.importTokens(authClient, provider.issueTokens("read"), LIFETIME);

    Api.Response deleted = member.delete(id);
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);

    assertPurged(id);
    assertThat(WorkspaceApi.eventTypes(member.events(id)))
        .containsSubsequence("credential.revocation_failed", "credential.deleted");
  }

  @Test
  void deleteWhenAuthClientHasNoRevocationUriThenNothingIsCalledAndTheCredentialIsPurged() {
    String authClient = credflow.oauth2Client();
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(authClient, tokens, LIFETIME);

    assertThat(member.delete(id).status()).isEqualTo(204);

    assertThat(provider.revocationRequests()).isEmpty();
    assertThat(provider.isRefreshTokenValid(tokens.refreshToken().orElseThrow())).isTrue();
    assertPurged(id);
    List<String> types = WorkspaceApi.eventTypes(member.events(id));
    assertThat(types).contains("credential.deleted");
    assertThat(types).doesNotContain("credential.revoked", "credential.revocation_failed");
  }

  /** Gone from reads, lists and the refresh schedule: nothing refreshes it any more. */
  private void assertPurged(String id) {
    assertThat(member.get(id).status()).isEqualTo(404);
    assertThat(member.list().text()).doesNotContain(id);
    assertThat(new JdbcRefreshSchedule(server.credflow().database().jdbc()).find(id)).isEmpty();
    int before = provider.tokenRequestCount();
    clock.advance(Duration.ofSeconds(LIFETIME * 2));
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isEqualTo(before);
  }

  /** An auth-client with the provider's {@code revocation_uri}. */
  private String revocable() {
    return credflow.oauth2Client(Map.of("revocation_uri", provider.revocationUri().toString()));
  }

  private static String form(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
