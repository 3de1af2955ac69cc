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
    world.component(tenant, World.REST_API_TYPES);
    world.instagramComponent(tenant);
  }

  @AfterAll
  static void stop() {
    instagram.close();
    provider.close();
    server.close();
  }

  private static void signIn() {
    browser.open(server.baseUrl() + "/");
    browser.waitFor(() -> browser.text().contains("Sign in"));
    browser.screenshot("sign-in");
    browser.type("Email", "admin@localhost");
    browser.type("Password", PASSWORD);
    browser.click("Sign in");
    browser.waitFor(() -> browser.text().contains("Choose a component"));
  }

  private static void waitForText(String text) {
    browser.waitFor(() -> browser.text().contains(text));
  }

  @Test
  void restApiV2WhenWalkedThroughThenEachStepShowsItsOutcome() {
    signIn();
    assertThat(browser.text()).contains("REST API V2", "0 credentials");
    browser.screenshot("credentials-grid");

    browser.link("REST API V2").click();
    waitForText("No credentials yet.");
    assertThat(browser.driver().findElement(By.cssSelector("nav.crumbs")).getText())
        .contains("Acme / Integrations", "Credentials", "REST API V2");
    browser.screenshot("rest-api-v2-empty");

    // Basic Auth
    browser.link("Add New Credential").click();
    browser.link("Basic Auth").click();
    waitForText("Username");
    browser.type("Name Your Credential", "Billing basic");
    browser.type("Username", "ada");
    browser.type("Password", "pw-basic-SECRET");
    browser.screenshot("basic-form");
    browser.click("Save");
    waitForText("Saved.");
    assertThat(browser.text())
        .contains("Billing basic", "Basic Auth", "Authorization: Basic ********");
    assertThat(browser.driver().getPageSource()).doesNotContain("pw-basic-SECRET");
    browser.screenshot("basic-credential");

    // OAuth2: the seed's Auth-client form, then Authenticate in the popup.
    browser.open(server.baseUrl() + "/w/" + workspace + "/credentials");
    browser.link("REST API V2").click();
    waitForText("Billing basic");
    browser.link("Add New Credential").click();
    browser.link("OAuth2").click();
    waitForText("Choose Auth Client");
    browser.driver().findElement(By.cssSelector("#add-client summary")).click();
    waitForText("Authorization Endpoint");
    browser.type("Name", "Mock provider");
    browser.type("Client ID", "credflow-console-client");
    browser.type("Client Secret", "cs-console-SECRET");
    browser.type("Authorization Endpoint", provider.authorizeUri().toString());
    browser.type("Token Endpoint", provider.tokenUri().toString());
    browser.type("Scopes", "openid, profile");
    browser.type("Verify URL", provider.userinfoUri().toString());
    browser.screenshot("add-auth-client");
    browser.click("Save Auth Client");
    waitForText("saved and chosen");
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
    waitForText("Authenticated: the credential is saved and ready.");
    assertThat(browser.text()).contains("Mock account", "OAuth2", "Authorization: Bearer ********");
    browser.screenshot("oauth2-credential");

    // An expiry forced: the scheduler refreshes it, and the page shows so.
    clock.advance(Duration.ofMinutes(59));
    server.runDueRefreshes();
    browser.driver().navigate().refresh();
    waitForText("credential.refreshed");
    browser.screenshot("oauth2-refreshed");

    browser.click("Verify");
    waitForText("Verified: it works.");
    browser.screenshot("oauth2-verified");

    browser.click("Reconnect");
    browser.switchToNewWindow();
    browser.waitFor(d -> !d.findElements(By.name("username")).isEmpty());
    browser.driver().findElement(By.name("username")).sendKeys("ada");
    browser.click("Sign-in");
    browser.switchToWindow(main);
    waitForText("Reconnected: the credential has new tokens.");
    browser.screenshot("oauth2-reconnected");

    browser.click("Delete");
    browser.driver().switchTo().alert().accept();
    waitForText("Deleted.");
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
        .filter(e -> !e.startsWith("http") || e.startsWith(server.baseUrl()))
        .toList();
  }

  @Test
  void instagramWhenAuthenticatedThenTheLongLivedTokenIsStored() {
    signIn();
    browser.link("Instagram").click();
    browser.link("Add New Credential").click();
    waitForText("Choose Auth Client");
    assertThat(browser.text()).contains("OAuth2").doesNotContain("Instagram)");
    browser.driver().findElement(By.cssSelector("#add-client summary")).click();
    waitForText("Long-lived Token Exchange Endpoint");
    assertThat(browser.field("Scopes").getAttribute("value")).isEqualTo("user_profile, user_media");
    browser.type("Name", "Instagram app");
    browser.type("Client ID", instagram.clientId());
    browser.type("Client Secret", instagram.clientSecret());
    browser.type("Authorization Endpoint", instagram.authorizeUri().toString());
    browser.type("Token Endpoint", instagram.tokenUri().toString());
    browser.type("Long-lived Token Exchange Endpoint", instagram.exchangeUri().toString());
    browser.type("Long-lived Token Refresh Endpoint", instagram.refreshUri().toString());
    browser.click("Save Auth Client");
    waitForText("saved and chosen");
    browser.type("Name Your Credential", "Brand account");
    String main = browser.mainWindow();
    browser.click("Authenticate");
    // The fake signs in at once: its authorize endpoint redirects straight to the callback.
    browser.waitFor(
        () -> browser.windowHandles().size() > 1 || browser.text().contains("Authenticated"));
    browser.switchToWindow(main);
    waitForText("Authenticated: the credential is saved and ready.");
    assertThat(browser.text()).contains("Brand account", "OAuth2", "Refresh now", "Reconnect");
    browser.screenshot("instagram-credential");
    assertThat(credflowErrors()).isEmpty();
  }
}
