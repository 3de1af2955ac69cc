package io.credflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.testing.SettableClock;
import io.javalin.Javalin;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The demo provider on a real server, driven over real HTTP as a browser and a client would. */
class DemoProviderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** RFC 7636 Appendix B. */
  private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

  private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  private static final String OTHER_VERIFIER = "x".repeat(43);
  private static final Pattern REQUEST_FIELD =
      Pattern.compile("<input type=\"hidden\" name=\"request\" value=\"([A-Za-z0-9_-]+)\">");

  private final SettableClock clock = new SettableClock(Instant.parse("2025-06-01T10:00:00Z"));
  private final DemoProvider.Settings settings = DemoProvider.Settings.defaults();
  private final AtomicReference<URI> publicUrl = new AtomicReference<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger("io.credflow.demo");
  private final List<String> seen = new ArrayList<>();
  private DemoProvider provider;
  private Javalin app;
  private String redirectUri;

  @BeforeEach
  void start() {
    logs.start();
    logger.addAppender(logs);
    provider = DemoProvider.create(clock, publicUrl::get, settings);
    app =
        Javalin.create(
                c -> {
                  c.jetty.port = 0;
                  c.startup.showJavalinBanner = false;
                  provider.register(c.routes);
                })
            .start();
    publicUrl.set(URI.create("http://127.0.0.1:" + app.port()));
    redirectUri = publicUrl.get() + "/callback/oauth2";
  }

  @AfterEach
  void stop() {
    app.stop();
    logger.detachAppender(logs);
    // Nothing secret in the log: neither the client secret nor any code or token that travelled.
    String logged =
        logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining());
    assertThat(logged).doesNotContain(settings.clientSecret().reveal());
    for (String value : seen) {
      assertThat(logged).doesNotContain(value);
    }
  }

  @Test
  void authorizeWhenRequestIsValidThenRendersConsentPageWithoutInlineScriptOrStyle()
      throws Exception {
    HttpResponse<String> page = get(authorizeUrl(params()));

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("default-src 'none'", "style-src 'self'", "form-action 'self'")
        .contains("frame-ancestors 'none'", "base-uri 'none'")
        .doesNotContain("unsafe-inline", "script-src");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    String html = page.body();
    assertThat(html)
        .contains("<h1>Demo provider</h1>", "Credflow's built-in demo provider")
        .contains("<label for=\"account\">Account name</label>")
        .contains("<input id=\"account\" name=\"account\" type=\"text\" value=\"demo-user\"")
        .contains("<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>")
        .contains("value=\"deny\" formnovalidate>Deny</button>")
        .contains("<link rel=\"stylesheet\" href=\"/assets/console.css\">")
        .contains("<form method=\"post\" action=\"/demo/oauth2/authorize\">")
        .containsPattern(REQUEST_FIELD.pattern())
        .doesNotContain("<script", "style=", CHALLENGE, "state-1");
    for (String scope : List.of("read", "write", "offline_access")) {
      assertThat(html)
          .containsPattern(
              "<input type=\"checkbox\" id=\"scope-"
                  + scope
                  + "\" name=\"scope\" value=\""
                  + scope
                  + "\"\\s+checked>");
    }
  }

  @Test
  void authorizeWhenAllowedThenRedirectsWithCodeAndState() throws Exception {
    HttpResponse<String> answer = consent(requestReference(params()), "allow", "demo-user", null);

    assertThat(answer.statusCode()).isEqualTo(302);
    URI location = location(answer);
    assertThat(location.toString()).startsWith(redirectUri + "?");
    Map<String, String> query = query(location);
    assertThat(query).containsEntry("state", "state-1").doesNotContainKey("error");
    assertThat(query.get("code")).matches("[A-Za-z0-9_-]{43}");
  }

  @Test
  void tokenWhenCodeAndVerifierMatchThenIssuesBearerTokensThatUserinfoAccepts() throws Exception {
    String code = code(params(), "alice");

    HttpResponse<String> answer = token(codeForm(code, VERIFIER), true);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode tokens = json(answer);
    assertThat(tokens.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(tokens.get("expires_in").asLong()).isEqualTo(120);
    assertThat(tokens.get("scope").asText()).isEqualTo("read write offline_access");
    assertThat(tokens.get("access_token").asText()).matches("[A-Za-z0-9_-]{43}");
    assertThat(tokens.get("refresh_token").asText()).matches("[A-Za-z0-9_-]{43}");

    HttpResponse<String> me = userinfo(tokens.get("access_token").asText());
    assertThat(me.statusCode()).isEqualTo(200);
    JsonNode claims = json(me);
    assertThat(claims.get("sub").asText()).isEqualTo("alice");
    assertThat(claims.get("name").asText()).isEqualTo("alice");
    assertThat(claims.get("scope").asText()).isEqualTo("read write offline_access");
  }

  @Test
  void tokenWhenClientAuthenticatesInTheFormThenIssuesTokens() throws Exception {
    Map<String, String> form = codeForm(code(params(), "demo-user"), VERIFIER);
    form.put("client_id", settings.clientId());
    form.put("client_secret", settings.clientSecret().reveal());

    HttpResponse<String> answer = token(form, false);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(json(answer).has("access_token")).isTrue();
  }

  @Test
  void tokenWhenVerifierIsWrongThenInvalidGrant() throws Exception {
    HttpResponse<String> answer =
        token(codeForm(code(params(), "demo-user"), OTHER_VERIFIER), true);

    assertError(answer, 400, "invalid_grant");
  }

  @Test
  void tokenWhenVerifierIsMissingThenInvalidGrant() throws Exception {
    Map<String, String> form = codeForm(code(params(), "demo-user"), VERIFIER);
    form.remove("code_verifier");

    assertError(token(form, true), 400, "invalid_grant");
  }

  @Test
  void tokenWhenRedirectUriDiffersThenInvalidGrant() throws Exception {
    Map<String, String> form = codeForm(code(params(), "demo-user"), VERIFIER);
    form.put("redirect_uri", redirectUri + "/other");

    assertError(token(form, true), 400, "invalid_grant");
  }

  @Test
  void tokenWhenCodeIsReusedThenInvalidGrantAndTheTokensIssuedFromItAreRevoked() throws Exception {
    String code = code(params(), "demo-user");
    JsonNode first = json(token(codeForm(code, VERIFIER), true));

    HttpResponse<String> again = token(codeForm(code, VERIFIER), true);

    assertError(again, 400, "invalid_grant");
    assertThat(json(again).get("error_description").asText()).contains("already used");
    assertInvalidToken(userinfo(first.get("access_token").asText()));
    assertError(refresh(first.get("refresh_token").asText()), 400, "invalid_grant");
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("spent authorization code of demo-user"));
  }

  @Test
  void tokenWhenCodeFailedOnceThenItIsSpent() throws Exception {
    String code = code(params(), "demo-user");
    assertError(token(codeForm(code, OTHER_VERIFIER), true), 400, "invalid_grant");

    assertError(token(codeForm(code, VERIFIER), true), 400, "invalid_grant");
  }

  @Test
  void tokenWhenCodeIsOlderThanSixtySecondsThenInvalidGrant() throws Exception {
    String code = code(params(), "demo-user");
    clock.advance(Duration.ofSeconds(60));

    HttpResponse<String> answer = token(codeForm(code, VERIFIER), true);

    assertError(answer, 400, "invalid_grant");
    assertThat(json(answer).get("error_description").asText()).contains("unknown or expired");
  }

  @Test
  void refreshWhenTokenIsCurrentThenRotatesTheRefreshToken() throws Exception {
    JsonNode first = tokens();

    HttpResponse<String> answer = refresh(first.get("refresh_token").asText());

    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode second = json(answer);
    assertThat(second.get("refresh_token").asText())
        .isNotEqualTo(first.get("refresh_token").asText());
    assertThat(second.get("access_token").asText())
        .isNotEqualTo(first.get("access_token").asText());
    assertThat(second.get("scope").asText()).isEqualTo("read write offline_access");
    assertThat(userinfo(second.get("access_token").asText()).statusCode()).isEqualTo(200);
    assertThat(refresh(second.get("refresh_token").asText()).statusCode()).isEqualTo(200);
  }

  @Test
  void refreshWhenRotatedOutTokenIsPresentedThenInvalidGrantAndTheWholeFamilyIsRevoked()
      throws Exception {
    JsonNode first = tokens();
    JsonNode second = json(refresh(first.get("refresh_token").asText()));

    HttpResponse<String> replay = refresh(first.get("refresh_token").asText());

    assertError(replay, 400, "invalid_grant");
    assertThat(json(replay).get("error_description").asText()).contains("already used");
    assertError(refresh(second.get("refresh_token").asText()), 400, "invalid_grant");
    assertInvalidToken(userinfo(second.get("access_token").asText()));
    assertInvalidToken(userinfo(first.get("access_token").asText()));
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("spent refresh token of demo-user"));
  }

  @Test
  void refreshWhenScopeIsNarrowerThenIssuesTheNarrowerScopeAndWiderIsInvalidScope()
      throws Exception {
    JsonNode first = tokens();
    Map<String, String> form = refreshForm(first.get("refresh_token").asText());
    form.put("scope", "read");

    JsonNode narrower = json(token(form, true));

    assertThat(narrower.get("scope").asText()).isEqualTo("read");
    Map<String, String> wider = refreshForm(narrower.get("refresh_token").asText());
    wider.put("scope", "read profile");
    assertError(token(wider, true), 400, "invalid_scope");
  }

  @Test
  void userinfoWhenAccessTokenOutlivesItsLifetimeThenInvalidTokenButRefreshStillWorks()
      throws Exception {
    JsonNode first = tokens();
    clock.advance(Duration.ofMinutes(2).minusSeconds(1));
    assertThat(userinfo(first.get("access_token").asText()).statusCode()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(1));

    assertInvalidToken(userinfo(first.get("access_token").asText()));
    JsonNode second = json(refresh(first.get("refresh_token").asText()));
    assertThat(userinfo(second.get("access_token").asText()).statusCode()).isEqualTo(200);
  }

  @Test
  void refreshWhenRefreshTokenOutlivesThirtyDaysThenInvalidGrant() throws Exception {
    JsonNode first = tokens();
    clock.advance(Duration.ofDays(30));

    assertError(refresh(first.get("refresh_token").asText()), 400, "invalid_grant");
  }

  @Test
  void userinfoWhenTokenIsUnknownOrMissingThen401WithBearerChallenge() throws Exception {
    assertInvalidToken(userinfo("no-such-token"));

    HttpResponse<String> missing = send(HttpRequest.newBuilder(endpoint("userinfo")).GET());
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");
  }

  @Test
  void authorizeWhenDeniedThenRedirectsWithAccessDeniedAndStateAndNoCode() throws Exception {
    HttpResponse<String> answer = consent(requestReference(params()), "deny", "", null);

    assertThat(answer.statusCode()).isEqualTo(302);
    URI location = location(answer);
    assertThat(location.toString()).startsWith(redirectUri + "?");
    assertThat(query(location))
        .containsEntry("error", "access_denied")
        .containsEntry("state", "state-1")
        .containsKey("error_description")
        .doesNotContainKey("code");
  }

  @Test
  void authorizeWhenScopeIsUncheckedThenGrantsFewerScopes() throws Exception {
    String reference = requestReference(params());
    HttpResponse<String> answer = consent(reference, "allow", "demo-user", List.of("read"));
    String code = query(location(answer)).get("code");

    JsonNode tokens = json(token(codeForm(code, VERIFIER), true));

    assertThat(tokens.get("scope").asText()).isEqualTo("read");
  }

  @Test
  void authorizeWhenFormCarriesAScopeNotRequestedThenItIsNotGranted() throws Exception {
    String reference = requestReference(params());
    HttpResponse<String> answer =
        consent(reference, "allow", "demo-user", List.of("read", "email"));
    String code = query(location(answer)).get("code");

    assertThat(json(token(codeForm(code, VERIFIER), true)).get("scope").asText()).isEqualTo("read");
  }

  @Test
  void authorizeWhenAnsweredTwiceThenTheSecondAnswerIsAnErrorPage() throws Exception {
    String reference = requestReference(params());
    assertThat(consent(reference, "allow", "demo-user", null).statusCode()).isEqualTo(302);

    HttpResponse<String> again = consent(reference, "allow", "demo-user", null);

    assertErrorPage(again, "Sign-in request expired");
  }

  @Test
  void authorizeWhenConsentWaitsLongerThanTenMinutesThenErrorPage() throws Exception {
    String reference = requestReference(params());
    clock.advance(Duration.ofMinutes(10));

    assertErrorPage(consent(reference, "allow", "demo-user", null), "Sign-in request expired");
  }

  @Test
  void authorizeWhenAccountNameIsBlankThenErrorPageAndTheRequestStillWaits() throws Exception {
    String reference = requestReference(params());

    assertErrorPage(consent(reference, "allow", "  ", null), "Account name needed");
    assertThat(consent(reference, "allow", "bob", null).statusCode()).isEqualTo(302);
  }

  @Test
  void authorizeWhenRedirectUriIsNotRegisteredThenErrorPageAndNoRedirect() throws Exception {
    Map<String, String> params = params();
    params.put("redirect_uri", "https://evil.example/callback/oauth2");

    HttpResponse<String> page = get(authorizeUrl(params));

    assertErrorPage(page, "Unregistered redirect URI");
    assertThat(page.body()).contains("https://evil.example/callback/oauth2", redirectUri);
  }

  @Test
  void authorizeWhenClientIsUnknownThenErrorPageEscapingWhatTheRequestSaid() throws Exception {
    Map<String, String> params = params();
    params.put("client_id", "<script>alert(1)</script>");

    HttpResponse<String> page = get(authorizeUrl(params));

    assertErrorPage(page, "Unknown client");
    assertThat(page.body())
        .doesNotContain("<script>")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
  }

  @Test
  void authorizeWhenPkceIsMissingThenRedirectsWithInvalidRequest() throws Exception {
    Map<String, String> params = params();
    params.remove("code_challenge");
    params.remove("code_challenge_method");

    assertErrorRedirect(get(authorizeUrl(params)), "invalid_request");
  }

  @Test
  void authorizeWhenPkceMethodIsPlainThenRedirectsWithInvalidRequest() throws Exception {
    Map<String, String> params = params();
    params.put("code_challenge_method", "plain");

    assertErrorRedirect(get(authorizeUrl(params)), "invalid_request");
  }

  @Test
  void authorizeWhenScopeIsUnknownThenRedirectsWithInvalidScope() throws Exception {
    Map<String, String> params = params();
    params.put("scope", "read admin");

    HttpResponse<String> answer = get(authorizeUrl(params));

    assertErrorRedirect(answer, "invalid_scope");
    assertThat(query(location(answer)).get("error_description")).contains("admin");
  }

  @Test
  void authorizeWhenScopeCarriesCharactersAnErrorMayNotThenStillRedirectsWithInvalidScope()
      throws Exception {
    Map<String, String> params = params();
    params.put("scope", "read \"admin\\");

    HttpResponse<String> answer = get(authorizeUrl(params));

    assertErrorRedirect(answer, "invalid_scope");
    assertThat(query(location(answer)).get("error_description")).contains("admin");
  }

  @Test
  void authorizeWhenResponseTypeIsTokenThenRedirectsWithUnsupportedResponseType() throws Exception {
    Map<String, String> params = params();
    params.put("response_type", "token");

    assertErrorRedirect(get(authorizeUrl(params)), "unsupported_response_type");
  }

  @Test
  void tokenWhenClientSecretIsWrongThen401InvalidClientWithChallenge() throws Exception {
    Map<String, String> form = codeForm(code(params(), "demo-user"), VERIFIER);

    HttpResponse<String> answer = send(tokenRequest(form, Optional.of("wrong-secret")));

    assertError(answer, 401, "invalid_client");
    assertThat(answer.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
  }

  @Test
  void tokenWhenClientDoesNotAuthenticateThen401InvalidClient() throws Exception {
    Map<String, String> form = codeForm(code(params(), "demo-user"), VERIFIER);
    form.put("client_id", settings.clientId());

    assertError(token(form, false), 401, "invalid_client");
  }

  @Test
  void tokenWhenGrantTypeIsUnsupportedThenUnsupportedGrantType() throws Exception {
    Map<String, String> password = new LinkedHashMap<>();
    password.put("grant_type", "password");
    password.put("username", "demo-user");
    password.put("password", "x");
    Map<String, String> unknown = new LinkedHashMap<>();
    unknown.put("grant_type", "magic");

    assertError(token(password, true), 400, "unsupported_grant_type");
    assertError(token(unknown, true), 400, "unsupported_grant_type");
  }

  @Test
  void tokenWhenBodyIsNotAFormThenInvalidRequestNamingTheProblem() throws Exception {
    HttpResponse<String> answer =
        send(
            HttpRequest.newBuilder(provider.tokenEndpoint())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"refresh_token\"}")));

    assertError(answer, 400, "invalid_request");
    assertThat(json(answer).get("error_description").asText()).contains("Content-Type");
  }

  @Test
  void tokenWhenClientAuthenticatesTwoWaysAtOnceThenInvalidRequest() throws Exception {
    Map<String, String> form = codeForm(code(params(), "demo-user"), VERIFIER);
    form.put("client_secret", settings.clientSecret().reveal());

    assertError(token(form, true), 400, "invalid_request");
  }

  @Test
  void tokenWhenCodeIsMissingThenInvalidRequest() throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");

    assertError(token(form, true), 400, "invalid_request");
  }

  @Test
  void settingsWhenPrintedThenHideTheSecret() {
    assertThat(settings.toString())
        .contains("credflow-demo")
        .doesNotContain(settings.clientSecret().reveal());
  }

  @Test
  void endpointsWhenAskedThenAreBelowThePublicUrl() {
    String base = publicUrl.get().toString();
    assertThat(provider.authorizationEndpoint()).hasToString(base + "/demo/oauth2/authorize");
    assertThat(provider.tokenEndpoint()).hasToString(base + "/demo/oauth2/token");
    assertThat(provider.userinfoEndpoint()).hasToString(base + "/demo/oauth2/userinfo");
    assertThat(provider.redirectUri()).hasToString(redirectUri);
    assertThat(provider.clientId()).isEqualTo("credflow-demo");
  }

  // ---- the flow, step by step ----

  /** The parameters Credflow sends, as a mutable map for tests to spoil. */
  private Map<String, String> params() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", settings.clientId());
    params.put("redirect_uri", redirectUri);
    params.put("scope", "read write offline_access");
    params.put("state", "state-1");
    params.put("code_challenge", CHALLENGE);
    params.put("code_challenge_method", "S256");
    return params;
  }

  private URI authorizeUrl(Map<String, String> params) {
    return URI.create(provider.authorizationEndpoint() + "?" + form(params));
  }

  private String requestReference(Map<String, String> params) throws Exception {
    HttpResponse<String> page = get(authorizeUrl(params));
    assertThat(page.statusCode()).isEqualTo(200);
    Matcher m = REQUEST_FIELD.matcher(page.body());
    assertThat(m.find()).as("the page carries the request reference").isTrue();
    return m.group(1);
  }

  /** Posts the consent form; {@code scopes} null keeps every box checked as rendered. */
  private HttpResponse<String> consent(
      String reference, String decision, String account, List<String> scopes) throws Exception {
    List<String> checked = scopes != null ? scopes : List.of("read", "write", "offline_access");
    StringBuilder body =
        new StringBuilder(
            form(Map.of("request", reference, "decision", decision, "account", account)));
    for (String scope : checked) {
      body.append("&scope=").append(encode(scope));
    }
    return send(
        HttpRequest.newBuilder(provider.authorizationEndpoint())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private String code(Map<String, String> params, String account) throws Exception {
    HttpResponse<String> answer = consent(requestReference(params), "allow", account, null);
    assertThat(answer.statusCode()).isEqualTo(302);
    String code = query(location(answer)).get("code");
    seen.add(code);
    return code;
  }

  private JsonNode tokens() throws Exception {
    HttpResponse<String> answer = token(codeForm(code(params(), "demo-user"), VERIFIER), true);
    assertThat(answer.statusCode()).isEqualTo(200);
    return json(answer);
  }

  private Map<String, String> codeForm(String code, String verifier) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri);
    form.put("code_verifier", verifier);
    return form;
  }

  private Map<String, String> refreshForm(String refreshToken) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    return form;
  }

  private HttpResponse<String> refresh(String refreshToken) throws Exception {
    return token(refreshForm(refreshToken), true);
  }

  private HttpResponse<String> token(Map<String, String> form, boolean basic) throws Exception {
    return send(
        tokenRequest(
            form, basic ? Optional.of(settings.clientSecret().reveal()) : Optional.empty()));
  }

  /** A token request, with HTTP Basic authentication (RFC 6749 §2.3.1) if a secret is given. */
  private HttpRequest.Builder tokenRequest(Map<String, String> form, Optional<String> secret) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(provider.tokenEndpoint())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(form)));
    secret.ifPresent(
        s ->
            request.header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (encode(settings.clientId()) + ":" + encode(s))
                                .getBytes(StandardCharsets.UTF_8))));
    return request;
  }

  private HttpResponse<String> userinfo(String accessToken) throws Exception {
    return send(
        HttpRequest.newBuilder(endpoint("userinfo"))
            .header("Authorization", "Bearer " + accessToken)
            .GET());
  }

  private URI endpoint(String name) {
    return URI.create(publicUrl.get() + "/demo/oauth2/" + name);
  }

  private HttpResponse<String> get(URI url) throws Exception {
    return send(HttpRequest.newBuilder(url).GET());
  }

  /** Sends {@code request}; every answer of the provider must forbid caching. */
  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("Cache-Control"))
        .as("Cache-Control of %s", response.uri())
        .contains("no-store");
    collectTokens(response);
    return response;
  }

  private void collectTokens(HttpResponse<String> response) throws IOException {
    if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
        && response.statusCode() == 200) {
      JsonNode body = JSON.readTree(response.body());
      for (String field : List.of("access_token", "refresh_token")) {
        Optional.ofNullable(body.get(field)).map(JsonNode::asText).ifPresent(seen::add);
      }
    }
  }

  // ---- assertions ----

  private static void assertError(HttpResponse<String> answer, int status, String error)
      throws IOException {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(json(answer).get("error").asText()).isEqualTo(error);
  }

  private static void assertInvalidToken(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer error=\"invalid_token\""));
  }

  private void assertErrorPage(HttpResponse<String> page, String heading) {
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.headers().firstValue("Location")).isEmpty();
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).doesNotContain("unsafe-inline"));
    assertThat(page.body()).contains("<h2>" + heading + "</h2>").doesNotContain("<script");
  }

  private void assertErrorRedirect(HttpResponse<String> answer, String error) {
    assertThat(answer.statusCode()).isEqualTo(302);
    URI location = location(answer);
    assertThat(location.toString()).startsWith(redirectUri + "?");
    assertThat(query(location))
        .containsEntry("error", error)
        .containsEntry("state", "state-1")
        .doesNotContainKey("code");
  }

  // ---- plumbing ----

  private static URI location(HttpResponse<String> answer) {
    return URI.create(answer.headers().firstValue("Location").orElseThrow());
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      query.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  private static JsonNode json(HttpResponse<String> answer) throws IOException {
    return JSON.readTree(answer.body());
  }

  private static String form(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
