package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.Secret;
import io.credflow.credential.CredentialSecrets;
import io.credflow.outbound.OutboundHttp;
import io.credflow.outbound.OutboundPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What providers' error answers become: a token endpoint's texts may quote what Credflow sent (the
 * client secret, the code, the verifier, the refresh token, in the forms they travelled in), and
 * none of it may reach a description that Credflow stores, logs or answers; Instagram's errors tell
 * a refused client (the auth-client's configuration) from a refused code or token (a dead grant)
 * and from a passing outage. Against a real HTTP endpoint on 127.0.0.1 that answers what each test
 * sets.
 */
class ProviderErrorTest {
  private static final String CLIENT_ID = "client:one";
  private static final String CLIENT_SECRET = "s3cr3t+/=:%client";
  private static final String CODE = "code-7f3a9b2c4d";
  private static final String VERIFIER = "verifier-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
  private static final String REFRESH_TOKEN = "rt-9c8b7a6f5e4d";
  private static final String ACCESS_TOKEN = "at-1a2b3c4d5e6f";

  private static HttpServer server;
  private static OutboundHttp http;

  /** The next answer: status and body, where {@code {echo}} stands for what was received. */
  private static final AtomicReference<Map.Entry<Integer, String>> next = new AtomicReference<>();

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", ProviderErrorTest::answer);
    server.start();
    http = OutboundHttp.start(OutboundPolicy.of(true));
  }

  @AfterAll
  static void stop() {
    http.close();
    server.stop(0);
  }

  /** Answers {@link #next}, with everything received (query, form, Authorization) as the echo. */
  private static void answer(HttpExchange exchange) throws IOException {
    String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String echo =
        String.join(
            " ",
            String.valueOf(exchange.getRequestURI().getRawQuery()),
            form,
            URLDecoder.decode(form, StandardCharsets.UTF_8),
            String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    Map.Entry<Integer, String> reply = next.get();
    byte[] body =
        reply
            .getValue()
            .replace("{echo}", echo.replace("\"", "'"))
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.getKey(), body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static URI local(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static GenericOAuth2Provider oauth2(OAuth2Settings.ClientAuth clientAuth) {
    return new GenericOAuth2Provider(
        new OAuth2Settings(
            CLIENT_ID,
            Secret.of(CLIENT_SECRET),
            local("/authorize"),
            local("/token"),
            Optional.empty(),
            3600,
            Optional.empty(),
            clientAuth,
            true,
            Optional.empty(),
            Map.of()),
        TokenHttp.create(http, Duration.ofSeconds(5)));
  }

  private static InstagramProvider instagram() {
    return new InstagramProvider(
        new InstagramSettings(
            CLIENT_ID,
            Secret.of(CLIENT_SECRET),
            local("/authorize"),
            local("/oauth/access_token"),
            local("/access_token"),
            local("/refresh_access_token"),
            3600,
            Optional.empty()),
        TokenHttp.create(http, Duration.ofSeconds(5)));
  }

  /** Every form in which the exchange's secrets travelled or could be quoted back. */
  private static List<String> forms(String... secrets) {
    return java.util.Arrays.stream(secrets)
        .flatMap(
            s ->
                java.util.stream.Stream.of(
                    s,
                    URLEncoder.encode(s, StandardCharsets.UTF_8),
                    s.toUpperCase(Locale.ROOT),
                    Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8))))
        .toList();
  }

  private static OAuthError refusal(TokenOutcome outcome) {
    assertThat(outcome).isInstanceOf(TokenOutcome.Refused.class);
    return ((TokenOutcome.Refused) outcome).error();
  }

  private static TokenOutcome called(OAuthProvider.RefreshAttempt attempt) {
    assertThat(attempt).isInstanceOf(OAuthProvider.RefreshAttempt.Called.class);
    return ((OAuthProvider.RefreshAttempt.Called) attempt).outcome();
  }

  private static OAuthProvider.RefreshRequest refreshOf(Optional<String> refreshToken) {
    Instant now = Instant.parse("2030-01-02T00:00:00Z");
    return new OAuthProvider.RefreshRequest(
        new CredentialSecrets.Tokens(Secret.of(ACCESS_TOKEN), refreshToken.map(Secret::of)),
        () -> now.minus(Duration.ofDays(2)),
        Optional.of(now.plus(Duration.ofDays(30))),
        now);
  }

  @ParameterizedTest
  @CsvSource({"POST", "BASIC"})
  void exchangeCodeWhenTheErrorDescriptionQuotesTheRequestThenNoSecretOfItRemains(
      OAuth2Settings.ClientAuth clientAuth) {
    next.set(
        Map.entry(
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"could not use {echo}\","
                + "\"error_uri\":\"https://idp.example/e?code="
                + CODE
                + "\"}"));

    OAuthError error =
        refusal(
            oauth2(clientAuth)
                .exchangeCode(
                    Secret.of(CODE),
                    URI.create("https://credflow.example/callback/oauth2"),
                    Optional.of(Secret.of(VERIFIER))));

    assertThat(error.code()).isEqualTo(OAuthError.INVALID_GRANT);
    String text = error.describe() + " " + error.uri().orElseThrow();
    assertThat(text).contains(Secret.MASK).contains("could not use");
    for (String form : forms(CLIENT_SECRET, CODE, VERIFIER)) {
      assertThat(text).doesNotContainIgnoringCase(form);
    }
    if (clientAuth == OAuth2Settings.ClientAuth.BASIC) {
      String pair =
          URLEncoder.encode(CLIENT_ID, StandardCharsets.UTF_8)
              + ":"
              + URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8);
      assertThat(text)
          .doesNotContain(
              Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void refreshWhenTheErrorDescriptionQuotesTheRefreshTokenThenItIsMasked() {
    next.set(
        Map.entry(
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"token "
                + REFRESH_TOKEN.toUpperCase(Locale.ROOT)
                + " was revoked; you sent {echo}\"}"));

    OAuthError error =
        refusal(
            called(
                oauth2(OAuth2Settings.ClientAuth.POST)
                    .refresh(refreshOf(Optional.of(REFRESH_TOKEN)))));

    assertThat(error.describe()).contains("was revoked").contains(Secret.MASK);
    for (String form : forms(CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN)) {
      assertThat(error.describe()).doesNotContainIgnoringCase(form);
    }
  }

  @Test
  void refreshWhenTheErrorCodeItselfQuotesASecretThenTheStoredCodeDoesNot() {
    next.set(Map.entry(400, "{\"error\":\"bad_" + REFRESH_TOKEN + "\"}"));

    OAuthError error =
        refusal(
            called(
                oauth2(OAuth2Settings.ClientAuth.POST)
                    .refresh(refreshOf(Optional.of(REFRESH_TOKEN)))));

    assertThat(error.code()).doesNotContain(REFRESH_TOKEN).contains(Secret.MASK);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Error validating client secret.|invalid_client",
        "Invalid platform app|invalid_client",
        "Matching code was not found or was already used|invalid_grant",
        "Error validating verification code. Please make sure your redirect_uri is identical|invalid_grant"
      })
  void exchangeCodeWhenInstagramRefusesThenTheClientIsToldFromTheCode(String message, String code) {
    next.set(
        Map.entry(
            400,
            "{\"error_type\":\"OAuthException\",\"code\":400,\"error_message\":\""
                + message
                + " ({echo})\"}"));

    OAuthError error =
        refusal(
            instagram()
                .exchangeCode(
                    Secret.of(CODE),
                    URI.create("https://credflow.example/callback/oauth2"),
                    Optional.empty()));

    assertThat(error.code()).isEqualTo(code);
    assertThat(error.meansClientMisconfigured()).isEqualTo(code.equals("invalid_client"));
    for (String form : forms(CLIENT_SECRET, CODE)) {
      assertThat(error.describe()).doesNotContainIgnoringCase(form);
    }
  }

  @ParameterizedTest(name = "Graph error {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "190|Error validating access token|graph_190",
        "101|Error validating application. Invalid application ID.|invalid_client",
        "100|Invalid parameter|graph_100"
      })
  void refreshWhenInstagramAnswersAGraphErrorThenItsCodeDecides(
      int graphCode, String message, String code) {
    next.set(
        Map.entry(
            400,
            "{\"error\":{\"message\":\""
                + message
                + " {echo}\",\"type\":\"OAuthException\",\"code\":"
                + graphCode
                + "}}"));

    OAuthError error = refusal(called(instagram().refresh(refreshOf(Optional.empty()))));

    assertThat(error.code()).isEqualTo(code);
    for (String form : forms(ACCESS_TOKEN, CLIENT_SECRET)) {
      assertThat(error.describe()).doesNotContainIgnoringCase(form);
    }
  }

  @ParameterizedTest(name = "Graph error {0}")
  @CsvSource({"1", "2", "4", "17", "32", "613"})
  void refreshWhenInstagramAnswersATransientGraphErrorThenTheProviderIsUnavailable(int graphCode) {
    next.set(
        Map.entry(
            400,
            "{\"error\":{\"message\":\"Please retry later\",\"type\":\"OAuthException\",\"code\":"
                + graphCode
                + ",\"is_transient\":true}}"));

    TokenOutcome outcome = called(instagram().refresh(refreshOf(Optional.empty())));

    assertThat(outcome).isInstanceOf(TokenOutcome.Unavailable.class);
    assertThat(((TokenOutcome.Unavailable) outcome).reason()).contains("Please retry later");
  }
}
