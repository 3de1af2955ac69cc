package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.ConsoleClient;
import io.credflow.testing.ConsoleClient.Page;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.TestServer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API reference page: Swagger UI served by Credflow itself, rendering {@code /v2/openapi.json}
 * under the console's content policy, and linked from every console page.
 */
class ReferencePageTest {
  private static final String ADMIN_PASSWORD = "reference page admin password";
  private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"");

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().configure(c -> c.adminPassword(ADMIN_PASSWORD));

  private final TestServer server = credflow.server();

  @Test
  void referenceWhenOpenedThenItNamesTheDescriptionAndLoadsOnlyCredflowsOwnAssets() {
    Page page = ConsoleClient.of(server).get(ReferencePage.PATH);

    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(page.html()).contains("data-url=\"/v2/openapi.json\"");
    assertThat(page.header("Content-Security-Policy")).hasValue(Web.PAGE_POLICY);
    assertThat(page.all(ASSET))
        .containsExactlyInAnyOrder(
            "/assets/swagger-ui.css",
            "/assets/api-reference.css",
            "/assets/swagger-ui-bundle.js",
            "/assets/api-reference.js");
    assertThat(page.html()).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
  }

  @Test
  void referenceAssetsWhenFetchedThenEachAnswersWithItsType() {
    ConsoleClient browser = ConsoleClient.of(server);

    for (String asset : ConsoleClient.of(server).get(ReferencePage.PATH).all(ASSET)) {
      Page answer = browser.get(asset);
      assertThat(answer.status()).as(asset).isEqualTo(200);
      assertThat(answer.header("Content-Type"))
          .as(asset)
          .hasValueSatisfying(
              t ->
                  assertThat(t).startsWith(asset.endsWith(".js") ? "text/javascript" : "text/css"));
      assertThat(answer.html()).as(asset).isNotBlank();
    }
    assertThat(browser.get("/assets/swagger-ui-bundle.js").html()).contains("SwaggerUIBundle");
    assertThat(browser.get("/assets/api-reference.js").html()).contains("root.dataset.url");
  }

  @Test
  void consolePageWhenSignedInThenItLinksTheApiReference() {
    ConsoleClient browser = ConsoleClient.of(server);
    browser.signIn("admin@localhost", ADMIN_PASSWORD);

    Page keys = browser.get("/account/keys");

    assertThat(keys.status()).as(keys.toString()).isEqualTo(200);
    assertThat(keys.html()).contains("href=\"/api-reference\"");
  }
}
