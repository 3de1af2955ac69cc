package io.credflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Browser;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

/**
 * What a newcomer does after {@code ./credflow serve --demo}: sign in, add an OAuth2 credential
 * with the seeded "Demo provider" auth-client, Authenticate at Credflow's own demo provider (its
 * consent page, in the popup), and watch the short-lived token being refreshed; all offline.
 */
class DemoConsoleStoryTest {
  @RegisterExtension static final Browser browser = Browser.chromium();

  private static final String PASSWORD = "demo-story-password";

  private static SettableClock clock;
  private static TestServer server;

  @BeforeAll
  static void start() {
    clock = SettableClock.startingNow();
    server = TestServer.start(false, clock, c -> c.demo(true).adminPassword(PASSWORD));
    new Demo(server.credflow(), new PrintStream(OutputStream.nullOutputStream())).seed();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void waitForText(String text) {
    browser.waitFor(() -> browser.text().contains(text));
  }

  @Test
  void demoWhenAuthenticatedAtItsProviderThenTheCredentialWorksAndIsRefreshed() {
    String base = server.credflow().publicUrl().toString();
    browser.open(base + "/");
    browser.type("Email", "admin@localhost");
    browser.type("Password", PASSWORD);
    browser.click("Sign in");
    waitForText("Choose a component");
    browser.link("REST API V2").click();
    browser.link("Add New Credential").click();
    browser.link("OAuth2").click();
    waitForText("Choose Auth Client");
    // The demo's only OAuth2 auth-client is chosen already.
    assertThat(browser.field("Choose Auth Client").getText()).contains("Demo provider");
    browser.type("Name Your Credential", "My demo account");
    String main = browser.mainWindow();
    browser.click("Authenticate");
    browser.switchToNewWindow();
    browser.waitFor(() -> browser.text().contains("Demo provider"));
    assertThat(browser.field("Account name").getAttribute("value")).isEqualTo("demo-user");
    browser.screenshot("demo-consent");
    browser.click("Allow");
    browser.switchToWindow(main);
    waitForText("Connected.");
    assertThat(browser.text()).contains("My demo account", "for account demo-user");
    browser.screenshot("demo-credential");

    // Its tokens live two minutes: past that, the scheduler refreshes them.
    clock.advance(Duration.ofMinutes(2));
    server.runDueRefreshes();
    browser.driver().navigate().refresh();
    waitForText("credential.refreshed");
    browser.click("Verify");
    waitForText("Verified: it works.");
    browser.screenshot("demo-refreshed");
    assertThat(browser.consoleErrors().stream().filter(e -> !e.contains("/favicon.ico")).toList())
        .isEmpty();
    assertThat(browser.driver().findElements(By.cssSelector("script:not([src])"))).isEmpty();
  }

  private static void signIn() {
    browser.open(server.credflow().publicUrl() + "/");
    browser.type("Email", "admin@localhost");
    browser.type("Password", PASSWORD);
    browser.click("Sign in");
    waitForText("Choose a component");
  }

  private static void newOAuth2Credential(String name) {
    browser.link("REST API V2").click();
    browser.link("Add New Credential").click();
    browser.link("OAuth2").click();
    waitForText("Choose Auth Client");
    browser.type("Name Your Credential", name);
  }

  @Test
  void authenticateWhenTheUserDeniesThenThePageShowsTheProvidersAnswer() {
    signIn();
    newOAuth2Credential("Denied account");
    String main = browser.mainWindow();
    browser.click("Authenticate");
    browser.switchToNewWindow();
    browser.waitFor(() -> browser.text().contains("Demo provider"));
    browser.click("Deny");
    browser.switchToWindow(main);
    waitForText("did not authorize");
    assertThat(browser.text()).contains("access_denied");
    browser.screenshot("demo-denied");
    assertThat(server.admin().get("/v2/workspaces").status()).isEqualTo(200);
  }

  @Test
  void authenticateWhenThePopupIsBlockedThenItContinuesInTheSameTab() {
    signIn();
    newOAuth2Credential("Same-tab account");
    // A browser that blocks popups: window.open gives nothing.
    ((JavascriptExecutor) browser.driver())
        .executeScript("window.open = function () { return null; };");
    browser.click("Authenticate");
    waitForText("Your browser blocked the sign-in window.");
    browser.screenshot("demo-popup-blocked");
    browser.link("Continue in this tab").click();
    browser.waitFor(() -> browser.text().contains("Demo provider"));
    browser.click("Allow");
    // Credflow's callback page, in this tab: it leads back to the new credential.
    browser.waitFor(() -> browser.text().contains("go back to Credflow"));
    browser.link("go back to Credflow").click();
    waitForText("Authenticated: the credential is saved and ready.");
    assertThat(browser.text()).contains("Same-tab account");
    browser.screenshot("demo-same-tab");
  }

  @Test
  void signInWhenOnlyTheKeyboardIsUsedThenThePagesCanBeReached() {
    browser.open(server.credflow().publicUrl() + "/");
    waitForText("Sign in");
    // The email field has the focus; Tab to the password, Enter sends the form.
    new Actions(browser.driver())
        .sendKeys("admin@localhost", Keys.TAB, PASSWORD, Keys.ENTER)
        .perform();
    waitForText("Choose a component");
    // Tab until the component's link has the focus, and follow it with Enter.
    for (int i = 0; i < 40; i++) {
      String focused = browser.driver().switchTo().activeElement().getText();
      if (focused.equals("REST API V2")) {
        break;
      }
      new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
    }
    assertThat(browser.driver().switchTo().activeElement().getText()).isEqualTo("REST API V2");
    new Actions(browser.driver()).sendKeys(Keys.ENTER).perform();
    waitForText("Add New Credential");
    browser.screenshot("keyboard-only");
  }

  @Test
  void authenticateWhenTheProviderNeverAnswersThenThePageGivesUpAndSaysSo() {
    signIn();
    newOAuth2Credential("Abandoned account");
    String main = browser.mainWindow();
    // The page waits 5 minutes (its data-give-up-after); a test does not: two seconds.
    ((JavascriptExecutor) browser.driver())
        .executeScript(
            "document.getElementById('auth-wait').setAttribute('data-give-up-after', '2000');");
    browser.click("Authenticate");
    browser.switchToNewWindow();
    browser.waitFor(() -> browser.text().contains("Demo provider"));
    // The user walks away from the provider's page.
    browser.switchToWindow(main);
    waitForText("Gave up after 2 seconds without an answer from Demo provider.");
    assertThat(browser.driver().findElement(By.cssSelector("#auth-wait")).isDisplayed()).isFalse();
    browser.screenshot("demo-gave-up");
    browser.link("Cancel").click();
    waitForText("Add New Credential");
    assertThat(browser.text()).doesNotContain("Abandoned account");
  }
}
