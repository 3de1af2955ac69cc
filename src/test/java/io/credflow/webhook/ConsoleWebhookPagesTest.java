package io.credflow.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.common.Secret;
import io.credflow.flow.FlowEngine;
import io.credflow.testing.Api;
import io.credflow.testing.ConsoleClient;
import io.credflow.testing.ConsoleClient.Page;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.Flows;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The webhooks pages over HTTP against a real server and receiver: the sidebar entry, a
 * subscription made through the form (its generated secret shown once, and the receiver verifies
 * with it), the list with its last delivery, Ping and the subscription's page with the delivery and
 * its attempt, Retry, Deactivate, Delete; the form's refusals at their fields with nothing made;
 * CSRF; another workspace's path a 404.
 */
class ConsoleWebhookPagesTest {
  private static final String ADMIN = "admin@localhost";
  private static final String ADMIN_PASSWORD = "console webhook pages admin password";
  private static final Pattern SECRET =
      Pattern.compile("<code id=\"webhook-secret\">([A-Za-z0-9_-]{43})</code>");
  private static final Pattern HOOK_PATH = Pattern.compile("/w/[^/]+/webhooks/([0-9a-f]{24})");

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .tenancy("webhook-pages")
          .configure(
              c ->
                  c.adminPassword(ADMIN_PASSWORD)
                      .flows(FlowEngine.Settings.defaults().withPolling(Duration.ofMillis(50))));

  private static ConsoleClient admin;
  private WebhookReceiver receiver;

  @BeforeAll
  static void signInAdmin() {
    admin = ConsoleClient.of(credflow.server());
    Page page = admin.signIn(ADMIN, ADMIN_PASSWORD);
    assertThat(page.status()).as(page.toString()).isEqualTo(303);
  }

  @BeforeEach
  void startReceiver() {
    // The secret is not known before the form shows it.
    receiver = WebhookReceiver.start(Clock.systemUTC(), Secret.of("unknown-until-created"));
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  private String base() {
    return "/w/" + credflow.tenancy().workspace() + "/webhooks";
  }

  private Map<String, String> form(String url, String... types) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("url", url);
    for (String t : types) {
      f.put("type." + t, "on");
    }
    return f;
  }

  @Test
  void createWhenFormIsCompleteThenSecretShownOnceAndPingIsVerifiedWithIt() {
    Page list = admin.get(base());
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(list.html()).contains("New webhook", "href=\"" + base() + "\"", ">Webhooks</a>");

    Page created = admin.post(base(), form(receiver.url(), "credential.created", "run.failed"));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    Matcher secret = SECRET.matcher(created.html());
    assertThat(secret.find()).as(created.html()).isTrue();
    assertThat(created.html()).contains("not shown again");
    String id = created.first(HOOK_PATH).orElseThrow();
    Page shown = admin.get(base() + "/" + id);
    assertThat(shown.html()).doesNotContain(secret.group(1)).contains("No deliveries yet");
    assertThat(admin.get(base()).html())
        .contains(receiver.url(), "credential.created, run.failed", "none yet")
        .doesNotContain(secret.group(1));

    receiver.secret(Secret.of(secret.group(1)));
    Page pinged = admin.post(base() + "/" + id + "/ping", Map.of());
    assertThat(pinged.status()).as(pinged.toString()).isEqualTo(303);
    Flows.eventually("the ping at the receiver", () -> receiver.received().size() == 1);
    assertThat(receiver.received().get(0).verified()).isTrue();
    Flows.eventually(
        "the ping shown delivered",
        () -> admin.get(base() + "/" + id).html().contains("badge delivery-delivered"));

    Page page = admin.get(base() + "/" + id + "?notice=ping_sent");
    assertThat(ConsoleClient.unescape(page.html()))
        .contains("Ping sent", "webhook.ping", "HTTP 204", "Send again", "Deactivate", "Delete");
    assertThat(admin.get(base()).html()).contains("badge delivery-delivered");

    String delivery = page.first(Pattern.compile("id=\"delivery-([0-9a-f]{24})\"")).orElseThrow();
    Page retried = admin.post(base() + "/" + id + "/deliveries/" + delivery + "/retry", Map.of());
    assertThat(retried.status()).as(retried.toString()).isEqualTo(303);
    Flows.eventually("the retry at the receiver", () -> receiver.received().size() == 2);

    Page off = admin.post(base() + "/" + id + "/status", Map.of("status", "inactive"));
    assertThat(off.status()).isEqualTo(303);
    assertThat(admin.get(base() + "/" + id).html()).contains("badge big webhook-inactive");

    Page deleted = admin.post(base() + "/" + id + "/delete", Map.of());
    assertThat(deleted.status()).isEqualTo(303);
    assertThat(admin.get(base() + "/" + id).status()).isEqualTo(404);
    assertThat(admin.get(base()).html()).doesNotContain(receiver.url());
  }

  @Test
  void createWhenUrlIsMissingAndNoTypeCheckedThen422AtBothFieldsAndNothingMade() {
    Api api = credflow.admin();
    int before = count(api);

    Page refused = admin.post(base(), form(""));

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(ConsoleClient.unescape(refused.html()))
        .contains("url is required", "event_types must name at least one");
    assertThat(count(api)).isEqualTo(before);

    Page ftp = admin.post(base(), form("ftp://example.com/x", "run.failed"));
    assertThat(ftp.status()).isEqualTo(422);
    assertThat(ConsoleClient.unescape(ftp.html()))
        .contains("https://", "value=\"ftp://example.com/x\"");
    assertThat(count(api)).isEqualTo(before);
  }

  @Test
  void formWhenPostedWithoutCsrfThen403AndAnotherWorkspaceIsA404() {
    Page forged = admin.postWithoutCsrf(base(), form(receiver.url(), "run.failed"));
    assertThat(forged.status()).isEqualTo(403);
    assertThat(admin.get("/w/0123456789abcdef01234567/webhooks").status()).isEqualTo(404);
  }

  private int count(Api api) {
    Api.Response r =
        api.get("/v2/workspaces/" + credflow.tenancy().workspace() + "/webhooks?page[size]=500");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.body().path("data").size();
  }
}
