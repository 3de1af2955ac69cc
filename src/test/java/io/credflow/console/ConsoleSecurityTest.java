package io.credflow.console;

import static io.credflow.testing.ConsoleClient.FORM_COOKIE;
import static io.credflow.testing.ConsoleClient.SESSION_COOKIE;
import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.ConsoleClient;
import io.credflow.testing.ConsoleClient.Page;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The console's security rules against a real server, through a browser that keeps cookies: sign-in
 * and its cookie, CSRF on every form, the failed-authentication limit, tenancy (another tenant's or
 * workspace's things are a 404, exactly as in the API), no secret in any page, the content policy
 * and markup that needs no inline code, sign-out, setup links and API keys.
 *
 * <p>One server serves most tests; a test that needs another configuration (an https public URL, a
 * low failure limit, no admin password) starts its own.
 */
class ConsoleSecurityTest {
  private static final String ADMIN = "admin@localhost";
  private static final String ADMIN_PASSWORD = "console admin password 1";
  private static final String PASSWORD = "console member password 1";

  private static final String BASIC_PASSWORD = "pw-SECRET-1";
  private static final String API_KEY_VALUE = "key-SECRET-2";
  private static final String CLIENT_SECRET = "cs-SECRET-3";
  private static final String ACCESS_TOKEN = "at-SECRET-4";
  private static final String REFRESH_TOKEN = "rt-SECRET-5";
  private static final List<String> SECRETS =
      List.of(BASIC_PASSWORD, API_KEY_VALUE, CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN);

  private static final Pattern SETUP_PATH = Pattern.compile("(/setup/[A-Za-z0-9_-]+)");
  private static final Pattern NEW_KEY = Pattern.compile("<code id=\"new-key\">([^<]*)</code>");
  private static final Pattern REVOKE =
      Pattern.compile("action=\"(/account/keys/[^\"/]+/revoke)\"");

  /** A start tag, its attributes skipped over as quoted strings (which may hold {@code >}). */
  private static final Pattern TAG =
      Pattern.compile("<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>");

  private static final Pattern ATTRIBUTE =
      Pattern.compile("([^\\s=/>\"']+)(?:\\s*=\\s*(\"[^\"]*\"|'[^']*'|[^\\s\"'>]+))?");
  private static final Pattern SCRIPT =
      Pattern.compile(
          "<script\\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</script\\s*>",
          Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().configure(c -> c.adminPassword(ADMIN_PASSWORD));

  private static final AtomicInteger NAMES = new AtomicInteger();

  /** The admin's browser, signed in once for the class. */
  private static ConsoleClient admin;

  /** The tenancy most tests work in (its tenant admin is not used). */
  private static World.Tenancy home;

  private static Tenants tenants;
  private static Map<String, Page> pages;

  private final TestServer server = credflow.server();

  // ---------------------------------------------------------------- sign-in

  @Test
  void signInWhenPasswordIsWrongThenUnauthorizedAndNoSession() {
    ConsoleClient browser = ConsoleClient.of(server);

    Page wrong = browser.signIn(ADMIN, "not the admin password");
    Page unknown = browser.signIn("nobody@example.com", "not the admin password");

    for (Page page : List.of(wrong, unknown)) {
      assertThat(page.status()).as(page.toString()).isEqualTo(401);
      assertThat(page.html())
          .contains("The email or password is not right.")
          .doesNotContain("not the admin password");
      assertThat(page.setCookie(SESSION_COOKIE)).isEmpty();
    }
    assertThat(browser.cookie(SESSION_COOKIE)).isEmpty();
    assertThat(browser.get("/account/keys").location()).hasValue("/signin?next=%2Faccount%2Fkeys");
  }

  @Test
  void signInWhenPasswordIsRightThenRedirectsToNextWithCookieScriptsCannotRead() {
    ConsoleClient browser = ConsoleClient.of(server);

    Page page = browser.signIn(ADMIN, ADMIN_PASSWORD, "/account/keys");

    assertThat(page.status()).as(page.toString()).isEqualTo(303);
    assertThat(page.location()).hasValue("/account/keys");
    List<String> cookie = cookieAttributes(page.setCookie(SESSION_COOKIE).orElseThrow());
    assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/");
    assertThat(cookie).noneMatch(a -> a.equalsIgnoreCase("Secure"));
    assertThat(browser.get("/account/keys").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "evil.example/account/keys",
        "javascript:alert(1)"
      })
  void signInWhenNextLeavesTheSiteThenRedirectsHome(String next) {
    ConsoleClient browser = ConsoleClient.of(server);

    Page page = browser.signIn(ADMIN, ADMIN_PASSWORD, next);

    assertThat(page.status()).as(page.toString()).isEqualTo(303);
    assertThat(page.location()).hasValue("/");
  }

  @Test
  void signInFormWhenNextLeavesTheSiteThenCarriesHomeInstead() {
    Page form = ConsoleClient.of(server).get("/signin?next=%2F%2Fevil.example");

    assertThat(form.status()).isEqualTo(200);
    assertThat(form.html()).contains("name=\"next\" value=\"/\"").doesNotContain("evil.example");
  }

  @Test
  void signInWhenPublicUrlIsHttpsThenCookiesAreSecure() {
    try (TestServer https =
        TestServer.start(
            false,
            Clock.systemUTC(),
            c -> c.adminPassword(ADMIN_PASSWORD).publicUrl("https://credflow.example"))) {
      ConsoleClient browser = ConsoleClient.of(https);
      Page form = browser.get("/signin");
      String formCookie = form.setCookie(FORM_COOKIE).orElseThrow();
      assertThat(cookieAttributes(formCookie)).contains("Secure", "HttpOnly");
      // The browser speaks https to the proxy in front; this test speaks http to the server behind
      // it, where a browser would not send a Secure cookie back: hand it over as the proxy would.
      browser.setCookie(FORM_COOKIE, cookieValue(formCookie));

      Page page = browser.post("/signin", Map.of("email", ADMIN, "password", ADMIN_PASSWORD), form);

      assertThat(page.status()).as(page.toString()).isEqualTo(303);
      assertThat(cookieAttributes(page.setCookie(SESSION_COOKIE).orElseThrow()))
          .contains("Secure", "HttpOnly", "SameSite=Lax", "Path=/");
    }
  }

  @Test
  void signInWhenFormCookieIsMissingOrOtherThenForbidden() {
    ConsoleClient browser = ConsoleClient.of(server);
    Page form = browser.get("/signin");
    Map<String, String> fields = Map.of("email", ADMIN, "password", ADMIN_PASSWORD);

    browser.removeCookie(FORM_COOKIE);
    Page withoutCookie = browser.post("/signin", fields, form);
    ConsoleClient other = ConsoleClient.of(server);
    other.get("/signin");
    browser.setCookie(FORM_COOKIE, other.cookie(FORM_COOKIE).orElseThrow());
    Page otherCookie = browser.post("/signin", fields, form);
    Page withoutField = other.postWithoutCsrf("/signin", fields);

    for (Page page : List.of(withoutCookie, otherCookie, withoutField)) {
      assertThat(page.status()).as(page.toString()).isEqualTo(403);
      assertThat(page.html()).contains("This form has expired");
      assertThat(page.setCookie(SESSION_COOKIE)).isEmpty();
    }
  }

  @Test
  void signInWhenFailuresPassTheLimitThenTooManyRequestsWithRetryAfter() {
    SettableClock clock = SettableClock.startingNow();
    try (TestServer limited =
        TestServer.start(
            false, clock, c -> c.adminPassword(ADMIN_PASSWORD).authFailureLimit("3"))) {
      ConsoleClient browser = ConsoleClient.of(limited);

      // X-Forwarded-For is not trusted without a trusted proxy: naming other addresses does not
      // buy more attempts.
      Page first = signInFrom(browser, "wrong password 1", "203.0.113.1");
      Page second = signInFrom(browser, "wrong password 2", "203.0.113.2");
      // A wrong API key from the same address spends the same budget.
      Api.Response wrongKey = limited.as("not-a-key-0123456789abcdef").get("/v2/workspaces");
      Page fourth = signInFrom(browser, "wrong password 4", "203.0.113.4");

      assertThat(List.of(first.status(), second.status(), wrongKey.status()))
          .containsExactly(401, 401, 401);
      assertThat(fourth.status()).as(fourth.toString()).isEqualTo(429);
      assertThat(fourth.header("Retry-After")).hasValueSatisfying(s -> positiveSeconds(s));
      assertThat(fourth.html()).contains("Too many failed sign-ins");
      assertThat(fourth.setCookie(SESSION_COOKIE)).isEmpty();

      clock.advance(Duration.ofMinutes(1));
      assertThat(signInFrom(browser, "wrong password 5", "203.0.113.5").status()).isEqualTo(401);
    }
  }

  @Test
  void signInWhenAddressIsPastTheLimitThenEvenTheRightPasswordIsRefused() {
    SettableClock clock = SettableClock.startingNow();
    try (TestServer limited =
        TestServer.start(
            false, clock, c -> c.adminPassword(ADMIN_PASSWORD).authFailureLimit("1"))) {
      ConsoleClient browser = ConsoleClient.of(limited);
      assertThat(browser.signIn(ADMIN, "wrong password 1").status()).isEqualTo(401);
      assertThat(browser.signIn(ADMIN, "wrong password 2").status()).isEqualTo(429);

      Page right = browser.signIn(ADMIN, ADMIN_PASSWORD);

      assertThat(right.status()).as(right.toString()).isEqualTo(429);
      assertThat(right.setCookie(SESSION_COOKIE)).isEmpty();
    }
  }

  // ---------------------------------------------------------------- CSRF

  @Test
  void postWhenCsrfTokenIsMissingThenForbiddenAndNothingCreated() {
    String ws = newWorkspace();

    Page page = admin().postWithoutCsrf(newCredentialPath(ws), basicForm("without token"));

    assertThat(page.status()).as(page.toString()).isEqualTo(403);
    assertThat(page.html()).contains("This form has expired");
    assertThat(credentialsIn(ws)).isEmpty();
  }

  @Test
  void postWhenCsrfTokenIsWrongThenForbiddenAndNothingCreated() {
    String ws = newWorkspace();
    ConsoleClient otherSession = ConsoleClient.of(server);
    otherSession.signIn(ADMIN, ADMIN_PASSWORD);
    String formToken = ConsoleClient.of(server).get("/signin").csrf().orElseThrow();

    for (String token : List.of("garbage", "", otherSession.csrf(), formToken)) {
      Page page = admin().postWithCsrf(newCredentialPath(ws), basicForm("wrong token"), token);

      assertThat(page.status()).as("token %s: %s", token, page).isEqualTo(403);
    }
    Page inHeader =
        admin()
            .postWithoutCsrf(
                newCredentialPath(ws),
                basicForm("wrong header"),
                Map.of("X-CSRF-Token", otherSession.csrf(), "HX-Request", "true"));
    assertThat(inHeader.status()).as(inHeader.toString()).isEqualTo(403);
    assertThat(credentialsIn(ws)).isEmpty();
  }

  @Test
  void postWhenCsrfTokenIsRightThenCredentialCreated() {
    String ws = newWorkspace();
    ConsoleClient browser = admin();
    browser.get(newCredentialPath(ws) + "?type=basic");

    Page inField = browser.post(newCredentialPath(ws), basicForm("in field"));
    Page inHeader =
        browser.postWithoutCsrf(
            newCredentialPath(ws),
            basicForm("in header"),
            Map.of("X-CSRF-Token", browser.csrf(), "HX-Request", "true"));

    assertThat(inField.status()).as(inField.toString()).isEqualTo(303);
    assertThat(inField.location()).hasValueSatisfying(l -> assertThat(l).contains("?notice=saved"));
    assertThat(inHeader.status()).as(inHeader.toString()).isEqualTo(204);
    assertThat(inHeader.header("HX-Redirect")).isPresent();
    assertThat(credentialsIn(ws).findValuesAsText("name")).contains("in field", "in header");
  }

  @Test
  void postWhenAnyFormHasNoOrAWrongCsrfTokenThenForbiddenAndNothingChanged() {
    String ws = newWorkspace();
    Api api = credflow.admin();
    String client =
        AuthClients.basic()
            .name("csrf client")
            .credential("name", "svc")
            .workspace(ws)
            .components(home().component())
            .create(api);
    String credential =
        Credentials.named("kept").authClient(client).secret("password", "pw").create(api, ws);
    String member =
        credflow.world().user("csrf-member-" + NAMES.incrementAndGet() + "@example.com").id();
    World.member(api, "workspaces", ws, member, "member");
    String w = "/w/" + ws;
    String cred = w + "/credentials/" + credential;
    List<String> forms =
        List.of(
            "/start",
            "/signout",
            w + "/credentials/c/" + home().component() + "/new",
            w + "/credentials/c/" + home().component() + "/auth-client",
            cred + "/edit",
            cred + "/refresh",
            cred + "/verify",
            cred + "/delete",
            w + "/auth-clients/new",
            w + "/auth-clients/" + client,
            w + "/auth-clients/" + client + "/delete",
            w + "/components",
            w + "/components/" + home().component(),
            w + "/components/" + home().component() + "/delete",
            w + "/workspace/members",
            w + "/workspace/members/" + member + "/link",
            w + "/workspace/members/" + member + "/remove",
            w + "/authorize",
            "/account/keys",
            "/account/keys/some-key/revoke");
    Map<String, String> fields =
        Map.of("name", "changed", "email", "new-" + NAMES.incrementAndGet() + "@example.com");

    SoftAssertions softly = new SoftAssertions();
    for (String form : forms) {
      Page none = admin().postWithoutCsrf(form, fields);
      Page wrong = admin().postWithCsrf(form, fields, "not-the-token");
      softly.assertThat(none.status()).as("POST %s without a token", form).isEqualTo(403);
      softly.assertThat(wrong.status()).as("POST %s with a wrong token", form).isEqualTo(403);
    }
    softly.assertAll();
    assertThat(new WorkspaceApi(api, ws).get(credential).attributes().path("name").asText())
        .isEqualTo("kept");
    assertThat(api.get("/v2/auth-clients/" + client).attributes().path("name").asText())
        .isEqualTo("csrf client");
    assertThat(api.get("/v2/components/" + home().component()).status()).isEqualTo(200);
    assertThat(api.get("/v2/workspaces/" + ws + "/members").text()).contains(member);
    assertThat(admin().get("/account/keys").status()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- tenancy

  @Test
  void pageWhenResourceIsOfAnotherTenantThenNotFoundAsInTheApi() {
    Tenants t = tenants();
    String wsA = t.a().workspace();
    String wsB = t.b().workspace();
    Map<String, String> consoleToApi = new LinkedHashMap<>();
    consoleToApi.put("/w/" + wsB + "/credentials", "/v2/workspaces/" + wsB);
    consoleToApi.put("/w/" + wsB + "/workspace", "/v2/workspaces/" + wsB + "/members");
    consoleToApi.put("/w/" + wsB + "/events", "/v2/workspaces/" + wsB + "/events");
    consoleToApi.put(
        "/w/" + wsA + "/components/" + t.b().component(), "/v2/components/" + t.b().component());
    consoleToApi.put(
        "/w/" + wsA + "/credentials/c/" + t.b().component(), "/v2/components/" + t.b().component());
    consoleToApi.put(
        "/w/" + wsA + "/credentials/" + t.credentialB(),
        "/v2/workspaces/" + wsA + "/credentials/" + t.credentialB());
    consoleToApi.put(
        "/w/" + wsB + "/credentials/" + t.credentialB(),
        "/v2/workspaces/" + wsB + "/credentials/" + t.credentialB());
    consoleToApi.put(
        "/w/" + wsA + "/credentials/" + t.credentialB() + "/edit",
        "/v2/workspaces/" + wsA + "/credentials/" + t.credentialB());
    consoleToApi.put(
        "/w/" + wsA + "/auth-clients/" + t.authClientB(), "/v2/auth-clients/" + t.authClientB());
    consoleToApi.put(
        "/w/" + wsB + "/auth-clients/" + t.authClientB(), "/v2/auth-clients/" + t.authClientB());

    assertNotFoundInBoth(t.memberA(), server.as(t.a().memberKey()), consoleToApi);
    // What the member may see answers, so the 404s above are about tenancy, not the pages.
    assertThat(t.memberA().get("/w/" + wsA + "/credentials/" + t.credentialA()).status())
        .isEqualTo(200);
    assertThat(t.memberA().get("/w/" + wsA + "/credentials/" + t.credentialA()).html())
        .contains("tenant A credential");
    assertThat(
            server
                .as(t.a().memberKey())
                .get("/v2/workspaces/" + wsA + "/credentials/" + t.credentialA())
                .status())
        .isEqualTo(200);
  }

  @Test
  void formWhenResourceIsOfAnotherTenantThenNotFoundAndNothingChanged() {
    Tenants t = tenants();
    ConsoleClient member = t.memberA();
    member.get("/w/" + t.a().workspace() + "/credentials");

    Page viaOwn =
        member.post(
            "/w/" + t.a().workspace() + "/credentials/" + t.credentialB() + "/delete", Map.of());
    Page viaTheirs =
        member.post(
            "/w/" + t.b().workspace() + "/credentials/" + t.credentialB() + "/delete", Map.of());
    Page rename =
        member.post(
            "/w/" + t.a().workspace() + "/credentials/" + t.credentialB() + "/edit",
            Map.of("name", "taken over"));

    for (Page page : List.of(viaOwn, viaTheirs, rename)) {
      assertThat(page.status()).as(page.toString()).isEqualTo(404);
      assertThat(page.html()).doesNotContain("tenant B credential");
    }
    Api.Response stored =
        credflow
            .admin()
            .get("/v2/workspaces/" + t.b().workspace() + "/credentials/" + t.credentialB());
    assertThat(stored.attributes().path("name").asText()).isEqualTo("tenant B credential");
  }

  @Test
  void pageWhenWorkspaceIsAnotherOfTheSameContractThenNotFoundAsInTheApi() {
    Tenants t = tenants();
    String wsA = t.a().workspace();
    String w2 = t.secondWorkspaceA();
    Map<String, String> consoleToApi = new LinkedHashMap<>();
    consoleToApi.put("/w/" + w2, "/v2/workspaces/" + w2);
    consoleToApi.put("/w/" + w2 + "/credentials", "/v2/workspaces/" + w2);
    consoleToApi.put("/w/" + w2 + "/events", "/v2/workspaces/" + w2 + "/events");
    consoleToApi.put("/switch?ws=" + w2, "/v2/workspaces/" + w2);
    consoleToApi.put(
        "/w/" + w2 + "/credentials/" + t.credentialInSecond(),
        "/v2/workspaces/" + w2 + "/credentials/" + t.credentialInSecond());
    consoleToApi.put(
        "/w/" + wsA + "/credentials/" + t.credentialInSecond(),
        "/v2/workspaces/" + wsA + "/credentials/" + t.credentialInSecond());

    assertNotFoundInBoth(t.memberA(), server.as(t.a().memberKey()), consoleToApi);
  }

  // ---------------------------------------------------------------- secrets and markup

  @Test
  void pagesWhenSecretsAreStoredThenNoneAppearsInAnyHtml() {
    SoftAssertions softly = new SoftAssertions();
    consolePages()
        .forEach(
            (path, page) -> {
              softly.assertThat(page.status()).as("GET %s: %s", path, page).isEqualTo(200);
              for (String secret : SECRETS) {
                softly.assertThat(page.html()).as("GET %s", path).doesNotContain(secret);
              }
            });
    softly.assertAll();
  }

  @Test
  void formWhenRefusedThenTypedSecretIsNotShownAgain() {
    String ws = home().workspace();
    ConsoleClient browser = admin();
    String oauthClient = oauthClientOfHome();
    browser.get(newCredentialPath(ws) + "?type=basic");
    Map<String, String> noName = new LinkedHashMap<>(basicForm(""));
    noName.put("credentials/password", "pw-SECRET-6");
    Map<String, String> badKey = new LinkedHashMap<>();
    badKey.put("type", "api_key");
    badKey.put("name", "");
    badKey.put("header_name", "X-Api-Key");
    badKey.put("credentials/value", "key-SECRET-7");
    Map<String, String> badClient = new LinkedHashMap<>();
    badClient.put("component", home().component());
    badClient.put("type", "oauth2");
    badClient.put("name", "refused client");
    badClient.put("credentials/client_id", "cid");
    badClient.put("credentials/client_secret", "cs-SECRET-8");
    badClient.put("credentials/auth_uri", "not a url");
    badClient.put("credentials/token_uri", "not a url either");

    Map<String, Page> refused = new LinkedHashMap<>();
    refused.put("basic, no name", browser.post(newCredentialPath(ws), noName));
    refused.put(
        "basic, no name, htmx",
        browser.postWithoutCsrf(
            newCredentialPath(ws),
            noName,
            Map.of("X-CSRF-Token", browser.csrf(), "HX-Request", "true")));
    refused.put("api key, no name", browser.post(newCredentialPath(ws), badKey));
    refused.put("new oauth2 client", browser.post("/w/" + ws + "/auth-clients/new", badClient));
    refused.put(
        "oauth2 client, empty name",
        browser.post(
            "/w/" + ws + "/auth-clients/" + oauthClient,
            Map.of("name", "", "credentials/client_secret", "cs-SECRET-9")));

    SoftAssertions softly = new SoftAssertions();
    refused.forEach(
        (what, page) -> {
          softly.assertThat(page.status()).as("%s: %s", what, page).isEqualTo(422);
          softly
              .assertThat(page.html())
              .as(what)
              .doesNotContain("pw-SECRET-6", "key-SECRET-7", "cs-SECRET-8", "cs-SECRET-9");
        });
    softly.assertAll();
  }

  @Test
  void pagesWhenServedThenPolicyAllowsOnlyOwnScriptsAndNoFraming() {
    SoftAssertions softly = new SoftAssertions();
    inspectedPages()
        .forEach(
            (what, page) -> {
              softly
                  .assertThat(page.header("Content-Type"))
                  .as("%s content type", what)
                  .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
              softly
                  .assertThat(page.header("X-Content-Type-Options"))
                  .as("%s", what)
                  .hasValue("nosniff");
              String policy = page.header("Content-Security-Policy").orElse("");
              softly
                  .assertThat(policy)
                  .as("%s policy", what)
                  .contains("script-src 'self'", "frame-ancestors 'none'")
                  .doesNotContain("unsafe-inline", "unsafe-eval");
            });
    softly.assertAll();
  }

  @Test
  void pagesWhenServedThenHaveNoInlineScriptStyleOrHandler() {
    SoftAssertions softly = new SoftAssertions();
    inspectedPages()
        .forEach(
            (what, page) -> {
              softly.assertThat(inlineCode(page.html())).as("inline code in %s", what).isEmpty();
            });
    softly.assertAll();
  }

  @Test
  void assetsWhenServedThenTypedAndNeverSniffed() {
    ConsoleClient browser = ConsoleClient.of(server);
    Map<String, String> types =
        Map.of(
            "/assets/console.css", "text/css",
            "/assets/console.js", "text/javascript",
            "/assets/htmx.min.js", "text/javascript");

    types.forEach(
        (path, type) -> {
          Page asset = browser.get(path);
          assertThat(asset.status()).as(path).isEqualTo(200);
          assertThat(asset.header("Content-Type"))
              .as(path)
              .hasValueSatisfying(t -> assertThat(t).startsWith(type));
          assertThat(asset.header("X-Content-Type-Options")).as(path).hasValue("nosniff");
        });
    assertThat(browser.get("/assets/other.js").status()).isEqualTo(404);
  }

  @Test
  void unknownPathWhenBrowserAsksThenHtmlNotFoundPage() {
    Page page = ConsoleClient.of(server).get("/no/such/page%3Cb%3Ebold");

    assertThat(page.status()).isEqualTo(404);
    assertThat(page.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.html()).contains("Not found").doesNotContain("<b>");
    assertThat(page.header("Content-Security-Policy"))
        .hasValueSatisfying(p -> assertThat(p).contains("script-src 'self'"));
  }

  @Test
  void unknownApiPathWhenAskedThenJsonApiNotFound() {
    Api.Response signedIn = credflow.admin().get("/v2/no-such-route");
    Api.Response anonymous = server.as(null).get("/v2/no-such-route");

    for (Api.Response r : List.of(signedIn, anonymous)) {
      assertThat(r.status()).as(r.text()).isEqualTo(404);
      assertThat(r.header("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/vnd.api+json"));
      assertThat(r.error().path("code").asText()).isEqualTo("not_found");
    }
  }

  // ---------------------------------------------------------------- sign-out

  @Test
  void signOutWhenDoneThenOldCookieRedirectsToSignIn() {
    ConsoleClient browser = ConsoleClient.of(server);
    browser.signIn(ADMIN, ADMIN_PASSWORD);
    String old = browser.cookie(SESSION_COOKIE).orElseThrow();

    Page out = browser.post("/signout", Map.of());

    assertThat(out.status()).as(out.toString()).isEqualTo(303);
    assertThat(out.location()).hasValue("/signin");
    assertThat(out.setCookie(SESSION_COOKIE))
        .hasValueSatisfying(c -> assertThat(cookieAttributes(c)).contains("Max-Age=0"));
    assertThat(browser.cookie(SESSION_COOKIE)).isEmpty();
    ConsoleClient replay = ConsoleClient.of(server);
    replay.setCookie(SESSION_COOKIE, old);
    Page again = replay.get("/account/keys");
    assertThat(again.status()).isEqualTo(303);
    assertThat(again.location()).hasValue("/signin?next=%2Faccount%2Fkeys");
  }

  @Test
  void signOutWhenCsrfTokenIsMissingThenForbiddenAndStillSignedIn() {
    ConsoleClient browser = ConsoleClient.of(server);
    browser.signIn(ADMIN, ADMIN_PASSWORD);

    Page out = browser.postWithoutCsrf("/signout", Map.of());

    assertThat(out.status()).isEqualTo(403);
    assertThat(browser.get("/account/keys").status()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- setup links

  @Test
  void setupLinkWhenAdminHasNoPasswordThenSetsItOnceAndSignsIn() {
    try (TestServer fresh = TestServer.start(false, Clock.systemUTC())) {
      String path = "/setup/" + fresh.credflow().adminSetupToken().orElseThrow().reveal();
      ConsoleClient browser = ConsoleClient.of(fresh);

      Page form = browser.get(path);
      assertThat(form.status()).as(form.toString()).isEqualTo(200);
      assertThat(form.html()).contains(ADMIN);

      Page mismatch =
          browser.post(path, Map.of("password", PASSWORD, "confirm", PASSWORD + " typo"), form);
      assertThat(mismatch.status()).isEqualTo(422);
      assertThat(mismatch.html()).contains("the two passwords differ").doesNotContain(PASSWORD);

      Page tooShort = browser.post(path, Map.of("password", "short", "confirm", "short"), form);
      assertThat(tooShort.status()).isEqualTo(422);
      assertThat(tooShort.html()).contains("at least 12 characters");
      assertThat(tooShort.setCookie(SESSION_COOKIE)).isEmpty();

      Page done = browser.post(path, Map.of("password", PASSWORD, "confirm", PASSWORD), form);
      assertThat(done.status()).as(done.toString()).isEqualTo(303);
      assertThat(done.location()).hasValue("/?notice=signed-in");
      assertThat(cookieAttributes(done.setCookie(SESSION_COOKIE).orElseThrow()))
          .contains("HttpOnly", "SameSite=Lax");
      Page keys = browser.get("/account/keys");
      assertThat(keys.status()).isEqualTo(200);
      assertThat(keys.html()).contains(ADMIN);

      Page used = ConsoleClient.of(fresh).get(path);
      assertThat(used.status()).isEqualTo(404);
      assertThat(used.html()).doesNotContain("Set your password");
      Page reused =
          browser.post(
              path,
              Map.of("password", "another password 1", "confirm", "another password 1"),
              form);
      assertThat(reused.status()).isEqualTo(404);
      assertThat(ConsoleClient.of(fresh).signIn(ADMIN, PASSWORD).status()).isEqualTo(303);
      assertThat(ConsoleClient.of(fresh).signIn(ADMIN, "another password 1").status())
          .isEqualTo(401);
    }
  }

  @Test
  void setupLinkWhenTokenIsUnknownThenNotFound() {
    Page page = ConsoleClient.of(server).get("/setup/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

    assertThat(page.status()).isEqualTo(404);
    assertThat(page.html()).doesNotContain("Set your password");
  }

  @Test
  void setupLinkWhenUsedOrUnknownThenPageSaysItExpiredOrWasUsed() {
    ConsoleClient browser = ConsoleClient.of(server);
    String path = invitedSetupPath(home().workspace());
    setUp(path);

    for (String link : List.of(path, "/setup/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")) {
      Page page = browser.get(link);

      assertThat(page.status()).isEqualTo(404);
      assertThat(page.html())
          .contains("This link has expired or was used")
          .doesNotContain(link.substring("/setup/".length()));
    }
  }

  // ---------------------------------------------------------------- API keys

  @Test
  void apiKeyWhenCreatedThenShownOnceWorksAndStopsWorkingWhenRevoked() {
    ConsoleClient user =
        invite(home().workspace(), "keys-" + NAMES.incrementAndGet() + "@example.com");
    user.get("/account/keys");

    Page created = user.post("/account/keys", Map.of("name", "ci pipeline"));

    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String key = ConsoleClient.unescape(created.first(NEW_KEY).orElseThrow());
    assertThat(key).isNotBlank();
    Page later = user.get("/account/keys");
    assertThat(later.html()).contains("ci pipeline").doesNotContain(key);
    assertThat(server.as(key).get("/v2/workspaces").status()).isEqualTo(200);

    Page revoked = user.post(later.first(REVOKE).orElseThrow(), Map.of());

    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(303);
    assertThat(server.as(key).get("/v2/workspaces").status()).isEqualTo(401);
  }

  // ---------------------------------------------------------------- helpers

  /** The admin's browser, signed in once. */
  private static synchronized ConsoleClient admin() {
    if (admin == null) {
      home = credflow.world().tenancy("console");
      admin = ConsoleClient.of(credflow.server());
      Page page = admin.signIn(ADMIN, ADMIN_PASSWORD);
      assertThat(page.status()).as(page.toString()).isEqualTo(303);
    }
    return admin;
  }

  /** The tenancy most tests work in. */
  private static World.Tenancy home() {
    admin();
    return home;
  }

  /** A new workspace of the home tenancy's contract (which can use its component). */
  private static String newWorkspace() {
    return World.workspace(
        credflow.admin(), home().contract(), "console " + NAMES.incrementAndGet());
  }

  private static String newCredentialPath(String ws) {
    return "/w/" + ws + "/credentials/c/" + home().component() + "/new";
  }

  private static Map<String, String> basicForm(String name) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("type", "basic");
    form.put("name", name);
    form.put("credentials/username", "svc");
    form.put("credentials/password", "pw-basic");
    form.put("action", "save");
    return form;
  }

  private static com.fasterxml.jackson.databind.JsonNode credentialsIn(String ws) {
    Api.Response list = new WorkspaceApi(credflow.admin(), ws).list();
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    return list.data();
  }

  /** A new oauth2 auth-client of the home tenant. */
  private static String oauthClientOfHome() {
    return AuthClients.oauth2()
        .name("refusals client " + NAMES.incrementAndGet())
        .clientId("cid")
        .clientSecret("cs-refusals")
        .in(home())
        .create(credflow.admin());
  }

  /**
   * A signed-in browser of a new member of {@code ws}, invited by the admin on the workspace page
   * and set up through the one-time link shown there.
   */
  private static ConsoleClient invite(String ws, String email) {
    return setUp(invitedSetupPath(ws, email));
  }

  /** The setup link's path the admin gets for a new member of {@code ws}. */
  private static String invitedSetupPath(String ws) {
    return invitedSetupPath(ws, "invited-" + NAMES.incrementAndGet() + "@example.com");
  }

  private static String invitedSetupPath(String ws, String email) {
    ConsoleClient browser = admin();
    browser.get("/w/" + ws + "/workspace");
    Page invited =
        browser.post("/w/" + ws + "/workspace/members", Map.of("email", email, "role", "member"));
    assertThat(invited.status()).as(invited.toString()).isEqualTo(200);
    return invited.first(SETUP_PATH).orElseThrow();
  }

  /** A signed-in browser of existing user {@code userId}, through a new setup link for them. */
  private static ConsoleClient newLink(String ws, String userId) {
    ConsoleClient browser = admin();
    browser.get("/w/" + ws + "/workspace");
    Page page = browser.post("/w/" + ws + "/workspace/members/" + userId + "/link", Map.of());
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    return setUp(page.first(SETUP_PATH).orElseThrow());
  }

  private static ConsoleClient setUp(String path) {
    ConsoleClient browser = ConsoleClient.of(credflow.server());
    Page form = browser.get(path);
    assertThat(form.status()).as(form.toString()).isEqualTo(200);
    Page done = browser.post(path, Map.of("password", PASSWORD, "confirm", PASSWORD), form);
    assertThat(done.status()).as(done.toString()).isEqualTo(303);
    return browser;
  }

  /** A sign-in sent with an {@code X-Forwarded-For} header naming {@code forwardedFor}. */
  private static Page signInFrom(ConsoleClient browser, String password, String forwardedFor) {
    Page form = browser.get("/signin");
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("email", ADMIN);
    fields.put("password", password);
    fields.put("_csrf", form.csrf().orElseThrow());
    return browser.postWithoutCsrf("/signin", fields, Map.of("X-Forwarded-For", forwardedFor));
  }

  private static void positiveSeconds(String retryAfter) {
    assertThat(Long.parseLong(retryAfter)).isPositive();
  }

  private static void assertNotFoundInBoth(
      ConsoleClient browser, Api api, Map<String, String> consoleToApi) {
    SoftAssertions softly = new SoftAssertions();
    consoleToApi.forEach(
        (page, resource) -> {
          Page html = browser.get(page);
          Api.Response json = api.get(resource);
          softly.assertThat(html.status()).as("console GET %s: %s", page, html).isEqualTo(404);
          softly
              .assertThat(json.status())
              .as("API GET %s: %s", resource, json.text())
              .isEqualTo(404);
        });
    softly.assertAll();
  }

  /** The attributes of a {@code Set-Cookie} header, after its name and value. */
  private static List<String> cookieAttributes(String setCookie) {
    return Arrays.stream(setCookie.split(";")).skip(1).map(String::trim).toList();
  }

  private static String cookieValue(String setCookie) {
    String pair = setCookie.split(";")[0];
    return pair.substring(pair.indexOf('=') + 1);
  }

  /** Inline scripts, style blocks and attributes, and event-handler attributes in {@code html}. */
  private static List<String> inlineCode(String html) {
    List<String> found = new ArrayList<>();
    Matcher script = SCRIPT.matcher(html);
    while (script.find()) {
      if (!script.group(1).contains("src=") || !script.group(2).isBlank()) {
        found.add(script.group());
      }
    }
    Matcher tag = TAG.matcher(html);
    while (tag.find()) {
      if (tag.group(1).equalsIgnoreCase("style")) {
        found.add(tag.group());
      }
      Matcher attribute = ATTRIBUTE.matcher(tag.group(2));
      while (attribute.find()) {
        String name = attribute.group(1).toLowerCase(java.util.Locale.ROOT);
        String value = attribute.group(2) == null ? "" : attribute.group(2);
        if (name.equals("style")
            || name.startsWith("on")
            || name.startsWith("hx-on")
            || name.startsWith("data-hx-on")
            || value
                .replaceAll("[\"'\\s]", "")
                .toLowerCase(java.util.Locale.ROOT)
                .startsWith("javascript:")) {
          found.add(tag.group());
        }
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- test worlds

  /**
   * Tenants A and B with a credential and auth-client each, a second workspace of A's contract with
   * a credential, and the browser of A's workspace member.
   */
  private record Tenants(
      World.Tenancy a,
      World.Tenancy b,
      String credentialA,
      String authClientB,
      String credentialB,
      String secondWorkspaceA,
      String credentialInSecond,
      ConsoleClient memberA) {}

  private static synchronized Tenants tenants() {
    if (tenants == null) {
      admin();
      Api api = credflow.admin();
      World world = credflow.world();
      World.Tenancy a = world.tenancy("ta");
      World.Tenancy b = world.tenancy("tb");
      String clientA = AuthClients.basic().credential("name", "svc").in(a).create(api);
      String credentialA =
          Credentials.named("tenant A credential")
              .authClient(clientA)
              .secret("password", "pw-a")
              .create(api, a.workspace());
      String clientB = AuthClients.basic().credential("name", "svc").in(b).create(api);
      String credentialB =
          Credentials.named("tenant B credential")
              .authClient(clientB)
              .secret("password", "pw-b")
              .create(api, b.workspace());
      String second = World.workspace(api, a.contract(), "ta second");
      String inSecond =
          Credentials.named("second workspace credential")
              .authClient(clientA)
              .secret("password", "pw-2")
              .create(api, second);
      tenants =
          new Tenants(
              a,
              b,
              credentialA,
              clientB,
              credentialB,
              second,
              inSecond,
              newLink(a.workspace(), a.memberId()));
    }
    return tenants;
  }

  /**
   * Every console page of a workspace holding the five secrets (a basic password, an API key, an
   * oauth2 client secret, an access and a refresh token), as the admin sees them, by path.
   */
  private static synchronized Map<String, Page> consolePages() {
    if (pages != null) {
      return pages;
    }
    ConsoleClient browser = admin();
    Api api = credflow.admin();
    World.Tenancy t = credflow.world().tenancy("secrets");
    String ws = t.workspace();
    String basic = AuthClients.basic().credential("name", "svc-user").in(t).create(api);
    String apiKey = AuthClients.apiKey().credential("name", "X-Api-Key").in(t).create(api);
    String noauth = AuthClients.noauth().in(t).create(api);
    String oauth =
        AuthClients.oauth2().clientId("cid").clientSecret(CLIENT_SECRET).in(t).create(api);
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put(
        "basic",
        Credentials.named("basic cred")
            .authClient(basic)
            .secret("password", BASIC_PASSWORD)
            .create(api, ws));
    credentials.put(
        "api_key",
        Credentials.named("key cred")
            .authClient(apiKey)
            .secret("value", API_KEY_VALUE)
            .create(api, ws));
    credentials.put("noauth", Credentials.named("open cred").authClient(noauth).create(api, ws));
    credentials.put(
        "oauth2",
        Credentials.named("oauth cred")
            .authClient(oauth)
            .secret("access_token", ACCESS_TOKEN)
            .secret("refresh_token", REFRESH_TOKEN)
            .secret("expires_in", 3600)
            .create(api, ws));
    // A release for use, so that the audit shows on the credential page too.
    WorkspaceApi member = t.member(credflow.server());
    assertThat(member.access(credentials.get("basic")).status()).isEqualTo(200);
    assertThat(member.access(credentials.get("oauth2")).status()).isEqualTo(200);

    String w = "/w/" + ws;
    String c = w + "/credentials/c/" + t.component();
    List<String> paths = new ArrayList<>();
    paths.add(w + "/credentials");
    paths.add(c);
    paths.add(c + "?q=cred");
    for (String type : List.of("basic", "api_key", "noauth", "oauth2")) {
      paths.add(c + "/new?type=" + type);
    }
    paths.add(c + "/new?type=oauth2&auth_client=" + oauth);
    paths.add(c + "/auth-client?type=oauth2");
    for (String id : credentials.values()) {
      paths.add(w + "/credentials/" + id);
      paths.add(w + "/credentials/" + id + "/edit");
    }
    paths.add(w + "/auth-clients");
    paths.add(w + "/auth-clients/new");
    paths.add(w + "/auth-clients/new?type=oauth2&component=" + t.component());
    for (String id : List.of(basic, apiKey, noauth, oauth)) {
      paths.add(w + "/auth-clients/" + id);
    }
    paths.add(w + "/components");
    paths.add(w + "/components/" + t.component());
    paths.add(w + "/events");
    paths.add(w + "/workspace");
    paths.add(w + "/flows");
    paths.add("/account/keys");
    Map<String, Page> fetched = new LinkedHashMap<>();
    for (String path : paths) {
      fetched.put(path, browser.get(path));
    }
    fetched.put(
        c + "?q=cred (htmx rows)",
        browser.get(c + "?q=cred", Map.of("HX-Request", "true", "HX-Target", "rows")));
    pages = fetched;
    return pages;
  }

  /** The console pages, and the pages of sign-in, setup and refusals. */
  private Map<String, Page> inspectedPages() {
    Map<String, Page> all = new LinkedHashMap<>(consolePages());
    ConsoleClient anonymous = ConsoleClient.of(server);
    all.put("sign-in", anonymous.get("/signin"));
    all.put("sign-in refused", anonymous.signIn(ADMIN, "not the admin password"));
    all.put("not found", anonymous.get("/no/such/page"));
    all.put("setup link used", anonymous.get("/setup/unknown-token"));
    all.put("CSRF refused", admin().postWithoutCsrf("/account/keys", Map.of("name", "x")));
    all.put(
        "another tenant's workspace",
        tenants().memberA().get("/w/" + tenants().b().workspace() + "/credentials"));
    admin().get("/w/" + home().workspace() + "/workspace");
    Page invited =
        admin()
            .post(
                "/w/" + home().workspace() + "/workspace/members",
                Map.of("email", "setup-" + NAMES.incrementAndGet() + "@example.com"));
    all.put("members after invite", invited);
    all.put("setup form", anonymous.get(invited.first(SETUP_PATH).orElseThrow()));
    return all;
  }
}
