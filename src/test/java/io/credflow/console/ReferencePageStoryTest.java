package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Browser;
import io.credflow.testing.CredflowExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The API reference in a real browser: Swagger UI starts under the page's content policy, reads
 * {@code /v2/openapi.json} and shows every route group; an operation opens with its example. The
 * pages are saved under {@code target/screenshots/}.
 */
class ReferencePageStoryTest {
  @RegisterExtension static final CredflowExtension credflow = CredflowExtension.h2();

  @RegisterExtension
  static final Browser browser = Browser.chromium().waitingUpTo(Duration.ofSeconds(30));

  @Test
  void referenceWhenOpenedThenSwaggerUiShowsTheGroupsAndAnOperationsExampleWithoutErrors() {
    browser.open(credflow.server().baseUrl() + ReferencePage.PATH);

    browser.waitFor(
        () ->
            browser.text().contains("Credflow HTTP API")
                && browser.text().contains("Credentials")
                && browser.text().contains("/v2/workspaces/{ws}/credentials"));
    browser.screenshot("api-reference");
    browser
        .driver()
        .findElement(By.cssSelector("#operations-Tenancy-createTenant .opblock-summary-control"))
        .click();
    browser.waitFor(() -> browser.text().contains("Request body"));
    ((JavascriptExecutor) browser.driver())
        .executeScript(
            "arguments[0].scrollIntoView()",
            browser
                .driver()
                .findElement(By.cssSelector("#operations-Tenancy-createTenant .opblock-body")));
    browser.screenshot("api-reference-create-tenant");

    assertThat(browser.text()).contains("Auth-clients", "Flows", "Runs", "Webhooks", "Operations");
    assertThat(browser.consoleErrors()).isEmpty();
  }
}
