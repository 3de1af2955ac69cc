package io.credflow.testing.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.testing.oauth.FakeOAuthProvider.TokenFailure;
import io.credflow.testing.oauth.FakeOAuthProvider.Tokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeOAuthProviderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** RFC 7636 Appendix B. */
  private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

  private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  private static final String REDIRECT = "http://127.0.0.1:9/callback/oauth2?tenant=a";
  private static final String SECRET = "p:ss+w%rd 1";

  private FakeOAuthProvider provider;

  @BeforeEach
  void start() {
    provider = FakeOAuthProvider.start("client-1", SECRET);
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  @Test
  void authorizeWhenRequestIsValidThenRedirectsWithCodeAndStateAndRecordsIt() {
    URI location = provider.followAuthorization(authorizeUrl(authorizeParams("st-1")));

    assertThat(location.toString()).startsWith(REDIRECT + "&code=code_");
    Map<String, String> query = query(location);
    assertThat(query).containsEntry("state", "st-1").containsEntry("tenant", "a");
    assertThat(provider.authorizationRequests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.param("code_challenge")).contains(CHALLENGE);
              assertThat(r.param("scope")).contains("read write");
              assertThat(r.param("redirect_uri")).contains(REDIRECT);
            });
  }

  @Test
  void authorizeWhenDeniedThenRedirectsWithAccessDeniedAndStateButNoCode() {
    provider.denyAuthorizations(true);

    Map<String, String> query =
        query(provider.followAuthorization(authorizeUrl(authorizeParams("st-2"))));

    assertThat(query)
        .containsEntry("error", "access_denied")
        .containsEntry("state", "st-2")
        .doesNotContainKey("code");
  }

  @Test
  void authorizeWhenChallengeMissingOrPlainThenRedirectsWithInvalidRequest() {
    Map<String, String> missing = authorizeParams("s");
    missing.remove("code_challenge");
    missing.remove("code_challenge_method");
    Map<String, String> plain = authorizeParams("s");
    plain.put("code_challenge_method", "plain");

    assertThat(query(provider.followAuthorization(authorizeUrl(missing))))
        .containsEntry("error", "invalid_request")
        .doesNotContainKey("code");
    assertThat(query(provider.followAuthorization(authorizeUrl(plain))))
        .containsEntry("error", "invalid_request")
        .doesNotContainKey("code");
  }

  @Test
  void authorizeWhenClientUnknownOrRedirectUriMissingThenAnswers400WithoutRedirect()
      throws Exception {
    Map<String, String> unknownClient = authorizeParams("s");
    unknownClient.put("client_id", "someone-else");
    Map<String, String> noRedirect = authorizeParams("s");
    noRedirect.remove("redirect_uri");

    for (Map<String, String> params : List.of(unknownClient, noRedirect)) {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(authorizeUrl(params)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.headers().firstValue("Location")).isEmpty();
    }
  }

  @Test
  void tokenWhenCodeRedeemedWithRfc7636VerifierThenIssuesBearerTokensThatTheResourceAccepts()
      throws Exception {
    assertThat(OAuthRules.s256(VERIFIER)).isEqualTo(CHALLENGE);

    HttpResponse<String> response = post(provider.tokenUri(), redeemForm(newCode()), null);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    JsonNode token = JSON.readTree(response.body());
    assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(token.path("expires_in").asLong()).isEqualTo(3600);
    assertThat(token.path("scope").asText()).isEqualTo("read write");
    String access = token.path("access_token").asText();
    assertThat(provider.isAccessTokenValid(access)).isTrue();
    assertThat(provider.isRefreshTokenValid(token.path("refresh_token").asText())).isTrue();

    HttpResponse<String> resource =
        HTTP.send(
            HttpRequest.newBuilder(provider.resourceUri())
                .header("Authorization", "Bearer " + access)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(resource.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(resource.body()).path("subject").asText())
        .isEqualTo(FakeOAuthProvider.SUBJECT);
    assertThat(provider.tokenRequestCount("authorization_code")).isEqualTo(1);
  }

  @Test
  void tokenWhenCodeRedeemedTwiceThenInvalidGrantAndTokensOfTheFirstRedemptionRevoked()
      throws Exception {
    Map<String, String> form = redeemForm(newCode());
    JsonNode first = JSON.readTree(post(provider.tokenUri(), form, null).body());

    HttpResponse<String> second = post(provider.tokenUri(), form, null);

    assertOAuthError(second, 400, "invalid_grant");
    assertThat(provider.codeReuseDetected()).isEqualTo(1);
    assertThat(provider.isAccessTokenValid(first.path("access_token").asText())).isFalse();
    assertThat(provider.isRefreshTokenValid(first.path("refresh_token").asText())).isFalse();
  }

  @Test
  void tokenWhenRedirectUriVerifierOrCodeIsWrongThenInvalidGrant() throws Exception {
    Map<String, String> otherRedirect = redeemForm(newCode());
    otherRedirect.put("redirect_uri", REDIRECT + "&x=1");
    Map<String, String> wrongVerifier = redeemForm(newCode());
    wrongVerifier.put("code_verifier", VERIFIER.replace('d', 'e'));
    Map<String, String> noVerifier = redeemForm(newCode());
    noVerifier.remove("code_verifier");
    Map<String, String> unknownCode = redeemForm("code_made-up");

    for (Map<String, String> form :
        List.of(otherRedirect, wrongVerifier, noVerifier, unknownCode)) {
      assertOAuthError(post(provider.tokenUri(), form, null), 400, "invalid_grant");
    }
    assertThat(provider.codeReuseDetected()).isZero();
  }

  @Test
  void tokenWhenVerifierSentButAuthorizationHadNoChallengeThenInvalidGrant() throws Exception {
    provider.requirePkce(false);
    Map<String, String> params = authorizeParams("s");
    params.remove("code_challenge");
    params.remove("code_challenge_method");
    String code = query(provider.followAuthorization(authorizeUrl(params))).get("code");

    assertOAuthError(post(provider.tokenUri(), redeemForm(code), null), 400, "invalid_grant");
  }

  @Test
  void tokenWhenBasicAuthFormUrlEncodesIdAndSecretThenAcceptedAndHeaderRecordedExactly()
      throws Exception {
    Map<String, String> form = redeemForm(newCode());
    form.remove("client_id");
    form.remove("client_secret");
    String header = basic(enc("client-1") + ":" + enc(SECRET));

    HttpResponse<String> response = post(provider.tokenUri(), form, header);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(provider.tokenRequests().getLast().authorization()).contains(header);
    assertThat(header).isEqualTo("Basic Y2xpZW50LTE6cCUzQXNzJTJCdyUyNXJkKzE=");
  }

  @Test
  void tokenWhenBasicAuthSendsTheSecretWithoutUrlEncodingThen401InvalidClient() throws Exception {
    Map<String, String> form = redeemForm(newCode());
    form.remove("client_id");
    form.remove("client_secret");

    HttpResponse<String> response = post(provider.tokenUri(), form, basic("client-1:" + SECRET));

    assertOAuthError(response, 401, "invalid_client");
    assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void tokenWhenBasicAndPostAuthBothSentThen400InvalidRequest() throws Exception {
    Map<String, String> form = redeemForm(newCode());

    assertOAuthError(
        post(provider.tokenUri(), form, basic(enc("client-1") + ":" + enc(SECRET))),
        400,
        "invalid_request");
  }

  @Test
  void tokenWhenSecretWrongOrMissingThen401InvalidClientAndTheCodeStaysRedeemable()
      throws Exception {
    Map<String, String> form = redeemForm(newCode());
    Map<String, String> wrong = new LinkedHashMap<>(form);
    wrong.put("client_secret", "p:ss+w%rd 2");
    Map<String, String> none = new LinkedHashMap<>(form);
    none.remove("client_secret");

    assertOAuthError(post(provider.tokenUri(), wrong, null), 401, "invalid_client");
    assertOAuthError(post(provider.tokenUri(), none, null), 401, "invalid_client");
    assertThat(post(provider.tokenUri(), form, null).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenWhenParameterRepeatedOrBodyNotAFormThen400InvalidRequest() throws Exception {
    String body = formBody(redeemForm(newCode())) + "&grant_type=authorization_code";
    HttpResponse<String> repeated =
        send(provider.tokenUri(), body, "application/x-www-form-urlencoded");
    HttpResponse<String> json = send(provider.tokenUri(), "{}", "application/json");

    assertOAuthError(repeated, 400, "invalid_request");
    assertOAuthError(json, 400, "invalid_request");
    assertThat(provider.tokenRequests()).hasSize(2);
  }

  @Test
  void refreshWhenTokenPresentedThenRotatesAndSpendsThePresentedToken() throws Exception {
    Tokens seeded = provider.issueTokens("read write");
    String old = seeded.refreshToken().orElseThrow();

    HttpResponse<String> response = post(provider.tokenUri(), refreshForm(old), null);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode token = JSON.readTree(response.body());
    String rotated = token.path("refresh_token").asText();
    assertThat(rotated).startsWith("rt_").isNotEqualTo(old);
    assertThat(provider.isRefreshTokenValid(old)).isFalse();
    assertThat(provider.isRefreshTokenValid(rotated)).isTrue();
    assertThat(provider.isAccessTokenValid(token.path("access_token").asText())).isTrue();
    assertThat(provider.isAccessTokenValid(seeded.accessToken())).isTrue();
    assertThat(provider.reuseDetected()).isZero();
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
  }

  @Test
  void refreshWhenSpentTokenPresentedAgainThenRevokesTheFamilyAndCountsTheReuse() throws Exception {
    Tokens seeded = provider.issueTokens("read");
    String old = seeded.refreshToken().orElseThrow();
    JsonNode first = JSON.readTree(post(provider.tokenUri(), refreshForm(old), null).body());

    HttpResponse<String> reuse = post(provider.tokenUri(), refreshForm(old), null);

    assertOAuthError(reuse, 400, "invalid_grant");
    assertThat(provider.reuseDetected()).isEqualTo(1);
    assertThat(provider.isAccessTokenValid(seeded.accessToken())).isFalse();
    assertThat(provider.isAccessTokenValid(first.path("access_token").asText())).isFalse();
    String newest = first.path("refresh_token").asText();
    assertThat(provider.isRefreshTokenValid(newest)).isFalse();
    assertOAuthError(post(provider.tokenUri(), refreshForm(newest), null), 400, "invalid_grant");
    assertThat(provider.reuseDetected()).isEqualTo(1);
  }

  @Test
  void refreshWhenManyConcurrentCallersPresentTheSameTokenThenExactlyOneSucceeds()
      throws Exception {
    String old = provider.issueTokens("read").refreshToken().orElseThrow();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(
          HTTP.sendAsync(
              formRequest(provider.tokenUri(), formBody(refreshForm(old)), null),
              HttpResponse.BodyHandlers.ofString()));
    }

    Map<Integer, Long> statuses =
        calls.stream()
            .map(CompletableFuture::join)
            .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));

    assertThat(statuses).containsEntry(200, 1L).containsEntry(400, 39L);
    assertThat(provider.reuseDetected()).isEqualTo(39);
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(40);
  }

  @Test
  void refreshWhenRotationDisabledThenOmitsRefreshTokenAndThePresentedOneStaysValid()
      throws Exception {
    provider.rotateRefreshTokens(false);
    String refresh = provider.issueTokens("read").refreshToken().orElseThrow();

    JsonNode first = JSON.readTree(post(provider.tokenUri(), refreshForm(refresh), null).body());
    HttpResponse<String> second = post(provider.tokenUri(), refreshForm(refresh), null);

    assertThat(first.has("access_token")).isTrue();
    assertThat(first.has("refresh_token")).isFalse();
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(provider.isRefreshTokenValid(refresh)).isTrue();
    assertThat(provider.reuseDetected()).isZero();
  }

  @Test
  void refreshWhenScopeWiderThanGrantedThenInvalidScopeAndNarrowerIsEchoed() throws Exception {
    String refresh = provider.issueTokens("read write").refreshToken().orElseThrow();
    Map<String, String> wider = refreshForm(refresh);
    wider.put("scope", "read write admin");
    Map<String, String> narrower = refreshForm(refresh);
    narrower.put("scope", "read");

    assertOAuthError(post(provider.tokenUri(), wider, null), 400, "invalid_scope");
    HttpResponse<String> ok = post(provider.tokenUri(), narrower, null);
    assertThat(JSON.readTree(ok.body()).path("scope").asText()).isEqualTo("read");
  }

  @Test
  void tokenWhenFailuresForcedThenTheNextResponsesFailInOrderAndThenItRecovers() throws Exception {
    String refresh = provider.issueTokens("read").refreshToken().orElseThrow();
    provider
        .failNext(1, TokenFailure.INVALID_GRANT)
        .failNext(1, TokenFailure.INVALID_CLIENT)
        .failNext(1, TokenFailure.TEMPORARILY_UNAVAILABLE)
        .failNext(1, TokenFailure.HTTP_500)
        .failNext(1, TokenFailure.HTTP_503_EMPTY);
    Map<String, String> form = refreshForm(refresh);

    assertOAuthError(post(provider.tokenUri(), form, null), 400, "invalid_grant");
    assertOAuthError(post(provider.tokenUri(), form, null), 401, "invalid_client");
    assertOAuthError(post(provider.tokenUri(), form, null), 400, "temporarily_unavailable");
    HttpResponse<String> error500 = post(provider.tokenUri(), form, null);
    assertThat(error500.statusCode()).isEqualTo(500);
    assertThat(error500.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    HttpResponse<String> error503 = post(provider.tokenUri(), form, null);
    assertThat(error503.statusCode()).isEqualTo(503);
    assertThat(error503.body()).isEmpty();
    assertThat(provider.isRefreshTokenValid(refresh)).as("forced failures change nothing").isTrue();
    assertThat(post(provider.tokenUri(), form, null).statusCode()).isEqualTo(200);
    assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(6);
  }

  @Test
  void tokenWhenExpiresInOmittedThenTheResponseHasNoneButTheTokenStillExpiresByTheClock()
      throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
    provider.clock(now::get).expiresIn(120).advertiseExpiresIn(false).echoScope(false);
    String refresh = provider.issueTokens("read").refreshToken().orElseThrow();

    JsonNode token = JSON.readTree(post(provider.tokenUri(), refreshForm(refresh), null).body());
    String access = token.path("access_token").asText();

    assertThat(token.has("expires_in")).isFalse();
    assertThat(token.has("scope")).isFalse();
    now.set(now.get().plusSeconds(119));
    assertThat(provider.isAccessTokenValid(access)).isTrue();
    now.set(now.get().plusSeconds(1));
    assertThat(provider.isAccessTokenValid(access)).isFalse();
  }

  @Test
  void tokenWhenCodeOlderThanTenMinutesThenInvalidGrant() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
    provider.clock(now::get);
    String code = newCode();
    now.set(now.get().plus(FakeOAuthProvider.CODE_LIFETIME));

    assertOAuthError(post(provider.tokenUri(), redeemForm(code), null), 400, "invalid_grant");
  }

  @Test
  void tokenWhenResponseDelaySetThenTheAnswerWaitsThatLongAfterTheRequestTookEffect()
      throws Exception {
    String refresh = provider.issueTokens("read").refreshToken().orElseThrow();
    List<Duration> waits = new CopyOnWriteArrayList<>();
    List<Boolean> validWhileWaiting = new CopyOnWriteArrayList<>();
    provider
        .sleeper(
            d -> {
              waits.add(d);
              validWhileWaiting.add(provider.isRefreshTokenValid(refresh));
            })
        .responseDelay(Duration.ofMillis(300));

    HttpResponse<String> response = post(provider.tokenUri(), refreshForm(refresh), null);

    assertThat(waits).as("the delay before the answer").containsExactly(Duration.ofMillis(300));
    assertThat(validWhileWaiting).as("spent before the answer").containsExactly(false);
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void resourceWhenTokenMissingUnknownOrRevokedThen401WithBearerChallenge() throws Exception {
    Tokens tokens = provider.issueTokens("read");
    provider.revokeToken(tokens.accessToken());

    for (String header :
        new String[] {null, "Bearer at_unknown", "Bearer " + tokens.accessToken()}) {
      HttpRequest.Builder request = HttpRequest.newBuilder(provider.resourceUri());
      if (header != null) {
        request.header("Authorization", header);
      }
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
    }
    assertThat(provider.resourceRequests()).hasSize(3);
  }

  @Test
  void revokeWhenRefreshTokenRevokedThenItsFamilyIsInvalidAndUnknownTokensStillAnswer200()
      throws Exception {
    Tokens tokens = provider.issueTokens("read");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", tokens.refreshToken().orElseThrow());
    form.put("token_type_hint", "refresh_token");
    Map<String, String> unknown = Map.of("token", "rt_unknown");
    String basic = basic(enc("client-1") + ":" + enc(SECRET));

    HttpResponse<String> revoked = post(provider.revocationUri(), form, basic);
    HttpResponse<String> unknownRevoked = post(provider.revocationUri(), unknown, basic);

    assertThat(revoked.statusCode()).isEqualTo(200);
    assertThat(unknownRevoked.statusCode()).isEqualTo(200);
    assertThat(provider.isRefreshTokenValid(tokens.refreshToken().orElseThrow())).isFalse();
    assertThat(provider.isAccessTokenValid(tokens.accessToken())).isFalse();
    assertThat(provider.revocationRequests())
        .extracting(r -> r.param("token_type_hint").orElse("none"))
        .containsExactly("refresh_token", "none");
    assertOAuthError(
        post(provider.revocationUri(), unknown, basic("client-1:wrong")), 401, "invalid_client");
  }

  // ---- a minimal client ----

  private Map<String, String> authorizeParams(String state) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", "client-1");
    params.put("redirect_uri", REDIRECT);
    params.put("scope", "read write");
    params.put("state", state);
    params.put("code_challenge", CHALLENGE);
    params.put("code_challenge_method", "S256");
    return params;
  }

  private URI authorizeUrl(Map<String, String> params) {
    return URI.create(provider.authorizeUri() + "?" + formBody(params));
  }

  private String newCode() {
    String code =
        query(provider.followAuthorization(authorizeUrl(authorizeParams("s")))).get("code");
    assertThat(code).isNotNull();
    return code;
  }

  private static Map<String, String> redeemForm(String code) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", REDIRECT);
    form.put("code_verifier", VERIFIER);
    form.put("client_id", "client-1");
    form.put("client_secret", SECRET);
    return form;
  }

  private static Map<String, String> refreshForm(String refreshToken) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    form.put("client_id", "client-1");
    form.put("client_secret", SECRET);
    return form;
  }

  private static String basic(String credentials) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String formBody(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static HttpRequest formRequest(URI uri, String body, String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  private static HttpResponse<String> post(URI uri, Map<String, String> form, String authorization)
      throws IOException, InterruptedException {
    return HTTP.send(
        formRequest(uri, formBody(form), authorization), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(URI uri, String body, String contentType)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertOAuthError(HttpResponse<String> response, int status, String error)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo(error);
  }
}
