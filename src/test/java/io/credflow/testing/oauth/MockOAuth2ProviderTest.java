package io.credflow.testing.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins what {@link MockOAuth2Provider} (mock-oauth2-server 2.3.0) checks and what it lets through;
 * its Javadoc draws the conclusions. A failure here after an upgrade means those conclusions need a
 * second look.
 */
class MockOAuth2ProviderTest {
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
  private static final String CLIENT_ID = "credflow-client";
  private static final String SECRET = "s3:cr+et%";

  private static MockOAuth2Provider provider;

  @BeforeAll
  static void start() {
    provider = MockOAuth2Provider.start();
  }

  @AfterAll
  static void stop() {
    provider.close();
  }

  @Test
  void authorizeWhenFollowedThenRedirectsToTheCallbackWithCodeAndStateKeepingItsQuery() {
    URI location = provider.followAuthorization(authorizeUrl(provider, "openid read", "st-1"));

    assertThat(location.toString()).startsWith(REDIRECT + "&");
    assertThat(query(location))
        .containsEntry("state", "st-1")
        .containsEntry("tenant", "a")
        .containsKey("code");
  }

  @Test
  void authorizeWhenScopeLacksOpenidThenAnswers400WithoutRedirect() {
    assertThatThrownBy(
            () -> provider.followAuthorization(authorizeUrl(provider, "read write", "st-2")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("400")
        .hasMessageContaining("openid");
  }

  @Test
  void tokenWhenCodeExchangedWithPkceVerifierThenSignedJwtsForTheEnqueuedSubjectAndARefreshToken()
      throws Exception {
    provider.enqueueLogin("alice", Map.of("tenant", "acme"), Duration.ofMinutes(10));
    String code = code(provider, "openid read");
    Map<String, String> form = exchangeForm(code, VERIFIER);
    form.remove("client_id");

    HttpResponse<String> response =
        post(provider.tokenUri(), form, basic(enc(CLIENT_ID) + ":" + enc(SECRET)));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode token = JSON.readTree(response.body());
    assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(token.path("expires_in").asLong()).isBetween(590L, 600L);
    assertThat(token.path("refresh_token").asText()).isNotBlank();
    assertThat(token.path("id_token").asText()).isNotBlank();
    JsonNode claims = claims(token.path("access_token").asText());
    assertThat(claims.path("iss").asText()).isEqualTo(provider.issuer());
    assertThat(claims.path("sub").asText()).isEqualTo("alice");
    assertThat(claims.path("tenant").asText()).isEqualTo("acme");
    assertThat(provider.issuer()).startsWith("http://127.0.0.1:").endsWith("/credflow");
  }

  @Test
  void jwksWhenFetchedThenPublishesTheSigningKeyOfTheIssuedTokens() throws Exception {
    JsonNode token =
        JSON.readTree(
            post(provider.tokenUri(), exchangeForm(code(provider, "openid"), VERIFIER), null)
                .body());
    String kid =
        JSON.readTree(
                Base64.getUrlDecoder().decode(token.path("access_token").asText().split("\\.")[0]))
            .path("kid")
            .asText();

    HttpResponse<String> jwks =
        HTTP.send(
            HttpRequest.newBuilder(provider.jwksUri()).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(jwks.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(jwks.body()).path("keys").findValuesAsText("kid")).contains(kid);
  }

  @Test
  void tokenWhenVerifierDoesNotMatchTheChallengeThenInvalidGrant() throws Exception {
    String code = code(provider, "openid");

    HttpResponse<String> response =
        post(provider.tokenUri(), exchangeForm(code, VERIFIER.replace('d', 'e')), null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("invalid_grant");
  }

  @Test
  void tokenWhenVerifierOmittedThenTokensAreStillIssuedSoPkceIsNotEnforced() throws Exception {
    String code = code(provider, "openid");
    Map<String, String> form = exchangeForm(code, VERIFIER);
    form.remove("code_verifier");

    assertThat(post(provider.tokenUri(), form, null).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenWhenCodeReplayedMadeUpOrSecretWrongThenTokensAreStillIssued() throws Exception {
    Map<String, String> form = exchangeForm(code(provider, "openid"), VERIFIER);
    assertThat(post(provider.tokenUri(), form, null).statusCode()).isEqualTo(200);
    Map<String, String> madeUp = exchangeForm("made-up-code", VERIFIER);
    madeUp.put("client_secret", "wrong");

    assertThat(post(provider.tokenUri(), form, null).statusCode()).as("replay").isEqualTo(200);
    assertThat(post(provider.tokenUri(), madeUp, null).statusCode()).as("made up").isEqualTo(200);
  }

  @Test
  void tokenWhenBothClientAuthMethodsSentOrRefreshTokenUnknownThenStillAccepted() throws Exception {
    Map<String, String> doubled = exchangeForm(code(provider, "openid"), VERIFIER);

    HttpResponse<String> both =
        post(provider.tokenUri(), doubled, basic(enc(CLIENT_ID) + ":" + enc(SECRET)));
    HttpResponse<String> unknown =
        post(provider.tokenUri(), refreshForm("never-issued-refresh-token"), null);

    assertThat(both.statusCode()).as("basic and post together").isEqualTo(200);
    assertThat(unknown.statusCode()).as("unknown refresh token").isEqualTo(200);
  }

  @Test
  void tokenWhenVerifierSentForACodeWithoutChallengeThen500ServerError() throws Exception {
    String url = authorizeUrl(provider, "openid", "s").toString();
    URI withoutChallenge = URI.create(url.substring(0, url.indexOf("&code_challenge=")));
    String code = query(provider.followAuthorization(withoutChallenge)).get("code");

    HttpResponse<String> response = post(provider.tokenUri(), exchangeForm(code, VERIFIER), null);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("server_error");
  }

  @Test
  void refreshWhenNoRotationThenTheSameRefreshTokenComesBackAndTheSubjectIsKept() throws Exception {
    provider.enqueueLogin("bob", Map.of(), Duration.ofHours(1));
    JsonNode first =
        JSON.readTree(
            post(provider.tokenUri(), exchangeForm(code(provider, "openid"), VERIFIER), null)
                .body());
    String refresh = first.path("refresh_token").asText();

    HttpResponse<String> refreshed = post(provider.tokenUri(), refreshForm(refresh), null);

    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
    JsonNode token = JSON.readTree(refreshed.body());
    assertThat(token.path("refresh_token").asText()).isEqualTo(refresh);
    assertThat(token.path("access_token").asText())
        .isNotEqualTo(first.path("access_token").asText());
    assertThat(claims(token.path("access_token").asText()).path("sub").asText()).isEqualTo("bob");
  }

  @Test
  void refreshWhenRotationEnabledThenANewRefreshTokenButTheSpentOneIsStillAccepted()
      throws Exception {
    try (MockOAuth2Provider rotating = MockOAuth2Provider.startWithRefreshTokenRotation()) {
      String code = code(rotating, "openid offline_access");
      JsonNode first =
          JSON.readTree(post(rotating.tokenUri(), exchangeForm(code, VERIFIER), null).body());
      String spent = first.path("refresh_token").asText();

      JsonNode rotated = JSON.readTree(post(rotating.tokenUri(), refreshForm(spent), null).body());
      HttpResponse<String> reuse = post(rotating.tokenUri(), refreshForm(spent), null);

      assertThat(rotated.path("refresh_token").asText()).isNotBlank().isNotEqualTo(spent);
      assertThat(reuse.statusCode()).as("no reuse detection").isEqualTo(200);
    }
  }

  @Test
  void revokeWhenTokenTypeHintMissingThen400ElseOk() throws Exception {
    JsonNode token =
        JSON.readTree(
            post(provider.tokenUri(), exchangeForm(code(provider, "openid"), VERIFIER), null)
                .body());
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", token.path("refresh_token").asText());
    form.put("client_id", CLIENT_ID);
    form.put("client_secret", SECRET);

    HttpResponse<String> withoutHint = post(provider.revocationUri(), form, null);
    form.put("token_type_hint", "refresh_token");
    HttpResponse<String> withHint = post(provider.revocationUri(), form, null);

    assertThat(withoutHint.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(withoutHint.body()).path("error").asText())
        .isEqualTo("unsupported_token_type");
    assertThat(withHint.statusCode()).as(withHint.body()).isEqualTo(200);
  }

  // ---- a minimal client ----

  private static URI authorizeUrl(MockOAuth2Provider server, String scope, String state) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", CLIENT_ID);
    params.put("redirect_uri", REDIRECT);
    params.put("scope", scope);
    params.put("state", state);
    params.put("code_challenge", CHALLENGE);
    params.put("code_challenge_method", "S256");
    return URI.create(server.authorizeUri() + "?" + formBody(params));
  }

  private static String code(MockOAuth2Provider server, String scope) {
    return query(server.followAuthorization(authorizeUrl(server, scope, "s"))).get("code");
  }

  private static Map<String, String> exchangeForm(String code, String verifier) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", REDIRECT);
    form.put("code_verifier", verifier);
    form.put("client_id", CLIENT_ID);
    form.put("client_secret", SECRET);
    return form;
  }

  private static Map<String, String> refreshForm(String refreshToken) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    form.put("client_id", CLIENT_ID);
    form.put("client_secret", SECRET);
    return form;
  }

  private static JsonNode claims(String jwt) throws IOException {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
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

  private static HttpResponse<String> post(URI uri, Map<String, String> form, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(formBody(form)));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
