package io.credflow.executor;

import static io.credflow.testing.ExecutorWorkspace.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.upstream.Upstream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a request learns that its OAuth2 token expired, against a real upstream that accepts only the
 * tokens the fake provider still holds valid: a 401 however it is worded, and the signals an
 * auth-client declares in {@code token_expired_when}. Each refreshes the token once and retries
 * once; nothing loops.
 */
class ExpiredTokenTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().upstreamServer().executorWorkspace("expiry");

  private final Upstream upstream = credflow.upstream();
  private final FakeOAuthProvider provider = credflow.provider();
  private final ExecutorWorkspace w = credflow.executorWorkspace();

  @BeforeAll
  static void acceptOnlyTheTokensTheProviderHoldsValid() {
    credflow.upstream().acceptBearerWhen(credflow.provider()::isAccessTokenValid);
  }

  /** A credential of {@code authClient} whose access token the provider no longer accepts. */
  private String expiredCredential(String authClient) {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String credential =
        io.credflow.testing.documents.Credentials.named(
                "expired " + tokens.accessToken().hashCode())
            .authClient(authClient)
            .tokens(tokens, 3600)
            .create(w.admin(), w.workspace());
    provider.revokeToken(tokens.accessToken());
    return credential;
  }

  private static JsonNode ok(Api.Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.attributes();
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "bearer", "basic"})
  void requestWhenTheApiAnswers401ThenTheTokenIsRefreshedOnceWhateverTheChallenge(
      String challenge) {
    String credential = expiredCredential(w.oauthClient());
    int refreshes = provider.tokenRequestCount("refresh_token");

    JsonNode result =
        ok(w.send(get(upstream.url("/protected/x?challenge=" + challenge)), null, credential));

    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(provider.tokenRequestCount("refresh_token") - refreshes).isEqualTo(1);
    assertThat(upstream.count("/protected")).isEqualTo(2);
  }

  /** An oauth2 auth-client at the fake provider whose APIs signal expiry as {@code when} says. */
  private String clientSignalling(Map<String, Object> when) {
    return AuthClients.oauth2()
        .at(provider)
        .clientAuth("basic")
        .credential("token_expired_when", when)
        .tenant(w.tenant())
        .components(w.component())
        .create(w.admin());
  }

  private static String encoded(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Test
  void requestWhenTheApiAnswers403ListedInTokenExpiredWhenThenTheTokenIsRefreshedOnce() {
    String credential = expiredCredential(clientSignalling(Map.of("status", List.of(401, 403))));
    int refreshes = provider.tokenRequestCount("refresh_token");

    JsonNode result =
        ok(w.send(get(upstream.url("/protected/x?status=403&challenge=none")), null, credential));

    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(provider.tokenRequestCount("refresh_token") - refreshes).isEqualTo(1);
    assertThat(upstream.count("/protected")).isEqualTo(2);
  }

  @Test
  void requestWhenTheApiAnswers400WithAnExpiryCodeThenThePredicateDecidesAndTheTokenIsRefreshed() {
    String credential =
        expiredCredential(
            clientSignalling(
                Map.of("status", List.of(400), "body", "body.error = \"token_expired\"")));
    int refreshes = provider.tokenRequestCount("refresh_token");
    String body = encoded("{\"error\":\"token_expired\"}");

    JsonNode result =
        ok(
            w.send(
                get(upstream.url("/protected/x?status=400&challenge=none&body=" + body)),
                null,
                credential));

    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(provider.tokenRequestCount("refresh_token") - refreshes).isEqualTo(1);
  }

  @Test
  void requestWhenAGraphApiAnswers200WithError190ThenTheTokenIsRefreshedAndTheRetryAnswered() {
    String credential =
        expiredCredential(
            clientSignalling(Map.of("status", List.of(200, 400), "body", "body.error.code = 190")));
    int refreshes = provider.tokenRequestCount("refresh_token");
    String body = encoded("{\"error\":{\"message\":\"Session expired\",\"code\":190}}");

    JsonNode result =
        ok(
            w.send(
                get(upstream.url("/protected/graph?status=200&challenge=none&body=" + body)),
                null,
                credential));

    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(result.path("responseBody").path("path").asText()).isEqualTo("/protected/graph");
    assertThat(provider.tokenRequestCount("refresh_token") - refreshes).isEqualTo(1);
    assertThat(upstream.count("/protected")).isEqualTo(2);
  }

  @Test
  void requestWhenTheBodyDoesNotMatchThePredicateThenNothingIsRefreshed() {
    String credential =
        expiredCredential(
            clientSignalling(Map.of("status", List.of(403), "body", "body.error.code = 190")));
    int refreshes = provider.tokenRequestCount("refresh_token");
    String body = encoded("{\"error\":{\"code\":10,\"message\":\"permission denied\"}}");

    Api.Response r =
        w.send(
            get(upstream.url("/protected/x?status=403&challenge=none&body=" + body)),
            null,
            credential);

    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("detail").asText()).contains("status - \"403\"");
    assertThat(provider.tokenRequestCount("refresh_token") - refreshes).isZero();
    assertThat(upstream.count("/protected")).isEqualTo(1);
  }

  @Test
  void requestWhenABearerInvalidTokenChallengeComesWithAnotherStatusThenItCountsAsExpiry() {
    String credential = expiredCredential(w.oauthClient());
    int refreshes = provider.tokenRequestCount("refresh_token");

    JsonNode result =
        ok(w.send(get(upstream.url("/protected/x?status=403&challenge=bearer")), null, credential));

    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(provider.tokenRequestCount("refresh_token") - refreshes).isEqualTo(1);
  }

  @Test
  void requestWhenTheSignalSurvivesTheRefreshThenItIsReportedAfterOneRefreshNotLooped() {
    String credential =
        expiredCredential(
            clientSignalling(Map.of("status", List.of(200), "body", "body.error.code = 190")));
    upstream.acceptBearer();
    int refreshes = provider.tokenRequestCount("refresh_token");
    String body = encoded("{\"error\":{\"code\":190}}");
    try {
      JsonNode result =
          ok(
              w.send(
                  get(upstream.url("/protected/x?status=200&challenge=none&body=" + body)),
                  null,
                  credential));

      assertThat(result.path("responseBody").path("error").path("code").asInt()).isEqualTo(190);
      assertThat(provider.tokenRequestCount("refresh_token") - refreshes).isEqualTo(1);
      assertThat(upstream.count("/protected")).isEqualTo(2);
    } finally {
      upstream.acceptBearerWhen(provider::isAccessTokenValid);
    }
  }
}
