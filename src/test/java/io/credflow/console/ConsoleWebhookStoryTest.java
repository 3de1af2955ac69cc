package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.common.Secret;
import io.credflow.flow.FlowEngine;
import io.credflow.testing.Browser;
import io.credflow.testing.CredflowExtension;
import io.credflow.webhook.WebhookReceiver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Event webhooks in a real Chromium: Webhooks in the sidebar, a subscription made through the form
 * to a real receiver that checks signatures (a few event types chosen), the signing secret shown
 * once and copied, Ping and the delivery with its attempt, the receiver failing once so the next
 * ping's attempt fails and Retry sends it again, Deactivate. Each page is saved under {@code
 * target/screenshots/}.
 */
class ConsoleWebhookStoryTest {
  private static final String PASSWORD = "console-webhook-story-password";

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .tenancy("webhook-story")
          .configure(
              c ->
                  c.adminPassword(PASSWORD)
                      .flows(FlowEngine.Settings.defaults().withPolling(Duration.ofMillis(50))));

  @RegisterExtension
  static final Browser browser = Browser.chromium().waitingUpTo(Duration.ofSeconds(30));

  private WebhookReceiver receiver;

  @BeforeEach
  void startReceiver() {
    // The secret is not known before the page shows it.
    receiver = WebhookReceiver.start(Clock.systemUTC(), Secret.of("unknown-until-created"));
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  private static String base() {
    return credflow.server().credflow().publicUrl().toString();
  }

  /** Reloads the page until it shows {@code text}: the subscription's page does not poll. */
  private static void reloadUntil(String text) {
    browser.waitFor(
        d -> {
          d.navigate().refresh();
          return browser.text().contains(text);
        });
  }

  private static WebElement deliveryRow(int index) {
    List<WebElement> rows =
        browser.driver().findElements(By.cssSelector("table.deliveries tbody tr"));
    return rows.get(index);
  }

  /** Whether a status badge is drawn as one (a coloured pill), not as bare text. */
  private static boolean coloured(WebElement badge) {
    return !badge.getCssValue("background-color").equals("rgba(0, 0, 0, 0)");
  }

  @Test
  void webhookWhenCreatedPingedFailedRetriedAndDeactivatedThenEachPageShowsItsOutcome() {
    browser.signIn(base(), "admin@localhost", PASSWORD);

    browser.link("Webhooks").click();
    browser.waitForText("No webhooks yet.");
    assertThat(browser.text()).contains("New webhook", "Credflow-Signature");
    browser.screenshot("webhooks-empty");

    // Every event type is checked to begin with; the user keeps four of them.
    for (String type :
        List.of("credential.created", "credential.refreshed", "credential.verification_failed")) {
      assertThat(browser.field(type).isSelected()).as(type).isTrue();
      browser.field(type).click();
    }
    browser.type("URL", receiver.url());
    browser.screenshot("new-webhook-form");
    browser.click("Add webhook");
    browser.waitForText("This is the signing secret.");
    String secret = browser.driver().findElement(By.id("webhook-secret")).getText();
    assertThat(secret).matches("[A-Za-z0-9_-]{43}");
    assertThat(browser.text())
        .contains("not shown again", receiver.url(), "No deliveries yet. Ping sends a test event.")
        .contains(
            "credential.refresh_failed, credential.needs_reauth, credential.expiring_soon,"
                + " run.failed")
        .doesNotContain("credential.created,");
    browser.click("Copy");
    browser.waitFor(
        () ->
            !browser.driver().findElement(By.cssSelector("[data-copy]")).getText().equals("Copy"));
    browser.screenshot("secret-shown-once");

    // The receiver learns the secret as its owner would, from the page.
    receiver.secret(Secret.of(secret));
    browser.click("Ping");
    browser.waitForText("Ping sent: its delivery is below.");
    browser.waitFor(() -> receiver.received().size() == 1);
    assertThat(receiver.received().get(0).verified()).isTrue();
    reloadUntil("HTTP 204");
    assertThat(deliveryRow(0).getText()).contains("webhook.ping", "delivered", "HTTP 204");
    assertThat(coloured(deliveryRow(0).findElement(By.cssSelector(".badge")))).isTrue();
    assertThat(coloured(browser.driver().findElement(By.cssSelector(".heading .badge")))).isTrue();
    assertThat(browser.text()).doesNotContain(secret).contains("set (never shown again");
    browser.screenshot("ping-delivered");

    // The receiver fails once: the next ping's first attempt fails and waits for its retry.
    receiver.failFirst(1);
    browser.click("Ping");
    browser.waitFor(() -> receiver.received().size() == 2);
    reloadUntil("HTTP 500");
    WebElement failed = deliveryRow(0);
    assertThat(failed.getText()).contains("webhook.ping", "pending", "next attempt");
    // The attempt says its answer once; the delivery's last error says it under the status.
    assertThat(failed.findElement(By.cssSelector("ol.attempts li")).getText())
        .endsWith(" ms · HTTP 500");
    assertThat(failed.findElement(By.cssSelector(".field-error")).getText())
        .isEqualTo("answered HTTP 500");
    assertThat(coloured(failed.findElement(By.cssSelector(".badge")))).isTrue();
    assertThat(deliveryRow(1).getText()).contains("delivered", "HTTP 204", "Send again");
    browser.screenshot("ping-failed-once");

    WebElement retry = failed.findElement(By.tagName("button"));
    assertThat(retry.getText()).isEqualTo("Retry now");
    retry.click();
    browser.waitForText("Sent again: the new attempt is below.");
    browser.waitFor(() -> receiver.received().size() == 3);
    browser.waitFor(
        d -> {
          d.navigate().refresh();
          String row = deliveryRow(0).getText();
          return row.contains("delivered") && row.contains("HTTP 204");
        });
    assertThat(deliveryRow(0).findElements(By.cssSelector("ol.attempts li"))).hasSize(2);
    assertThat(receiver.received()).allMatch(WebhookReceiver.Received::verified);
    browser.screenshot("ping-retried");

    browser.click("Deactivate");
    browser.waitForText("Saved.");
    WebElement status = browser.driver().findElement(By.cssSelector(".heading .badge"));
    assertThat(status.getText()).isEqualTo("inactive");
    assertThat(coloured(status)).isTrue();
    assertThat(browser.button("Activate").isDisplayed()).isTrue();
    browser.screenshot("webhook-deactivated");

    // The breadcrumbs link Webhooks too: the sidebar's entry.
    browser.driver().findElement(By.cssSelector("nav.sidebar a[href$='/webhooks']")).click();
    browser.waitForText(receiver.url());
    assertThat(browser.driver().findElement(By.cssSelector("table.rows tbody tr")).getText())
        .contains("inactive", "delivered")
        .contains("credential.refresh_failed, credential.needs_reauth");
    browser.screenshot("webhooks-list");

    assertThat(browser.driver().getPageSource()).doesNotContain(secret);
    assertThat(browser.consoleErrors()).isEmpty();
  }
}
