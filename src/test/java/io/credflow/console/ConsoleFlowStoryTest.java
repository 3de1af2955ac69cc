package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.credflow.flow.FlowEngine;
import io.credflow.testing.Api;
import io.credflow.testing.Browser;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * Flows in a real Chromium: a two-step flow made on the flows page and in the step editor,
 * published, activated, Run now (a bad JSON message first), the run page following the run to its
 * end, the upstream broken and the run failed at that step with the reason, the upstream fixed and
 * the run retried from the failed step; the credential's page lists the flow and refuses Delete
 * with the reason. Each page is saved under {@code target/screenshots/}.
 */
class ConsoleFlowStoryTest {
  @RegisterExtension
  static final Browser browser = Browser.chromium().waitingUpTo(Duration.ofSeconds(30));

  private static final String PASSWORD = "console-flow-story-password";
  private static final String CREDENTIAL_SECRET = "pw-flow-story-SECRET";

  private static TestServer server;
  private static HttpServer upstream;
  private static final AtomicBoolean BROKEN = new AtomicBoolean();
  private static String workspace;
  private static String credential;

  @BeforeAll
  static void start() throws IOException {
    server =
        TestServer.start(
            false,
            Clock.systemUTC(),
            c ->
                c.adminPassword(PASSWORD)
                    .flows(FlowEngine.Settings.defaults().withPolling(Duration.ofMillis(50))));
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext("/orders", ex -> answer(ex, 200, "{\"orders\": [{\"id\": 42}]}"));
    upstream.createContext(
        "/invoices",
        ex ->
            answer(
                ex,
                BROKEN.get() ? 500 : 201,
                BROKEN.get()
                    ? "{\"error\": \"invoices are down\"}"
                    : "{\"invoice\": \"INV-42\", \"lines\": [\"a long line of an invoice that"
                        + " goes on and on to show how the page wraps long JSON values without"
                        + " spilling out of its box\"]}"));
    upstream.start();
    Api admin = server.admin();
    String tenant = World.tenant(admin, "Acme");
    String contract = World.contract(admin, tenant, "Acme contract");
    workspace = World.workspace(admin, contract, "Integrations");
    String component = new World(server).component(tenant, World.REST_API_TYPES);
    String client =
        AuthClients.basic()
            .name("Shop basic")
            .credential("name", "shop-user")
            .workspace(workspace)
            .components(component)
            .create(admin);
    credential =
        Credentials.named("Shop account")
            .authClient(client)
            .secrets(Map.of("password", CREDENTIAL_SECRET))
            .create(admin, workspace);
  }

  private static void answer(com.sun.net.httpserver.HttpExchange ex, int status, String json)
      throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @AfterAll
  static void stop() {
    upstream.stop(0);
    server.close();
  }

  private static String base() {
    return server.credflow().publicUrl().toString();
  }

  private static String upstreamUrl(String path) {
    return "http://127.0.0.1:" + upstream.getAddress().getPort() + path;
  }

  private static String runStatus() {
    return browser.driver().findElement(By.id("run-live")).getAttribute("data-status");
  }

  @Test
  void flowWhenDesignedRunBrokenAndRetriedThenEachPageShowsItsOutcome() {
    browser.signIn(base(), "admin@localhost", PASSWORD);

    browser.link("Flows").click();
    browser.waitForText("No flows yet.");
    browser.screenshot("flows-empty");

    // A refused form keeps what was typed and says what is wrong at the field.
    browser.type("Name", "Order to invoice");
    browser.type("URL", "orders please");
    browser.click("Create flow");
    browser.waitForText("the URL must start with http:// or https://");
    assertThat(browser.text()).contains("choose the credential the step sends its request with");
    browser.screenshot("flow-create-refused");

    browser.select("Component and credential", "Shop account · Basic Auth · unverified");
    browser.type("URL", upstreamUrl("/orders"));
    browser.select("Error Handling Policy", "Don't retry, throw error");
    browser.click("Create flow");
    browser.waitForText("Created.");
    assertThat(browser.text()).contains("Order to invoice", "draft", "Shop account");
    browser.screenshot("flow-created");

    browser.link("+ Add a step").click();
    browser.waitForText("New step 2");
    browser.type("Step name", "Create the invoice");
    browser
        .driver()
        .findElement(By.cssSelector("input[name=credential][value='" + credential + "']"))
        .click();
    browser.select("HTTP Method", "POST");
    browser.type("URL", upstreamUrl("/invoices"));
    browser.select("Error Handling Policy", "Don't retry, throw error");
    browser.click("Save to draft");
    browser.waitForText("Saved to the draft");
    assertThat(browser.text()).contains("Create the invoice", "POST");
    browser.click("Publish");
    browser.waitForText("Published: new runs use the new version.");
    browser.click("Activate");
    browser.waitFor(() -> browser.text().contains("Deactivate"));
    browser.screenshot("flow-active");

    browser.type("Message (JSON, optional)", "{\"order\": 42");
    browser.click("Run now");
    browser.waitForText("the message is not valid JSON");
    browser.screenshot("run-now-bad-json");

    browser.type("Message (JSON, optional)", "{\"order\": 42}");
    browser.click("Run now");
    browser.waitFor(() -> "succeeded".equals(runStatus()));
    assertThat(browser.text())
        .contains("Step 1", "Create the invoice", "INV-42", "\"statusCode\" : 201");
    assertThat(browser.driver().getPageSource()).doesNotContain(CREDENTIAL_SECRET);
    browser.screenshot("run-succeeded");

    // The upstream breaks: the run fails at the second step with the reason.
    BROKEN.set(true);
    browser.link("Order to invoice").click();
    browser.waitForText("Run now");
    browser.click("Run now");
    browser.waitFor(() -> "failed".equals(runStatus()));
    assertThat(browser.text()).contains("Failed at step 2:", "500");
    browser.screenshot("run-failed");

    BROKEN.set(false);
    browser.click("Retry from failed step");
    browser.waitFor(() -> "succeeded".equals(runStatus()));
    assertThat(browser.text()).contains("INV-42");
    browser.screenshot("run-retried");

    browser.link("Order to invoice").click();
    browser.waitForText("Recent runs");
    browser.screenshot("flow-with-runs");
    browser.open(base() + "/w/" + workspace + "/flows");
    browser.waitForText("Order to invoice");
    browser.screenshot("flows-list");

    browser.open(base() + "/w/" + workspace + "/credentials/" + credential);
    browser.waitForText("Flows using it");
    assertThat(browser.text()).contains("Order to invoice");
    browser.click("Delete");
    browser.driver().switchTo().alert().accept();
    browser.waitForText("Not deleted:");
    assertThat(browser.text()).contains("is used by active flow \"Order to invoice\"");
    browser.screenshot("credential-delete-refused");
  }
}
