package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.Browser;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeInstagram;
import io.credflow.testing.oauth.MockOAuth2Provider;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The seed's story in a real Chromium: sign in, Credentials > REST API V2, a Basic credential, an
 * OAuth2 auth-client with the seed's five fields, Authenticate in the popup at mock-oauth2-server's
 * login page, an expiry forced and refreshed, Verify, Reconnect, Delete; and Instagram's
 * Authenticate against its fake. Each page is saved under {@code target/screenshots/}.
 */
class ConsoleStoryTest {
  @RegisterExtension static final Browser browser = Browser.chromium();

  private static final String PASSWORD = "console-story-password";

  private static SettableClock clock;
  private static TestServer server;
  private static MockOAuth2Provider provider;
  private static FakeInstagram instagram;
  private static String workspace;
  private static String component;

  @BeforeAll
  static void start() {
    clock = SettableClock.startingNow();
    server = TestServer.start(false, clock, c -> c.adminPassword(PASSWORD));
    provider = MockOAuth2Provider.startInteractive();
    instagram = FakeInstagram.start(clock::instant);
    Api admin = server.admin();
    String tenant = World.tenant(admin, "Acme");
    String contract = World.contract(admin, tenant, "Acme contract");
    workspace = World.workspace(admin, contract, "Integrations");
    World world = new World(server);
    component = world.component(tenant, World.REST_API_TYPES);
    world.instagramComponent(tenant);
  }

  @AfterAll
  static void stop() {
    instagram.close();
    provider.close();
    server.close();
  }

  /** The public URL: where the provider sends the browser back to, so the same origin. */
  private static String base() {
    return server.credflow().publicUrl().toString();
  }

  private static void signIn() {
    browser.open(base() + "/");
    browser.waitFor(() -> browser.text().contains("Sign in"));
    browser.screenshot("sign-in");
    browser.type("Email", "admin@localhost");
    browser.type("Password", PASSWORD);
    browser.click("Sign in");
    browser.waitFor(() -> browser.text().contains("Choose a component"));
  }

  @Test
  void restApiV2WhenWalkedThroughThenEachStepShowsItsOutcome() {
    signIn();
    assertThat(browser.text()).contains("REST API V2", "0 credentials");
    browser.screenshot("credentials-grid");

    browser.link("REST API V2").click();
    browser.waitForText("No credentials yet.");
    assertThat(browser.driver().findElement(By.cssSelector("nav.crumbs")).getText())
        .contains("Acme / Integrations", "Credentials", "REST API V2");
    browser.screenshot("rest-api-v2-empty");

    // Basic Auth
    browser.link("Add New Credential").click();
    browser.link("Basic Auth").click();
    browser.waitForText("Username");
    browser.type("Name Your Credential", "Billing basic");
    browser.type("Username", "ada");
    browser.type("Password", "pw-basic-SECRET");
    browser.screenshot("basic-form");
    browser.click("Save");
    browser.waitForText("Saved.");
    assertThat(browser.text())
        .contains("Billing basic", "Basic Auth", "Authorization: Basic ********");
    assertThat(browser.driver().getPageSource()).doesNotContain("pw-basic-SECRET");
    browser.screenshot("basic-credential");

    // OAuth2: the seed's Auth-client form, then Authenticate in the popup.
    browser.open(base() + "/w/" + workspace + "/credentials");
    browser.link("REST API V2").click();
    browser.waitForText("Billing basic");
    browser.link("Add New Credential").click();
    browser.link("OAuth2").click();
    browser.waitForText("Choose Auth Client");
    browser.driver().findElement(By.cssSelector("#add-client summary")).click();
    browser.waitForText("Authorization Endpoint");
    browser.type("Name", "Mock provider");
    browser.type("Client ID", "credflow-console-client");
    browser.type("Client Secret", "cs-console-SECRET");
    browser.type("Authorization Endpoint", provider.authorizeUri().toString());
    browser.type("Token Endpoint", provider.tokenUri().toString());
    browser.type("Scopes", "openid, profile");
    browser.type("Verify URL", provider.userinfoUri().toString());
    browser.driver().findElement(By.cssSelector("#add-client details.expiries summary")).click();
    browser.waitForText("Client Secret Expires On");
    browser.type("Refresh Token Lifetime (days)", "90");
    browser.screenshot("add-auth-client");
    browser.click("Save Auth Client");
    browser.waitForText("saved and chosen");
    assertThat(browser.text()).contains("Mock provider · workspace · client …client · 127.0.0.1");
    browser.type("Name Your Credential", "Mock account");
    browser.screenshot("oauth2-form");

    String main = browser.mainWindow();
    browser.click("Authenticate");
    browser.switchToNewWindow();
    browser.waitFor(d -> !d.findElements(By.name("username")).isEmpty());
    browser.screenshot("provider-login");
    browser.driver().findElement(By.name("username")).sendKeys("ada");
    browser.click("Sign-in");
    browser.switchToWindow(main);
    browser.waitForText("Connected.");
    assertThat(browser.text()).contains("Mock account", "OAuth2", "Authorization: Bearer ********");
    // Checked at once with the auth-client's Verify URL (the provider's userinfo): the account.
    assertThat(browser.text()).contains("Verified:", "for account ada");
    browser.screenshot("oauth2-credential");

    // An expiry forced: the scheduler refreshes it, and the page shows so.
    clock.advance(Duration.ofMinutes(59));
    server.runDueRefreshes();
    browser.driver().navigate().refresh();
    browser.waitForText("credential.refreshed");
    browser.screenshot("oauth2-refreshed");

    browser.click("Verify");
    browser.waitForText("Verified: it works.");
    browser.screenshot("oauth2-verified");

    browser.click("Reconnect");
    browser.switchToNewWindow();
    browser.waitFor(d -> !d.findElements(By.name("username")).isEmpty());
    browser.driver().findElement(By.name("username")).sendKeys("ada");
    browser.click("Sign-in");
    browser.switchToWindow(main);
    browser.waitForText("Reconnected: granted scopes unchanged");
    browser.screenshot("oauth2-reconnected");

    browser.click("Delete");
    browser.driver().switchTo().alert().accept();
    browser.waitForText("Deleted.");
    assertThat(browser.text()).contains("Billing basic").doesNotContain("Mock account");
    browser.screenshot("after-delete");

    assertThat(browser.driver().getPageSource()).doesNotContain("cs-console-SECRET");
    assertThat(credflowErrors()).isEmpty();
  }

  /**
   * The errors Credflow's pages raised: the provider's own login page (mock-oauth2-server's, which
   * loads web fonts from the internet this machine cannot reach) is not Credflow's to answer for.
   */
  private static java.util.List<String> credflowErrors() {
    return browser.consoleErrors().stream()
        .filter(e -> !e.startsWith("http") || e.startsWith(base()))
        .toList();
  }

  @Test
  void instagramWhenAuthenticatedThenTheLongLivedTokenIsStored() {
    signIn();
    browser.link("Instagram").click();
    browser.link("Add New Credential").click();
    browser.waitForText("Choose Auth Client");
    assertThat(browser.text()).contains("OAuth2").doesNotContain("Instagram)");
    browser.driver().findElement(By.cssSelector("#add-client summary")).click();
    browser.waitForText("Long-lived Token Exchange Endpoint");
    assertThat(browser.field("Scopes").getAttribute("value")).isEqualTo("user_profile, user_media");
    browser.type("Name", "Instagram app");
    browser.type("Client ID", instagram.clientId());
    browser.type("Client Secret", instagram.clientSecret());
    browser.type("Authorization Endpoint", instagram.authorizeUri().toString());
    browser.type("Token Endpoint", instagram.tokenUri().toString());
    browser.type("Long-lived Token Exchange Endpoint", instagram.exchangeUri().toString());
    browser.type("Long-lived Token Refresh Endpoint", instagram.refreshUri().toString());
    browser.click("Save Auth Client");
    browser.waitForText("saved and chosen");
    browser.type("Name Your Credential", "Brand account");
    String main = browser.mainWindow();
    browser.click("Authenticate");
    // The fake signs in at once: its authorize endpoint redirects straight to the callback, and
    // the popup may have opened, reported and closed before the first look.
    browser.waitFor(
        () ->
            browser.windowHandles().size() > 1
                || browser.text().contains("Authenticated")
                || browser.text().contains("Connected."));
    browser.switchToWindow(main);
    browser.waitForText("Connected.");
    assertThat(browser.text())
        .contains("Brand account", "OAuth2", "Refresh now", "Reconnect")
        .contains("query parameter access_token=********", "refreshed with the long-lived token");
    browser.screenshot("instagram-credential");
    assertThat(credflowErrors()).isEmpty();
  }

  @Test
  void addAuthClientWhenItsSecretDuplicatesAnotherThenTheWarningIsShown() {
    signIn();
    browser.link("REST API V2").click();
    browser.link("Add New Credential").click();
    browser.link("OAuth2").click();
    browser.waitForText("Choose Auth Client");
    for (String name : java.util.List.of("First copy", "Second copy")) {
      browser.driver().navigate().refresh();
      browser.driver().findElement(By.cssSelector("#add-client summary")).click();
      browser.waitForText("Authorization Endpoint");
      browser.type("Name", name);
      browser.type("Client ID", "shared-client-id");
      browser.type("Client Secret", "shared-SECRET");
      browser.type("Authorization Endpoint", "https://provider.example.com/authorize");
      browser.type("Token Endpoint", "https://provider.example.com/token");
      browser.click("Save Auth Client");
      browser.waitForText("“" + name + "” saved and chosen");
    }
    assertThat(browser.text()).contains("Warning (duplicate_client_secret)");
    browser.screenshot("duplicate-client-secret");
    // Both are offered, and can be told apart by name.
    assertThat(browser.field("Choose Auth Client").getText()).contains("First copy", "Second copy");
  }

  @Test
  void saveWhenTheCheckFailsThenTheReasonIsShownAndWhatWasTypedStays() {
    // An API key auth-client whose Verify URL refuses every key: the provider's userinfo.
    Api.Response created =
        server
            .admin()
            .post(
                "/v2/auth-clients",
                """
                {"data":{"type":"auth-client","attributes":{"name":"Checked key","type":"api_key",
                 "credentials":{"name":"X-Checked-Key","verify_request":{"method":"GET","url":"%s"}}},
                 "relationships":{"components":{"data":[{"type":"component","id":"%s"}]},
                  "workspace":{"data":{"type":"workspace","id":"%s"}}}}}
                """
                    .formatted(provider.userinfoUri(), component, workspace));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    signIn();
    browser.link("REST API V2").click();
    browser.link("Add New Credential").click();
    browser.link("API Key Auth").click();
    browser.waitForText("Header Name");
    browser.type("Name Your Credential", "Key that fails");
    browser.type("Header Name", "X-Checked-Key");
    browser.type("Header Value", "wrong-key-SECRET");
    // An empty name is refused next to its field, before anything is sent.
    browser.field("Name Your Credential").clear();
    browser.click("Save");
    browser.waitForText("Please fix the fields marked below.");
    assertThat(browser.driver().findElement(By.id("f-name-error")).getText()).isNotBlank();
    browser.screenshot("save-refused-name");
    browser.type("Name Your Credential", "Key that fails");
    // A Verify that gets no answer says why; nothing is kept and the form stays as typed.
    browser.click("Verify");
    browser.waitForText("Not saved: the check failed");
    assertThat(browser.field("Header Value").getAttribute("value")).isEqualTo("wrong-key-SECRET");
    assertThat(browser.field("Name Your Credential").getAttribute("value"))
        .isEqualTo("Key that fails");
    browser.screenshot("verify-failed");
    assertThat(server.admin().get("/v2/workspaces/" + workspace + "/credentials").text())
        .doesNotContain("Key that fails");
  }
}
