package io.credflow.executor;

import static io.credflow.testing.ExecutorWorkspace.get;
import static io.credflow.testing.ExecutorWorkspace.lit;
import static io.credflow.testing.ExecutorWorkspace.reader;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.ManualTime;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.upstream.Received;
import io.credflow.testing.upstream.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /v2/workspaces/{ws}/requests} against a real upstream HTTP server on port 0: every
 * authorization type as the server sees it, bodies, error policies, retries, redirects, timeouts
 * and response decoding.
 *
 * <p>Time is manual: the server and the upstream read one {@link ManualTime} clock, and every wait
 * (delay, {@code Retry-After}, backoff) returns at once after moving it, so the tests assert the
 * exact waits asked for instead of sleeping. No refresh poller runs, so every wait recorded is one
 * a request asked for. Only {@code requestTimeoutPeriod} is real time: it bounds I/O.
 */
class RequestActionTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().upstreamServer().executorWorkspace("exec");

  /** An {@code oauth2_instagram} credential with a long-lived token, made once for the class. */
  private static String instagram;

  private final ManualTime time = credflow.time();
  private final TestServer server = credflow.server();
  private final Upstream upstream = credflow.upstream();
  private final FakeOAuthProvider provider = credflow.provider();
  private final Api admin = credflow.admin();
  private final ExecutorWorkspace w = credflow.executorWorkspace();
  private final String noauth = w.noauth();
  private final String basic = w.basic();
  private final String apiKeyHeader = w.apiKeyHeader();
  private final String apiKeyQuery = w.apiKeyQuery();

  @BeforeAll
  static void storeAnInstagramCredential() {
    ExecutorWorkspace w = credflow.executorWorkspace();
    String igComponent = credflow.world().instagramComponent(w.tenant());
    Map<String, Object> ig = new LinkedHashMap<>();
    ig.put("client_id", "ig-client");
    ig.put("client_secret", "ig-secret-value");
    ig.put("auth_uri", "https://instagram.example.test/authorize");
    ig.put("token_uri", "https://instagram.example.test/token");
    instagram =
        w.credential(
            "instagram",
            credflow
                .world()
                .authClient(credflow.admin(), w.tenant(), igComponent, "oauth2_instagram", ig),
            Map.of("access_token", "IGlongLivedToken123", "expires_in", 5_000_000));
  }

  private Api.Response send(Map<String, Object> config, Object message, String credential) {
    return w.send(config, message, credential);
  }

  private static JsonNode ok(Api.Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.data().path("type").asText()).isEqualTo("request-result");
    return r.attributes();
  }

  // --- authorization, as the server sees it ---------------------------------------------------

  @Test
  void noauthSendsNoAuthorizationAndEvaluatesJsonataOverTheMessage() {
    Map<String, Object> config = get("unused");
    reader(config).put("url", lit(upstream.url("/echo/items?q=")) + " & body.q");
    reader(config)
        .put(
            "headers",
            List.of(
                Map.of("key", "X-Trace", "value", "$getPassthrough().trace"),
                Map.of("key", "Accept", "value", lit("application/json"))));
    JsonNode result =
        ok(
            send(
                config,
                Map.of("body", Map.of("q", "books"), "passthrough", Map.of("trace", "t-42")),
                noauth));
    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(result.path("responseBody").path("path").asText()).isEqualTo("/echo/items");
    Received seen = upstream.last();
    assertThat(seen.queryParam("q")).contains("books");
    assertThat(seen.header("X-Trace")).containsExactly("t-42");
    assertThat(seen.header("Authorization")).isEmpty();
  }

  @Test
  void basicIsSentAsRfc7617() {
    ok(send(get(upstream.url("/echo/basic")), null, basic));
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("svc-user:pa:ss wörd".getBytes(StandardCharsets.UTF_8));
    assertThat(upstream.last().header("Authorization")).containsExactly(expected);
  }

  @Test
  void apiKeyGoesInItsHeaderOrQueryParameter() {
    ok(send(get(upstream.url("/echo/key")), null, apiKeyHeader));
    assertThat(upstream.last().header("X-Api-Key")).containsExactly("key-123456");
    ok(send(get(upstream.url("/echo/key?x=1")), null, apiKeyQuery));
    assertThat(upstream.last().queryParam("api_key")).contains("qkey-456789");
    assertThat(upstream.last().queryParam("x")).contains("1");
    assertThat(upstream.last().header("Authorization")).isEmpty();
  }

  @Test
  void oauth2SendsBearerAndAnExplicitAuthorizationHeaderWinsWithoutADuplicate() {
    String credential = w.oauthCredential(provider.issueTokens("read"), 3600);
    ok(send(get(upstream.url("/echo/bearer")), null, credential));
    assertThat(upstream.last().header("Authorization"))
        .singleElement()
        .asString()
        .startsWith("Bearer ");

    Map<String, Object> config = get(upstream.url("/echo/own"));
    reader(config)
        .put("headers", List.of(Map.of("key", "authorization", "value", lit("Token mine-1"))));
    ok(send(config, null, credential));
    assertThat(upstream.last().header("Authorization")).containsExactly("Token mine-1");
  }

  @Test
  void headersTheSpecSetsReplaceTheClientDefaultsInsteadOfDuplicatingThem() {
    Map<String, Object> config = get(upstream.url("/echo/agent"));
    reader(config)
        .put(
            "headers",
            List.of(
                Map.of("key", "user-agent", "value", lit("flow/1")),
                Map.of("key", "Accept-Encoding", "value", lit("identity")),
                Map.of("key", "X-Twice", "value", lit("1")),
                Map.of("key", "X-Twice", "value", lit("2"))));
    ok(send(config, null, noauth));
    assertThat(upstream.last().header("User-Agent")).containsExactly("flow/1");
    assertThat(upstream.last().header("Accept-Encoding")).containsExactly("identity");
    assertThat(upstream.last().header("X-Twice")).containsExactly("1", "2");
  }

  @Test
  void anExpectHeaderIsRefusedBecauseTheTransportOwnsIt() {
    Map<String, Object> config = get(upstream.url("/echo/expect"));
    reader(config).put("headers", List.of(Map.of("key", "Expect", "value", lit("100-continue"))));
    Api.Response r = send(config, null, noauth);
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("code").asText()).isEqualTo("reserved_header");
    assertThat(upstream.count("/echo/expect")).isZero();
  }

  @Test
  void instagramAddsAccessTokenQueryUnlessTheSpecSetsIt() {
    ok(send(get(upstream.url("/echo/me?fields=id")), null, instagram));
    assertThat(upstream.last().queryParam("access_token")).contains("IGlongLivedToken123");
    ok(send(get(upstream.url("/echo/me?access_token=explicit")), null, instagram));
    assertThat(upstream.last().query().get("access_token")).containsExactly("explicit");
  }

  @Test
  void oauth2UnauthorizedRefreshesOnceAndRetriesOnce() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String credential = w.oauthCredential(tokens, 3600);
    provider.revokeToken(tokens.accessToken());
    int refreshesBefore = provider.tokenRequestCount("refresh_token");
    int resourceBefore = provider.resourceRequests().size();

    JsonNode result = ok(send(get(provider.resourceUri().toString()), null, credential));

    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(provider.tokenRequestCount("refresh_token") - refreshesBefore).isEqualTo(1);
    assertThat(provider.resourceRequests().size() - resourceBefore).isEqualTo(2);
  }

  @Test
  void a401ThatSurvivesTheRefreshIsReportedNotLooped() {
    String credential = w.oauthCredential(provider.issueTokens("read"), 3600);
    upstream.acceptBearer();
    int refreshesBefore = provider.tokenRequestCount("refresh_token");

    Api.Response r = send(get(upstream.url("/protected/x")), null, credential);

    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("code").asText()).isEqualTo("upstream_error");
    assertThat(r.error().path("detail").asText()).contains("status - \"401\"");
    assertThat(upstream.count("/protected")).isEqualTo(2);
    assertThat(provider.tokenRequestCount("refresh_token") - refreshesBefore).isEqualTo(1);
    List<String> sent =
        upstream.requests("/protected").stream()
            .map(q -> q.firstHeader("Authorization").orElseThrow())
            .toList();
    assertThat(sent.get(0)).isNotEqualTo(sent.get(1));
  }

  @Test
  void aRefreshMadeOutsideRequestsIsUsedByTheNextRequest() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String credential = w.oauthCredential(tokens, 3600);
    ok(send(get(upstream.url("/echo/s1")), null, credential));
    assertThat(upstream.last().header("Authorization"))
        .containsExactly("Bearer " + tokens.accessToken());

    // A refresh through the refresh service itself, as the proactive scheduler makes it.
    var services = server.credflow().services();
    long version =
        services
            .credentials()
            .get(services.tenancy().bootstrapAdminCaller(), w.workspace(), credential)
            .credential()
            .version();
    services
        .refresher()
        .refresh(credential, new io.credflow.oauth.RefreshService.Trigger.Forced(version));

    ok(send(get(upstream.url("/echo/s2")), null, credential));
    String sent = upstream.last().firstHeader("Authorization").orElseThrow();
    assertThat(sent).isNotEqualTo("Bearer " + tokens.accessToken());
    assertThat(provider.isAccessTokenValid(sent.substring("Bearer ".length()))).isTrue();
  }

  @Test
  void aTokenWithinTheSkewIsRefreshedBeforeSending() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String credential = w.oauthCredential(tokens, 30);
    int refreshesBefore = provider.tokenRequestCount("refresh_token");
    ok(send(get(upstream.url("/echo/fresh")), null, credential));
    assertThat(provider.tokenRequestCount("refresh_token") - refreshesBefore).isEqualTo(1);
    assertThat(upstream.last().header("Authorization"))
        .singleElement()
        .isNotEqualTo("Bearer " + tokens.accessToken());
  }

  @Test
  void aChangedCredentialOrAuthClientIsUsedByTheVeryNextRequest() {
    String authClient =
        World.created(
            admin.post(
                "/v2/auth-clients",
                World.authClientDoc(
                    w.tenant(), w.component(), "api_key", Map.of("name", "X-Old-Key"))));
    String credential = w.credential("changing", authClient, Map.of("value", "first-value"));
    ok(send(get(upstream.url("/echo/c1")), null, credential));
    assertThat(upstream.last().header("X-Old-Key")).containsExactly("first-value");

    ObjectNode patch =
        World.doc("credential", Map.of("credentials", Map.of("value", "second-value")), Map.of());
    ((ObjectNode) patch.path("data")).put("id", credential);
    Api.Response patched =
        admin.patch("/v2/workspaces/" + w.workspace() + "/credentials/" + credential, patch);
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    ok(send(get(upstream.url("/echo/c2")), null, credential));
    assertThat(upstream.last().header("X-Old-Key")).containsExactly("second-value");

    ObjectNode clientPatch =
        World.doc("auth-client", Map.of("credentials", Map.of("name", "X-New-Key")), Map.of());
    ((ObjectNode) clientPatch.path("data")).put("id", authClient);
    Api.Response clientPatched = admin.patch("/v2/auth-clients/" + authClient, clientPatch);
    assertThat(clientPatched.status()).as(clientPatched.text()).isEqualTo(200);
    ok(send(get(upstream.url("/echo/c3")), null, credential));
    assertThat(upstream.last().header("X-New-Key")).containsExactly("second-value");
    assertThat(upstream.last().header("X-Old-Key")).isEmpty();

    assertThat(
            admin.delete("/v2/workspaces/" + w.workspace() + "/credentials/" + credential).status())
        .isEqualTo(204);
    assertThat(send(get(upstream.url("/echo/c4")), null, credential).status()).isEqualTo(404);
    assertThat(upstream.count("/echo/c4")).isZero();
  }

  // --- bodies ------------------------------------------------------------------------------------

  @Test
  void rawJsonTemplateIsSentAsJson() {
    Map<String, Object> config = get(upstream.url("/echo/raw"));
    reader(config).put("method", "POST");
    reader(config)
        .put("body", Map.of("contentType", "application/json", "raw", "{\"a\": body.x, \"n\": 2}"));
    ok(send(config, Map.of("body", Map.of("x", "ü")), noauth));
    Received seen = upstream.last();
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.contentType()).startsWith("application/json");
    assertThat(seen.bodyText()).isEqualTo("{\"a\":\"ü\",\"n\":2}");
  }

  @Test
  void binaryBodyIsDecodedFromBase64() {
    byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 10, 13};
    Map<String, Object> config = get(upstream.url("/echo/bin"));
    reader(config).put("method", "PUT");
    reader(config)
        .put(
            "body",
            Map.of(
                "contentType",
                "application/octet-stream",
                "raw",
                "body.file",
                "encoding",
                "base64"));
    ok(
        send(
            config,
            Map.of("body", Map.of("file", Base64.getEncoder().encodeToString(bytes))),
            noauth));
    assertThat(upstream.last().body()).isEqualTo(bytes);
    assertThat(upstream.last().contentType()).isEqualTo("application/octet-stream");
  }

  @Test
  void urlencodedIsABodyOnPostAndTheQueryOnGet() {
    Map<String, Object> config = get(upstream.url("/echo/form"));
    reader(config).put("method", "POST");
    reader(config)
        .put(
            "body",
            Map.of(
                "urlencoded",
                List.of(
                    Map.of("key", "name", "value", "body.name"),
                    Map.of("key", "n", "value", "1 + 1"))));
    ok(send(config, Map.of("body", Map.of("name", "A & B=c")), noauth));
    assertThat(upstream.last().form()).containsEntry("name", List.of("A & B=c"));
    assertThat(upstream.last().form()).containsEntry("n", List.of("2"));

    reader(config).put("method", "GET");
    ok(send(config, Map.of("body", Map.of("name", "x y")), noauth));
    assertThat(upstream.last().method()).isEqualTo("GET");
    assertThat(upstream.last().queryParam("name")).contains("x y");
    assertThat(upstream.last().body()).isEmpty();
  }

  @Test
  void formDataIsProperMultipartParsedBackByTheServer() {
    byte[] file = new byte[3000];
    for (int i = 0; i < file.length; i++) {
      file[i] = (byte) (i * 7);
    }
    Map<String, Object> config = get(upstream.url("/echo/upload"));
    reader(config).put("method", "POST");
    reader(config)
        .put(
            "body",
            Map.of(
                "formData",
                List.of(
                    Map.of("key", "title", "value", "body.title"),
                    Map.of(
                        "key",
                        "file",
                        "value",
                        "body.data",
                        "filename",
                        "blob.bin",
                        "encoding",
                        "base64"))));
    ok(
        send(
            config,
            Map.of(
                "body", Map.of("title", "Grüße", "data", Base64.getEncoder().encodeToString(file))),
            noauth));
    Received seen = upstream.last();
    assertThat(seen.contentType()).startsWith("multipart/form-data; boundary=");
    assertThat(seen.parts()).hasSize(2);
    assertThat(seen.parts().get(0).name()).isEqualTo("title");
    assertThat(seen.parts().get(0).text()).isEqualTo("Grüße");
    assertThat(seen.parts().get(1).filename()).isEqualTo("blob.bin");
    assertThat(seen.parts().get(1).content()).isEqualTo(file);
  }

  // --- error policies, retries -------------------------------------------------------------------

  private Map<String, Object> policy(String url, String policy, int maxRetries) {
    Map<String, Object> config = get(url);
    config.put("errorPolicy", policy);
    config.put("maxRetries", maxRetries);
    return config;
  }

  @Test
  void byComponentRetriesUntilSuccessHonouringRetryAfterSeconds() {
    JsonNode result =
        ok(
            send(
                policy(upstream.url("/flaky/ra?fail=2&code=503&retryAfter=1"), "byComponent", 3),
                null,
                noauth));
    assertThat(result.path("responseBody").path("attempt").asInt()).isEqualTo(3);
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    List<Instant> at = upstream.attempts("ra");
    assertThat(at).hasSize(3);
    assertThat(Duration.between(at.get(0), at.get(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(Duration.between(at.get(1), at.get(2))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void retryAfterAsHttpDateIsHonoured() {
    // An HTTP-date has whole seconds: from 0.25 s past a second, "3 s from now" is 2.75 s away.
    Instant now = time.now();
    time.advance(Duration.between(now, now.truncatedTo(ChronoUnit.SECONDS).plusMillis(1_250)));
    String url = upstream.url("/flaky/date?fail=1&code=429&retryAfterDate=3");
    ok(send(policy(url, "byComponent", 2), null, noauth));
    assertThat(upstream.attempts("date")).hasSize(2);
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(2_750));
  }

  @Test
  void withoutRetryAfterTheWaitIsExponentialBackoffWithJitter() {
    ok(
        send(
            policy(upstream.url("/flaky/backoff?fail=3&code=500"), "byComponent", 4),
            null,
            noauth));
    assertThat(upstream.attempts("backoff")).hasSize(4);
    // Retry n waits 2^n s with equal jitter, in [2^(n-1), 2^n] s: the middle of the range here.
    assertThat(time.sleeps())
        .containsExactly(Duration.ofMillis(1_500), Duration.ofMillis(3_000), Duration.ofSeconds(6));
  }

  @Test
  void noWaitAfterTheLastAttempt() {
    Api.Response r =
        send(policy(upstream.url("/status/503?retryAfter=30"), "byComponent", 1), null, noauth);
    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(time.sleeps()).isEmpty();
    assertThat(upstream.count("/status")).isEqualTo(1);
    assertThat(r.error().path("detail").asText())
        .startsWith("Got error \"Service Unavailable\", status - \"503\", body: ");

    Api.Response three =
        send(policy(upstream.url("/status/503?retryAfter=30"), "byComponent", 3), null, noauth);
    assertThat(three.status()).as(three.text()).isEqualTo(502);
    assertThat(three.error().path("detail").asText()).endsWith(" (after 3 attempts)");
    assertThat(upstream.count("/status")).isEqualTo(4);
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
  }

  @Test
  void aRetryAfterLongerThanCredflowWaitsFailsAtOnce() {
    Api.Response r =
        send(policy(upstream.url("/status/503?retryAfter=301"), "byComponent", 3), null, noauth);
    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("detail").asText())
        .endsWith(
            "(the server asked to wait 301 s before trying again, longer than the 300 s"
                + " Credflow waits)");
    assertThat(upstream.count("/status")).isEqualTo(1);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void theDelayDoesNotHoldTheFirstRequestOfAStepNorItsRetries() {
    Map<String, Object> config =
        policy(upstream.url("/flaky/delay?fail=1&code=503&retryAfter=2"), "byComponent", 2);
    config.put("delay", 1_500);
    ok(send(config, null, noauth));
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void reboundThrowErrorAndEmit() {
    Api.Response rebound = send(policy(upstream.url("/status/503"), "rebound", 3), null, noauth);
    assertThat(rebound.status()).as(rebound.text()).isEqualTo(503);
    assertThat(rebound.error().path("code").asText()).isEqualTo("rebound");

    Api.Response thrown = send(policy(upstream.url("/status/500"), "throwError", 3), null, noauth);
    assertThat(thrown.status()).as(thrown.text()).isEqualTo(502);
    assertThat(thrown.error().path("code").asText()).isEqualTo("upstream_error");
    assertThat(thrown.error().path("detail").asText())
        .isEqualTo(
            "Got error \"Server Error\", status - \"500\", body: {\"error\":\"status 500\"}");

    JsonNode emitted = ok(send(policy(upstream.url("/status/429"), "emit", 3), null, noauth));
    assertThat(emitted.path("statusCode").asInt()).isEqualTo(429);
    assertThat(emitted.path("responseBody").path("error").asText()).isEqualTo("status 429");
    assertThat(upstream.count("/status")).isEqualTo(3);
  }

  @Test
  void ignoreErrorCodesTurnAnErrorIntoAResultAndOtherErrorsFail() {
    Map<String, Object> config = get(upstream.url("/status/404"));
    config.put("ignoreErrorCodes", "400-404");
    assertThat(ok(send(config, null, noauth)).path("statusCode").asInt()).isEqualTo(404);
    Api.Response failed = send(get(upstream.url("/status/404")), null, noauth);
    assertThat(failed.status()).isEqualTo(502);
    assertThat(failed.error().path("detail").asText()).contains("status - \"404\"");
  }

  @Test
  void customErrorCodesDecideWhatIsRetried() {
    Map<String, Object> config =
        policy(upstream.url("/flaky/custom?fail=1&code=418&retryAfter=0"), "byComponent", 2);
    config.put("errorCodes", "418");
    assertThat(ok(send(config, null, noauth)).path("responseBody").path("attempt").asInt())
        .isEqualTo(2);
  }

  /**
   * Real time: the upstream holds its answer for a minute, far beyond the 100 ms timeout the client
   * enforces, so the outcome is a timeout however slow the machine.
   */
  @Test
  void timeoutsAreRetriedAndEmitReturnsAResult() {
    Map<String, Object> config = policy(upstream.url("/slow?ms=60000"), "byComponent", 2);
    config.put("requestTimeoutPeriod", 100);
    Api.Response failed = send(config, null, noauth);
    assertThat(failed.status()).as(failed.text()).isEqualTo(502);
    assertThat(failed.error().path("detail").asText()).contains("within 100 ms");
    assertThat(upstream.count("/slow")).isEqualTo(2);
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(1_500));

    config.put("errorPolicy", "emit");
    JsonNode emitted = ok(send(config, null, noauth));
    assertThat(emitted.path("statusCode").asInt()).isEqualTo(504);
    assertThat(emitted.path("responseBody").path("error").asText()).isEqualTo("timeout");
  }

  @Test
  void lostConnectionsAreRetriedLikeErrorCodes() throws Exception {
    try (Upstream.Dropper dropper = Upstream.Dropper.start()) {
      Api.Response r = send(policy(dropper.url("/x"), "byComponent", 2), null, noauth);
      assertThat(r.status()).as(r.text()).isEqualTo(502);
      assertThat(r.error().path("detail").asText()).startsWith("could not reach http://127.0.0.1:");
      assertThat(dropper.connections()).isEqualTo(2);
      assertThat(time.sleeps()).containsExactly(Duration.ofMillis(1_500));
    }
  }

  @Test
  void aRetriedBodyIsSentIdenticallyEveryTime() {
    Map<String, Object> config =
        policy(upstream.url("/flaky/body?fail=1&code=503&retryAfter=0"), "byComponent", 2);
    reader(config).put("method", "POST");
    reader(config)
        .put("body", Map.of("formData", List.of(Map.of("key", "a", "value", lit("one")))));
    ok(send(config, null, noauth));
    List<Received> sent = upstream.requests("/flaky/body");
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).parts()).hasSize(1);
    assertThat(sent.get(1).parts().get(0).text()).isEqualTo("one");
  }

  // --- redirects
  // -----------------------------------------------------------------------------------

  @Test
  void redirectsAreFollowedUpToTheLimit() {
    Map<String, Object> config = get(upstream.url("/redirect/3"));
    config.put("maxRedirects", 5);
    assertThat(ok(send(config, null, noauth)).path("responseBody").path("path").asText())
        .isEqualTo("/redirect/0");

    config.put("maxRedirects", 2);
    Api.Response tooMany = send(config, null, noauth);
    assertThat(tooMany.status()).as(tooMany.text()).isEqualTo(502);
    assertThat(tooMany.error().path("code").asText()).isEqualTo("too_many_redirects");

    config.put("maxRedirects", 0);
    assertThat(ok(send(config, null, noauth)).path("statusCode").asInt()).isEqualTo(302);
  }

  @Test
  void aRedirectToAnotherOriginDropsTheCredential() {
    try (Upstream other = Upstream.start()) {
      String target =
          java.net.URLEncoder.encode(other.url("/echo/elsewhere"), StandardCharsets.UTF_8);
      ok(send(get(upstream.url("/redirect-to?url=" + target)), null, basic));
      assertThat(upstream.last().header("Authorization")).hasSize(1);
      assertThat(other.last().header("Authorization")).isEmpty();
    }
  }

  // --- responses
  // -----------------------------------------------------------------------------------

  @Test
  void textIsDecodedByItsCharset() {
    for (String charset : List.of("utf-8", "utf-16le", "iso-8859-1")) {
      String url =
          upstream.url(
              "/text?charset="
                  + charset
                  + "&text="
                  + java.net.URLEncoder.encode("Grüße", StandardCharsets.UTF_8));
      assertThat(ok(send(get(url), null, noauth)).path("responseBody").asText())
          .as(charset)
          .isEqualTo("Grüße");
    }
  }

  @Test
  void xmlBecomesJsonAndBinaryCanBeBase64() {
    JsonNode xml = ok(send(get(upstream.url("/xml")), null, noauth)).path("responseBody");
    assertThat(xml.path("order").path("$").path("id").asText()).isEqualTo("42");
    assertThat(xml.path("order").path("item").size()).isEqualTo(2);

    Map<String, Object> config = get(upstream.url("/bytes?size=300&type=application/octet-stream"));
    config.put("responseEncoding", "base64");
    byte[] got =
        Base64.getDecoder().decode(ok(send(config, null, noauth)).path("responseBody").asText());
    assertThat(got).hasSize(300);
    assertThat(got[260]).isEqualTo((byte) (260 % 251));
  }

  @Test
  void headersAreReturnedAsReceivedAndJsonIsParsed() {
    JsonNode result =
        ok(
            send(
                get(upstream.url("/headers?Set-Cookie=a%3D1&Set-Cookie=b%3D2&X-One=1")),
                null,
                noauth));
    assertThat(result.path("HTTPHeaders").path("Set-Cookie").isArray()).isTrue();
    assertThat(result.path("HTTPHeaders").path("Set-Cookie").size()).isEqualTo(2);
    assertThat(result.path("HTTPHeaders").path("X-One").asText()).isEqualTo("1");
    JsonNode json = ok(send(get(upstream.url("/json")), null, noauth)).path("responseBody");
    assertThat(json.path("greeting").asText()).isEqualTo("Grüße €");
  }

  @Test
  void aResponseOverTheCapFailsClearly() {
    Api.Response r =
        send(
            get(upstream.url("/bytes?size=" + (21 * 1024 * 1024) + "&chunked=true")), null, noauth);
    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("code").asText()).isEqualTo("response_too_large");
  }

  // --- what the caller gets wrong
  // --------------------------------------------------------------------

  @Test
  void anExpressionThatFailsOnTheMessageIsA422NamingIt() {
    Map<String, Object> config = get("x");
    reader(config).put("url", "body.url");
    Api.Response r = send(config, Map.of("body", Map.of("url", 12)), noauth);
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("source").path("pointer").asText())
        .isEqualTo("/data/attributes/config/reader/url");
  }

  @Test
  void anUnknownCredentialIs404() {
    Api.Response r = send(get(upstream.url("/echo/x")), null, "0123456789abcdef01234567");
    assertThat(r.status()).as(r.text()).isEqualTo(404);
    assertThat(upstream.count("/echo")).isZero();
  }
}
