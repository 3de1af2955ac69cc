package io.credflow.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.upstream.Received;
import io.credflow.testing.upstream.Upstream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST …/credentials/{id}/verify} (docs/api.md § Credentials): a credential's verify request
 * (its own, else its auth-client's) is sent through the request executor with the credential's
 * authorization, and {@code ok} means a 2xx answer; without one, what can be checked offline is,
 * and the answer says {@code network: false}. Each outcome is stored on the credential, shown in
 * its reads, and is an event. A verify request is checked as the executor reads it when it is
 * written.
 */
class VerifyTest {
  private static final long LIFETIME = 3600;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .manualTime()
          .fakeOAuthProviderPerTest()
          .tenancyPerTest("verify")
          .upstreamServer();

  private final TestServer server = credflow.server();
  private final SettableClock clock = credflow.clock();
  private final FakeOAuthProvider provider = credflow.provider();
  private final World.Tenancy tenancy = credflow.tenancy();
  private final WorkspaceApi member = credflow.member();
  private final Upstream upstream = credflow.upstream();

  // ---- with a verify request ----

  @Test
  void verifyWhenTheCredentialsVerifyRequestAnswers2xxThenOkIsStoredShownAndAnEvent() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id =
        create(
            Credentials.named("verified")
                .authClient(credflow.oauth2Client())
                .tokens(tokens, LIFETIME),
            Map.of("method", "GET", "url", provider.resourceUri().toString()));
    String updatedAt = member.attributes(id).path("updated_at").asText();

    Api.Response verified = verify(id);

    assertThat(verified.status()).as(verified.text()).isEqualTo(200);
    assertThat(verified.data().path("type").asText()).isEqualTo("credential-verification");
    assertThat(verified.id()).isEqualTo(id);
    JsonNode v = verified.attributes();
    assertThat(v.path("ok").asBoolean()).isTrue();
    assertThat(v.path("network").asBoolean()).isTrue();
    assertThat(v.path("status").asInt()).isEqualTo(200);
    assertThat(Instant.parse(v.path("checked_at").asText())).isEqualTo(clock.instant());
    assertThat(v.path("detail").asText()).isEqualTo("its verify_request answered 200 OK");
    // Sent with the credential's authorization, once.
    assertThat(provider.resourceRequests()).hasSize(1);
    assertThat(provider.resourceRequests().get(0).authorization())
        .contains("Bearer " + tokens.accessToken());

    JsonNode read = member.attributes(id);
    assertThat(read.path("verification")).isEqualTo(v);
    assertThat(read.path("verify_request").path("url").asText())
        .isEqualTo(provider.resourceUri().toString());
    // A check is no change of the credential.
    assertThat(read.path("updated_at").asText()).isEqualTo(updatedAt);
    assertThat(member.eventTypes(id)).contains("credential.verified");
    assertThat(member.events(id).text()).doesNotContain(tokens.accessToken());
  }

  @Test
  void verifyWhenTheAuthClientsVerifyRequestAnswers403ThenNotOkWithTheStatusAndAFailedEvent() {
    String authClient =
        AuthClients.basic()
            .credential(
                "verify_request",
                Map.of(
                    "url",
                    "\"" + upstream.url("/status/403") + "\"",
                    "headers",
                    List.of(Map.of("key", "X-Check", "value", "\"yes\""))))
            .in(tenancy)
            .create(credflow.admin());
    String id = basic(authClient, "pw-403");

    Api.Response verified = verify(id);

    assertThat(verified.status()).as(verified.text()).isEqualTo(200);
    JsonNode v = verified.attributes();
    assertThat(v.path("ok").asBoolean()).isFalse();
    assertThat(v.path("network").asBoolean()).isTrue();
    assertThat(v.path("status").asInt()).isEqualTo(403);
    assertThat(v.path("detail").asText())
        .isEqualTo("the verify_request of auth-client " + authClient + " answered 403 Forbidden");
    Received sent = upstream.last();
    assertThat(sent.firstHeader("X-Check")).contains("yes");
    assertThat(sent.firstHeader("Authorization")).isPresent();
    assertThat(member.attributes(id).path("verification")).isEqualTo(v);
    assertThat(member.eventTypes(id)).contains("credential.verification_failed");
  }

  @Test
  void verifyWhenTheCredentialHasItsOwnVerifyRequestThenItWinsOverTheAuthClientsUntilRemoved() {
    String authClient =
        AuthClients.basic()
            .credential("verify_request", Map.of("url", upstream.url("/status/500")))
            .in(tenancy)
            .create(credflow.admin());
    String id =
        create(
            Credentials.named("own")
                .authClient(authClient)
                .secret("username", "u")
                .secret("password", "pw-own"),
            Map.of("method", "POST", "url", upstream.url("/status/204")));

    assertThat(verify(id).attributes().path("status").asInt()).isEqualTo(204);
    assertThat(upstream.last().method()).isEqualTo("POST");

    Api.Response removed =
        member.patch(
            id, Resource.of("credential").id(id).attribute("verify_request", null).build());
    assertThat(removed.status()).as(removed.text()).isEqualTo(200);
    assertThat(removed.attributes().path("verify_request").isNull()).isTrue();
    JsonNode v = verify(id).attributes();
    assertThat(v.path("status").asInt()).isEqualTo(500);
    assertThat(v.path("ok").asBoolean()).isFalse();
  }

  @Test
  void verifyWhenTheVerifyRequestPointsWhereCredflowNeverConnectsThenNotOkAndNothingIsSent() {
    String id =
        create(
            Credentials.named("metadata")
                .authClient(AuthClients.basic().in(tenancy).create(credflow.admin()))
                .secret("username", "u")
                .secret("password", "pw-metadata"),
            Map.of("url", "http://169.254.169.254/latest/meta-data"));
    int before = upstream.requests().size();

    JsonNode v = verify(id).attributes();

    assertThat(v.path("ok").asBoolean()).isFalse();
    assertThat(v.path("network").asBoolean()).isTrue();
    assertThat(v.path("status").isNull()).isTrue();
    assertThat(v.path("detail").asText())
        .startsWith("its verify_request was not sent: ")
        .contains("169.254.169.254")
        .contains("always refused");
    assertThat(upstream.requests()).hasSize(before);
  }

  // ---- offline ----

  @Test
  void verifyWithoutAVerifyRequestWhenTheOAuth2TokenIsLiveThenOkOfflineAndNothingIsCalled() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    Instant imported = clock.instant();
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);

    JsonNode v = verify(id).attributes();

    assertThat(v.path("ok").asBoolean()).isTrue();
    assertThat(v.path("network").asBoolean()).isFalse();
    assertThat(v.path("status").isNull()).isTrue();
    assertThat(v.path("detail").asText())
        .contains("access token is live until " + imported.plusSeconds(LIFETIME));
    assertThat(provider.tokenRequestCount()).isZero();
    assertThat(provider.resourceRequests()).isEmpty();
  }

  @Test
  void verifyWithoutAVerifyRequestWhenTheTokenIsAboutToExpireThenItIsRefreshedFirst() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    clock.advance(java.time.Duration.ofSeconds(LIFETIME - 10));

    JsonNode v = verify(id).attributes();

    assertThat(v.path("ok").asBoolean()).isTrue();
    assertThat(v.path("detail").asText()).contains("refreshed just now");
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
    assertThat(provider.isAccessTokenValid(member.accessToken(id))).isTrue();
  }

  @Test
  void verifyWithoutAVerifyRequestWhenTheGrantIsDeadThenNotOkWithTheReason() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    provider.revokeToken(tokens.refreshToken().orElseThrow());
    clock.advance(java.time.Duration.ofSeconds(LIFETIME + 1));

    JsonNode v = verify(id).attributes();

    assertThat(v.path("ok").asBoolean()).isFalse();
    assertThat(v.path("network").asBoolean()).isFalse();
    assertThat(v.path("detail").asText())
        .contains("needs_reauth")
        .contains("invalid_grant")
        .doesNotContain(tokens.refreshToken().orElseThrow());
    assertThat(member.eventTypes(id)).contains("credential.verification_failed");
  }

  @Test
  void verifyWithoutAVerifyRequestWhenBasicOrApiKeyFieldsArePresentThenOkOffline() {
    String basic = basic(AuthClients.basic().in(tenancy).create(credflow.admin()), "pw-offline");
    String shared =
        AuthClients.apiKey()
            .credential("name", "X-Key")
            .credential("value", "shared-key-1")
            .in(tenancy)
            .create(credflow.admin());
    String apiKey = member.create(Credentials.named("shared").authClient(shared));

    JsonNode b = verify(basic).attributes();
    assertThat(b.path("ok").asBoolean()).isTrue();
    assertThat(b.path("network").asBoolean()).isFalse();
    assertThat(b.path("detail").asText()).contains("user name and password are present");
    JsonNode k = verify(apiKey).attributes();
    assertThat(k.path("ok").asBoolean()).isTrue();
    assertThat(k.path("detail").asText()).contains("shared key of auth-client " + shared);
  }

  // ---- written ----

  @Test
  void createWhenTheVerifyRequestIsNotAReaderThen422AtEachMemberAndNothingIsStored() {
    String authClient = AuthClients.basic().in(tenancy).create(credflow.admin());
    Credentials.Builder credential =
        Credentials.named("bad verify")
            .authClient(authClient)
            .secret("username", "u")
            .secret("password", "pw-bad");

    Api.Response bad =
        member
            .api()
            .post(
                member.credentialsPath(),
                withVerifyRequest(
                    credential, Map.of("method", "FETCH", "url", "$$$((", "extra", 1)));
    assertThat(bad.status()).as(bad.text()).isEqualTo(422);
    assertThat(bad.body().path("errors").findValuesAsText("pointer"))
        .containsExactlyInAnyOrder(
            "/data/attributes/verify_request/extra",
            "/data/attributes/verify_request/method",
            "/data/attributes/verify_request/url");

    Api.Response notAnObject =
        member.api().post(member.credentialsPath(), withVerifyRequest(credential, "GET /me"));
    assertThat(notAnObject.status()).as(notAnObject.text()).isEqualTo(422);
    assertThat(notAnObject.error().path("source").path("pointer").asText())
        .isEqualTo("/data/attributes/verify_request");
    assertThat(member.list().data().findValuesAsText("name")).doesNotContain("bad verify");
  }

  @Test
  void writeAuthClientWhenTheVerifyRequestIsNotAReaderThen422UnderCredentialsAndPatchCanFixIt() {
    Api.Response bad =
        credflow
            .admin()
            .post(
                "/v2/auth-clients",
                AuthClients.oauth2()
                    .clientId("bad-verify")
                    .clientSecret("s")
                    .credential("verify_request", Map.of("url", "\"https://x\" &"))
                    .in(tenancy)
                    .build());
    assertThat(bad.status()).as(bad.text()).isEqualTo(422);
    assertThat(bad.error().path("source").path("pointer").asText())
        .isEqualTo("/data/attributes/credentials/verify_request/url");
    assertThat(bad.error().path("code").asText()).isEqualTo("invalid_expression");

    String authClient =
        AuthClients.oauth2()
            .clientId("good-verify")
            .clientSecret("s")
            .in(tenancy)
            .create(credflow.admin());
    Api.Response patched =
        AuthClients.patchCredentials(
            credflow.admin(),
            authClient,
            Map.of("verify_request", Map.of("url", "https://api.example.com/me")));
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    assertThat(patched.attributes().path("credentials").path("verify_request").path("url").asText())
        .isEqualTo("https://api.example.com/me");
  }

  // ---- helpers ----

  private Api.Response verify(String id) {
    return member.api().post(member.credentialPath(id) + "/verify", "");
  }

  private String basic(String authClient, String password) {
    return member.create(
        Credentials.named("basic " + password)
            .authClient(authClient)
            .secret("username", "u")
            .secret("password", password));
  }

  private String create(Credentials.Builder credential, Map<String, ?> verifyRequest) {
    Api.Response created =
        member.api().post(member.credentialsPath(), withVerifyRequest(credential, verifyRequest));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.id();
  }

  private static ObjectNode withVerifyRequest(Credentials.Builder credential, Object verify) {
    ObjectNode doc = credential.build();
    ((ObjectNode) doc.path("data").path("attributes"))
        .set("verify_request", Api.JSON.valueToTree(verify));
    return doc;
  }
}
