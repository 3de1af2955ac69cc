package io.credflow.oauth;

import static io.credflow.oauth.RefreshScheduleTest.accessToken;
import static io.credflow.oauth.RefreshScheduleTest.credentialPath;
import static io.credflow.oauth.RefreshScheduleTest.deleteAllCredentials;
import static io.credflow.oauth.RefreshScheduleTest.eventTypes;
import static io.credflow.oauth.RefreshScheduleTest.eventsPath;
import static io.credflow.oauth.RefreshScheduleTest.importTokens;
import static io.credflow.oauth.RefreshScheduleTest.oauth2Client;
import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.store.JdbcRefreshSchedule;
import io.credflow.testing.Api;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.RecordedRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deleting a credential revokes its refresh token at the auth-client's {@code revocation_uri} (RFC
 * 7009, with the client's authentication) and purges it locally either way (docs/tokens.md §
 * "Refresh lifecycle").
 */
class RevocationTest {
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
    world = new World(server);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void setUp() {
    provider = FakeOAuthProvider.start().clock(clock::instant);
    t = world.tenancy("revoke-" + UUID.randomUUID().toString().substring(0, 8));
    member = server.as(t.memberKey());
  }

  @AfterEach
  void tearDown() {
    deleteAllCredentials(server, t);
    provider.close();
  }

  @Test
  void deleteWhenAuthClientHasRevocationUriThenTheRefreshTokenIsRevokedWithBasicClientAuth() {
    String authClient = client(Map.of("revocation_uri", provider.revocationUri().toString()));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String refresh = tokens.refreshToken().orElseThrow();
    String id = importTokens(member, t, authClient, tokens, LIFETIME);

    Api.Response deleted = member.delete(credentialPath(t, id));
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
    Api.Response events = member.get(eventsPath(t, id));
    assertThat(eventTypes(events))
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
        client(
            Map.of("revocation_uri", provider.revocationUri().toString(), "client_auth", "post"));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = importTokens(member, t, authClient, tokens, LIFETIME);

    assertThat(member.delete(credentialPath(t, id)).status()).isEqualTo(204);

    RecordedRequest revocation = provider.revocationRequests().get(0);
    assertThat(revocation.params())
        .containsEntry("token", tokens.refreshToken().orElseThrow())
        .containsEntry("client_id", provider.clientId())
        .containsEntry("client_secret", provider.clientSecret());
    assertThat(revocation.authorization()).isEmpty();
    assertThat(provider.isRefreshTokenValid(tokens.refreshToken().orElseThrow())).isFalse();
    assertThat(eventTypes(member.get(eventsPath(t, id)))).contains("credential.revoked");
  }

  @Test
  void deleteWhenTokensWereRotatedThenTheCurrentRefreshTokenIsTheOneRevoked() {
    String authClient = client(Map.of("revocation_uri", provider.revocationUri().toString()));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = importTokens(member, t, authClient, tokens, LIFETIME);
    assertThat(member.post(credentialPath(t, id) + "/refresh", "").status()).isEqualTo(200);
    String current = accessToken(member, t, id);
    assertThat(provider.isAccessTokenValid(current)).isTrue();

    assertThat(member.delete(credentialPath(t, id)).status()).isEqualTo(204);

    String revoked = provider.revocationRequests().get(0).param("token").orElseThrow();
    assertThat(revoked).isNotEqualTo(tokens.refreshToken().orElseThrow());
    assertThat(provider.isAccessTokenValid(current)).isFalse();
    assertThat(provider.reuseDetected()).isZero();
  }

  @Test
  void deleteWhenCredentialHasNoRefreshTokenThenItsAccessTokenIsRevoked() {
    provider.issueRefreshTokens(false);
    String authClient = client(Map.of("revocation_uri", provider.revocationUri().toString()));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = importTokens(member, t, authClient, tokens, LIFETIME);

    assertThat(member.delete(credentialPath(t, id)).status()).isEqualTo(204);

    assertThat(provider.revocationRequests().get(0).params())
        .containsEntry("token", tokens.accessToken())
        .containsEntry("token_type_hint", "access_token");
    assertThat(provider.isAccessTokenValid(tokens.accessToken())).isFalse();
    assertPurged(id);
  }

  @Test
  void deleteWhenRevocationEndpointAnswersAnErrorThenTheCredentialIsPurgedAnyway() {
    String authClient =
        client(Map.of("revocation_uri", provider.baseUrl() + "/no-such-revocation-endpoint"));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = importTokens(member, t, authClient, tokens, LIFETIME);

    Api.Response deleted = member.delete(credentialPath(t, id));
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);

    assertPurged(id);
    Api.Response events = member.get(eventsPath(t, id));
    assertThat(eventTypes(events))
        .containsSubsequence("credential.revocation_failed", "credential.deleted")
        .doesNotContain("credential.revoked");
    assertThat(events.text()).doesNotContain(tokens.refreshToken().orElseThrow());
  }

  @Test
  void deleteWhenClientSecretIsRefusedAtRevocationThenTheCredentialIsPurgedAnyway() {
    String authClient = client(Map.of("revocation_uri", provider.revocationUri().toString()));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = importTokens(member, t, authClient, tokens, LIFETIME);
    var doc =
        World.doc("auth-client", Map.of("credentials", Map.of("client_secret", "wrong")), Map.of());
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.path("data")).put("id", authClient);
    assertThat(server.admin().patch("/v2/auth-clients/" + authClient, doc).status()).isEqualTo(200);

    assertThat(member.delete(credentialPath(t, id)).status()).isEqualTo(204);

    assertThat(provider.revocationRequests()).hasSize(1);
    // The provider refused the client, so the token is still alive there, and that is recorded.
    assertThat(provider.isRefreshTokenValid(tokens.refreshToken().orElseThrow())).isTrue();
    assertPurged(id);
    assertThat(eventTypes(member.get(eventsPath(t, id))))
        .contains("credential.revocation_failed", "credential.deleted");
  }

  @Test
  void deleteWhenRevocationEndpointIsUnreachableThenTheCredentialIsPurgedAnyway() {
    URI unreachable;
    try (FakeOAuthProvider gone = FakeOAuthProvider.start()) {
      unreachable = gone.revocationUri();
    }
    String authClient = client(Map.of("revocation_uri", unreachable.toString()));
    String id = importTokens(member, t, authClient, provider.issueTokens("read"), LIFETIME);

    Api.Response deleted = member.delete(credentialPath(t, id));
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);

    assertPurged(id);
    assertThat(eventTypes(member.get(eventsPath(t, id))))
        .containsSubsequence("credential.revocation_failed", "credential.deleted");
  }

  @Test
  void deleteWhenAuthClientHasNoRevocationUriThenNothingIsCalledAndTheCredentialIsPurged() {
    String authClient = client(Map.of());
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = importTokens(member, t, authClient, tokens, LIFETIME);

    assertThat(member.delete(credentialPath(t, id)).status()).isEqualTo(204);

    assertThat(provider.revocationRequests()).isEmpty();
    assertThat(provider.isRefreshTokenValid(tokens.refreshToken().orElseThrow())).isTrue();
    assertPurged(id);
    List<String> types = eventTypes(member.get(eventsPath(t, id)));
    assertThat(types).contains("credential.deleted");
    assertThat(types).doesNotContain("credential.revoked", "credential.revocation_failed");
  }

  /** Gone from reads, lists and the refresh schedule: nothing refreshes it any more. */
  private void assertPurged(String id) {
    assertThat(member.get(credentialPath(t, id)).status()).isEqualTo(404);
    assertThat(member.get("/v2/workspaces/" + t.workspace() + "/credentials").text())
        .doesNotContain(id);
    assertThat(new JdbcRefreshSchedule(server.credflow().database().jdbc()).find(id)).isEmpty();
    int before = provider.tokenRequestCount();
    clock.advance(Duration.ofSeconds(LIFETIME * 2));
    server.runDueRefreshes(clock);
    assertThat(provider.tokenRequestCount()).isEqualTo(before);
  }

  private String client(Map<String, Object> extra) {
    return oauth2Client(server, world, t, provider, extra);
  }

  private static String form(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
