package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.Browser;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ManualTime;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The "expiring soon" banner in a real Chromium, on a manual clock: a credential whose refresh
 * token expires within the warning window and one whose auth-client's client secret does; the
 * Credentials pages with the banner, the credential's page with its expiry line, Reconnect taking
 * the refresh token out of the window, and the banner's link to the auth-client whose secret is
 * replaced there. Each page is saved under {@code target/screenshots/}.
 */
class ConsoleExpiryStoryTest {
  private static final String PASSWORD = "console-expiry-story-password";

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .manualTime()
          .configure(c -> c.adminPassword(PASSWORD))
          .fakeOAuthProvider()
          .tenancy("expiry-story");

  @RegisterExtension
  static final Browser browser = Browser.chromium().waitingUpTo(Duration.ofSeconds(30));

  private static String base() {
    return credflow.server().credflow().publicUrl().toString();
  }

  /** Follows the sidebar's entry: the breadcrumbs may have a link of the same name. */
  private static void sidebar(String entry) {
    browser
        .driver()
        .findElement(By.cssSelector("nav.sidebar"))
        .findElement(By.linkText(entry))
        .click();
  }

  /** The credential page's line saying when its refresh token expires. */
  private static String refreshTokenExpires() {
    return browser
        .driver()
        .findElement(By.xpath("//dt[.='Refresh token expires']/following-sibling::dd[1]"))
        .getText();
  }

  private static WebElement banner() {
    return browser.driver().findElement(By.cssSelector("section.expiring"));
  }

  private static String credential(String name, String authClientName, Map<String, ?> settings) {
    Api api = credflow.admin();
    World.Tenancy home = credflow.tenancy();
    FakeOAuthProvider provider = credflow.provider();
    String authClient =
        AuthClients.oauth2()
            .name(authClientName)
            .at(provider)
            .clientAuth("basic")
            .credentials(settings)
            .in(home)
            .create(api);
    return Credentials.named(name)
        .authClient(authClient)
        .tokens(provider.issueTokens("read"), 3600)
        .create(api, home.workspace());
  }

  @Test
  void expiriesWhenWithinSevenDaysThenTheBannerSaysWhatAndLeadsToTheFix() {
    ManualTime time = credflow.time();
    Instant secretExpires = time.now().plus(Duration.ofDays(5));
    credential(
        "Billing account",
        "Billing app",
        Map.of("client_secret_expires_at", secretExpires.toString()));
    // A refresh token living 7 days and an hour: two hours on, it expires within the window.
    credential(
        "Orders account",
        "Orders app",
        Map.of("refresh_token_lifetime", Duration.ofDays(7).plusHours(1).toSeconds()));
    credential("Calm account", "Calm app", Map.of());
    time.advance(Duration.ofHours(2));

    browser.signIn(base(), "admin@localhost", PASSWORD);
    String grid = banner().getText();
    assertThat(grid)
        .startsWith("2 credentials expire within 7 days:")
        .contains("Billing account: the client secret of its auth-client expires")
        .contains("Replace the client secret on the auth-client", "Edit the auth-client")
        .contains("Orders account: its refresh token expires", "Reconnect it before then")
        .doesNotContain("Calm account");
    assertThat(grid.indexOf("Billing account")).isLessThan(grid.indexOf("Orders account"));
    browser.screenshot("credentials-banner");

    browser.link("REST API V2").click();
    browser.waitForText("Calm account");
    assertThat(banner().getText()).startsWith("2 credentials expire within 7 days:");
    browser.screenshot("component-list-banner");

    // The banner's link to the credential: its page has the line, and the dates.
    banner().findElement(By.linkText("Orders account")).click();
    browser.waitForText("Expiring within 7 days:");
    assertThat(banner().getText())
        .contains("its refresh token expires", "Reconnect it before then.")
        .doesNotContain("Orders account:");
    String before = refreshTokenExpires();
    browser.screenshot("credential-expiring");

    // Reconnect: a new refresh token, which lives 7 days and an hour from now.
    String main = browser.mainWindow();
    browser.click("Reconnect");
    // The fake provider signs in at once: the popup may have opened, reported and closed already.
    browser.waitFor(
        () -> browser.windowHandles().size() > 1 || browser.text().contains("Reconnected"));
    browser.switchToWindow(main);
    browser.waitForText("Reconnected");
    browser.waitFor(() -> !browser.text().contains("Expiring within"));
    assertThat(refreshTokenExpires()).isNotEqualTo(before);
    browser.screenshot("credential-reconnected");

    sidebar("Credentials");
    browser.waitForText("Choose a component");
    assertThat(banner().getText())
        .startsWith("1 credential expires within 7 days:")
        .contains("Billing account")
        .doesNotContain("Orders account");
    banner().findElement(By.linkText("Edit the auth-client")).click();
    browser.waitForText("Replace Client Secret");
    assertThat(browser.text()).contains("Billing app");
    assertThat(browser.field("Client Secret Expires On").getAttribute("value"))
        .isEqualTo(LocalDate.ofInstant(secretExpires, ZoneOffset.UTC).toString());
    // A new secret from the provider, with when it expires: 90 days on. A date input takes what
    // its date picker would set, whatever the browser's locale shows.
    String nextExpiry =
        LocalDate.ofInstant(time.now().plus(Duration.ofDays(90)), ZoneOffset.UTC).toString();
    browser.type("Replace Client Secret", "a-new-client-SECRET");
    ((JavascriptExecutor) browser.driver())
        .executeScript(
            "arguments[0].value = arguments[1]",
            browser.field("Client Secret Expires On"),
            nextExpiry);
    browser.screenshot("auth-client-replace-secret");
    browser.click("Save");
    browser.waitForText("Saved.");
    assertThat(browser.field("Client Secret Expires On").getAttribute("value"))
        .isEqualTo(nextExpiry);
    browser.screenshot("auth-client-saved");

    sidebar("Credentials");
    browser.waitForText("Choose a component");
    assertThat(browser.driver().findElements(By.cssSelector("section.expiring"))).isEmpty();
    browser.screenshot("credentials-after-fix");
    assertThat(browser.driver().getPageSource()).doesNotContain("a-new-client-SECRET");
    assertThat(browser.consoleErrors()).isEmpty();
  }
}
