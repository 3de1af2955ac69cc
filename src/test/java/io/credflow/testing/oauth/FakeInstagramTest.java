package io.credflow.testing.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.testing.oauth.FakeInstagram.Endpoint;
import io.credflow.testing.oauth.FakeInstagram.Failure;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeInstagramTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private static final String REDIRECT = "http://127.0.0.1:9/callback/oauth2";

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
  private FakeInstagram instagram;

  @BeforeEach
  void start() {
    instagram = FakeInstagram.start(now::get);
  }

  @AfterEach
  void stop() {
    instagram.close();
  }

  @Test
  void authorizeWhenValidThenRedirectsWithCodeAndStateFollowedByHashUnderscore() {
    URI location = instagram.followAuthorization(authorizeUrl("st-1"));

    assertThat(location.getRawFragment()).isEqualTo("_");
    Map<String, String> query = query(location);
    assertThat(query).containsEntry("state", "st-1");
    assertThat(instagram.lastIssuedCode()).contains(query.get("code") + "#_");
    assertThat(instagram.requests(Endpoint.AUTHORIZE).getFirst().param("scope"))
        .contains("user_profile,user_media");
  }

  @Test
  void authorizeWhenDeniedThenRedirectsWithUserDeniedAndNoCode() {
    instagram.denyAuthorizations(true);

    Map<String, String> query = query(instagram.followAuthorization(authorizeUrl("st-2")));

    assertThat(query)
        .containsEntry("error", "access_denied")
        .containsEntry("error_reason", "user_denied")
        .containsEntry("state", "st-2")
        .doesNotContainKey("code");
    assertThat(instagram.lastIssuedCode()).isEmpty();
  }

  @Test
  void loginWhenCodeExchangedThenShortThenLongLivedTokenWhichMeAccepts() throws Exception {
    String code = newCode();

    HttpResponse<String> token = post(instagram.tokenUri(), tokenForm(code));
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    JsonNode shortBody = JSON.readTree(token.body());
    String shortLived = shortBody.path("access_token").asText();
    assertThat(shortBody.path("user_id").asLong()).isEqualTo(FakeInstagram.USER_ID);
    assertThat(instagram.shortLivedTokens()).containsExactly(shortLived);

    HttpResponse<String> exchanged = get(exchangeUrl(instagram.clientSecret(), shortLived));
    assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
    JsonNode longBody = JSON.readTree(exchanged.body());
    String longLived = longBody.path("access_token").asText();
    assertThat(longBody.path("token_type").asText()).isEqualTo("bearer");
    assertThat(longBody.path("expires_in").asLong()).isEqualTo(5_183_944);
    assertThat(instagram.isLongLivedTokenValid(longLived)).isTrue();
    assertThat(instagram.isLongLivedTokenValid(shortLived)).isFalse();

    HttpResponse<String> me = get(meUrl(longLived));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(me.body()).path("id").asText()).isEqualTo("123");
    assertThat(instagram.shortLivedTokenMisuses()).isZero();
    for (Endpoint e : new Endpoint[] {Endpoint.TOKEN, Endpoint.EXCHANGE, Endpoint.ME}) {
      assertThat(instagram.requestCount(e)).as(e.name()).isEqualTo(1);
    }
    assertThat(instagram.requestCount(Endpoint.REFRESH)).isZero();
  }

  @Test
  void tokenWhenCodeStillEndsWithHashUnderscoreThenRefusedAndCountedButTheStrippedCodeWorks()
      throws Exception {
    newCode();
    String copied = instagram.lastIssuedCode().orElseThrow();

    HttpResponse<String> withFragment = post(instagram.tokenUri(), tokenForm(copied));
    HttpResponse<String> stripped =
        post(instagram.tokenUri(), tokenForm(copied.substring(0, copied.length() - 2)));

    assertInstagramError(withFragment, "Matching code was not found or was already used");
    assertThat(instagram.codesWithFragmentPresented()).isEqualTo(1);
    assertThat(stripped.statusCode()).as(stripped.body()).isEqualTo(200);
  }

  @Test
  void tokenWhenCodeReusedExpiredOrRedirectDiffersThenInstagramOAuthException() throws Exception {
    String used = newCode();
    post(instagram.tokenUri(), tokenForm(used));
    Map<String, String> otherRedirect = tokenForm(newCode());
    otherRedirect.put("redirect_uri", REDIRECT + "/other");
    String late = newCode();

    assertInstagramError(post(instagram.tokenUri(), tokenForm(used)), "already used");
    assertInstagramError(post(instagram.tokenUri(), otherRedirect), "redirect_uri");
    now.set(now.get().plus(FakeInstagram.CODE_LIFETIME));
    assertInstagramError(post(instagram.tokenUri(), tokenForm(late)), "not found");
  }

  @Test
  void exchangeWhenSecretWrongOrShortTokenExpiredThenGraphErrors() throws Exception {
    String shortLived = shortLivedToken();

    assertGraphError(get(exchangeUrl("wrong-secret", shortLived)), 101);
    now.set(now.get().plus(FakeInstagram.SHORT_LIVED_LIFETIME));
    HttpResponse<String> expired = get(exchangeUrl(instagram.clientSecret(), shortLived));
    assertGraphError(expired, 190);
    assertThat(JSON.readTree(expired.body()).path("error").path("error_subcode").asInt())
        .isEqualTo(463);
  }

  @Test
  void refreshWhenTokenYoungerThan24HoursThenCode10AndTheEarlyAttemptIsRecorded() throws Exception {
    String longLived = instagram.issueLongLivedToken();
    now.set(now.get().plus(FakeInstagram.MIN_REFRESH_AGE).minusSeconds(1));

    HttpResponse<String> early = get(refreshUrl(longLived));

    assertGraphError(early, 10);
    assertThat(instagram.earlyRefreshAttempts()).isEqualTo(1);
    assertThat(instagram.isLongLivedTokenValid(longLived)).isTrue();
  }

  @Test
  void refreshWhenTokenIsAtLeast24HoursOldThenANewLongLivedTokenThatIsItselfTooYoung()
      throws Exception {
    String longLived = instagram.issueLongLivedToken();
    now.set(now.get().plus(FakeInstagram.MIN_REFRESH_AGE));

    HttpResponse<String> refreshed = get(refreshUrl(longLived));

    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(refreshed.body());
    String newer = body.path("access_token").asText();
    assertThat(newer).isNotEqualTo(longLived);
    assertThat(body.path("expires_in").asLong()).isEqualTo(FakeInstagram.LONG_LIVED_EXPIRES_IN);
    assertThat(instagram.isLongLivedTokenValid(newer)).isTrue();
    assertThat(instagram.earlyRefreshAttempts()).isZero();
    assertGraphError(get(refreshUrl(newer)), 10);
    assertThat(instagram.earlyRefreshAttempts()).isEqualTo(1);
  }

  @Test
  void refreshWhenTokenExpiredThenGraph190AndMeRefusesItToo() throws Exception {
    String longLived = instagram.issueLongLivedToken();
    now.set(now.get().plusSeconds(FakeInstagram.LONG_LIVED_EXPIRES_IN));

    assertThat(instagram.isLongLivedTokenValid(longLived)).isFalse();
    assertGraphError(get(refreshUrl(longLived)), 190);
    assertGraphError(get(meUrl(longLived)), 190);
    assertThat(instagram.earlyRefreshAttempts()).isZero();
  }

  @Test
  void meWhenTokenInvalidatedThenGraph190() throws Exception {
    String longLived = instagram.issueLongLivedToken();
    instagram.invalidate(longLived);

    assertGraphError(get(meUrl(longLived)), 190);
    assertThat(instagram.isLongLivedTokenValid(longLived)).isFalse();
  }

  @Test
  void shortLivedTokenWhenPresentedAnywhereButTheExchangeThenRefusedAndCountedAsMisuse()
      throws Exception {
    String shortLived = shortLivedToken();
    now.set(now.get().plus(FakeInstagram.MIN_REFRESH_AGE));

    assertGraphError(get(meUrl(shortLived)), 190);
    assertGraphError(get(refreshUrl(shortLived)), 190);
    HttpRequest bearer =
        HttpRequest.newBuilder(instagram.meUri())
            .header("Authorization", "Bearer " + shortLived)
            .build();
    HTTP.send(bearer, HttpResponse.BodyHandlers.ofString());

    assertThat(instagram.shortLivedTokenMisuses()).isEqualTo(3);
    assertThat(instagram.earlyRefreshAttempts()).isZero();
  }

  @Test
  void failNextWhenSetThenGraph190Then500ThenNormalAnswersAndNothingChanged() throws Exception {
    String longLived = instagram.issueLongLivedToken();
    instagram.failNext(1, Failure.GRAPH_190).failNext(1, Failure.HTTP_500);

    assertGraphError(get(meUrl(longLived)), 190);
    HttpResponse<String> transientError = get(meUrl(longLived));
    assertThat(transientError.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(transientError.body()).path("error").path("is_transient").asBoolean())
        .isTrue();
    assertThat(get(meUrl(longLived)).statusCode()).isEqualTo(200);
    assertThat(instagram.isLongLivedTokenValid(longLived)).isTrue();
    assertThat(instagram.requestCount(Endpoint.ME)).isEqualTo(3);
  }

  @Test
  void responseDelayWhenSetThenApiAnswersWaitThatLong() throws Exception {
    String longLived = instagram.issueLongLivedToken();
    List<Duration> waits = new CopyOnWriteArrayList<>();
    instagram.sleeper(waits::add).responseDelay(Duration.ofMillis(250));

    HttpResponse<String> me = get(meUrl(longLived));

    assertThat(waits).as("the delay before the answer").containsExactly(Duration.ofMillis(250));
    assertThat(me.statusCode()).isEqualTo(200);
  }

  // ---- a minimal client ----

  private URI authorizeUrl(String state) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("client_id", instagram.clientId());
    params.put("redirect_uri", REDIRECT);
    params.put("scope", "user_profile,user_media");
    params.put("response_type", "code");
    params.put("state", state);
    return URI.create(instagram.authorizeUri() + "?" + formBody(params));
  }

  private String newCode() {
    String code = query(instagram.followAuthorization(authorizeUrl("s"))).get("code");
    assertThat(code).isNotBlank().doesNotContain("#");
    return code;
  }

  private String shortLivedToken() throws Exception {
    HttpResponse<String> token = post(instagram.tokenUri(), tokenForm(newCode()));
    return JSON.readTree(token.body()).path("access_token").asText();
  }

  private Map<String, String> tokenForm(String code) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("client_id", instagram.clientId());
    form.put("client_secret", instagram.clientSecret());
    form.put("grant_type", "authorization_code");
    form.put("redirect_uri", REDIRECT);
    form.put("code", code);
    return form;
  }

  private URI exchangeUrl(String secret, String shortLived) {
    return URI.create(
        instagram.exchangeUri()
            + "?grant_type=ig_exchange_token&client_secret="
            + enc(secret)
            + "&access_token="
            + enc(shortLived));
  }

  private URI refreshUrl(String longLived) {
    return URI.create(
        instagram.refreshUri() + "?grant_type=ig_refresh_token&access_token=" + enc(longLived));
  }

  private URI meUrl(String token) {
    return URI.create(instagram.meUri() + "?fields=id,username&access_token=" + enc(token));
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

  private static HttpResponse<String> post(URI uri, Map<String, String> form)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertGraphError(HttpResponse<String> response, int code) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(response.body()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("OAuthException");
    assertThat(error.path("code").asInt()).as(response.body()).isEqualTo(code);
  }

  private static void assertInstagramError(HttpResponse<String> response, String messagePart)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("error_type").asText()).isEqualTo("OAuthException");
    assertThat(body.path("error_message").asText()).contains(messagePart);
  }
}
