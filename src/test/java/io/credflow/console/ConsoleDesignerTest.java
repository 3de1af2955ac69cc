package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.flow.FlowEngine;
import io.credflow.testing.Api;
import io.credflow.testing.ConsoleClient;
import io.credflow.testing.ConsoleClient.Page;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.upstream.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The flow designer over HTTP against a real server and upstream: steps saved to the draft (never
 * to what runs) and published, moved and removed, the configuration checked as typed with each
 * problem at its field, a step tested with its credential (secret masked), the trigger changed (a
 * schedule in words, a poll in the step editor), and the credential form opened inline from a
 * step's "+" going back to the step with the new credential chosen, and nowhere else.
 */
class ConsoleDesignerTest {
  private static final String ADMIN_PASSWORD = "console designer admin password";
  private static final Pattern SPAN =
      Pattern.compile("<span id=\"([^\"]+)-error\" class=\"field-error\"[^>]*>(.*?)</span>");

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .upstreamServer()
          .executorWorkspace("designer")
          .configure(
              c ->
                  c.adminPassword(ADMIN_PASSWORD)
                      .flows(FlowEngine.Settings.defaults().withPolling(Duration.ofMillis(50))));

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static ConsoleClient admin;

  private final Upstream upstream = credflow.upstream();
  private final Api api = credflow.admin();
  private final ExecutorWorkspace w = credflow.executorWorkspace();

  @BeforeAll
  static void signInAdmin() {
    admin = ConsoleClient.of(credflow.server());
    assertThat(admin.signIn("admin@localhost", ADMIN_PASSWORD).status()).isEqualTo(303);
  }

  private String ws() {
    return w.workspace();
  }

  /** A flow with one step per path, made through the API; returns its id. */
  private String flow(String... paths) {
    List<Map<String, Object>> steps = new ArrayList<>();
    for (int i = 0; i < paths.length; i++) {
      steps.add(
          Flows.step(
              "s" + (i + 1),
              w.component(),
              w.noauth(),
              ExecutorWorkspace.get(upstream.url(paths[i]))));
    }
    return Flows.create(
        api,
        ws(),
        Flows.flow("Designed " + NAMES.incrementAndGet(), "draft", Flows.manual(), steps));
  }

  private String path(String flow) {
    return "/w/" + ws() + "/flows/" + flow;
  }

  private Map<String, String> step(String name, String credential, String url) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("step_name", name);
    form.put("component", w.component());
    form.put("credential", credential);
    form.put("reader/method", "GET");
    form.put("reader/url", url);
    form.put("errorPolicy", "byComponent");
    return form;
  }

  private JsonNode draft(String flow) {
    Api.Response r = api.get("/v2/workspaces/" + ws() + "/flows/" + flow + "/draft");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.attributes();
  }

  private List<String> draftStepIds(String flow) {
    List<String> ids = new ArrayList<>();
    draft(flow).path("steps").forEach(s -> ids.add(s.path("id").asText()));
    return ids;
  }

  private static int version(Api api, String ws, String flow) {
    return Flows.get(api, ws, flow).path("attributes").path("version").asInt();
  }

  /** Each field's message in a page or fragment, by field id (empty when fine). */
  private static Map<String, String> errors(Page page) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = SPAN.matcher(page.html());
    while (m.find()) {
      out.put(m.group(1), ConsoleClient.unescape(m.group(2)));
    }
    return out;
  }

  @Test
  void saveStepWhenValidThenOnlyTheDraftChangesUntilPublishMakesTheNextVersion() {
    String flow = flow("/echo/a");
    Page editor = admin.get(path(flow) + "/steps/new");
    assertThat(editor.status()).as(editor.toString()).isEqualTo(200);
    assertThat(ConsoleClient.unescape(editor.html()))
        .contains("New step 2", "Component", "Function", "Credentials", "Configuration")
        .contains("Error Handling Policy", "Maximum Retries", "Response Size Limit")
        .contains("Do Not Verify SSL Certificate (Unsafe)", "Download as Attachment");

    Map<String, String> form = step("Second", w.basic(), upstream.url("/echo/b"));
    form.put("reader/headers", "Accept: \"application/json\"\nX-Order: $string(body.id)");
    form.put("reader/body/contentType", "application/x-www-form-urlencoded");
    form.put("reader/body", "order: body.id");
    form.put("maxRetries", "3");
    form.put("downloadAsAttachment", "on");
    Page saved = admin.post(path(flow) + "/steps/save", form);

    assertThat(saved.status()).as(saved.toString()).isEqualTo(303);
    assertThat(saved.location().orElseThrow()).endsWith(path(flow) + "?notice=draft_saved");
    JsonNode second = draft(flow).path("steps").get(1);
    assertThat(second.path("name").asText()).isEqualTo("Second");
    assertThat(second.path("credential").path("id").asText()).isEqualTo(w.basic());
    JsonNode config = second.path("config");
    assertThat(config.path("reader").path("url").asText())
        .isEqualTo("\"" + upstream.url("/echo/b") + "\"");
    assertThat(config.path("reader").path("headers")).hasSize(2);
    assertThat(config.path("reader").path("headers").get(1).path("value").asText())
        .isEqualTo("$string(body.id)");
    assertThat(config.path("reader").path("body").path("urlencoded").get(0).path("key").asText())
        .isEqualTo("order");
    assertThat(config.path("maxRetries").asText()).isEqualTo("3");
    assertThat(config.path("downloadAsAttachment").asBoolean()).isTrue();
    assertThat(version(api, ws(), flow)).isEqualTo(1);

    // The editor shows the saved step as it was typed.
    Page again = admin.get(path(flow) + "/steps/step2/edit");
    assertThat(ConsoleClient.unescape(again.html()))
        .contains(upstream.url("/echo/b"), "X-Order: $string(body.id)", "order: body.id");

    Page published = admin.post(path(flow) + "/publish", Map.of());
    assertThat(published.status()).as(published.toString()).isEqualTo(303);
    assertThat(version(api, ws(), flow)).isEqualTo(2);
    assertThat(api.get("/v2/workspaces/" + ws() + "/flows/" + flow + "/draft").status())
        .isEqualTo(404);
    Page nothing = admin.post(path(flow) + "/publish", Map.of());
    assertThat(nothing.status()).isEqualTo(409);
    assertThat(ConsoleClient.unescape(nothing.html())).contains("Not published:", "has no draft");
  }

  @Test
  void saveStepWhenFieldsAreWrongThenEachMessageAtItsFieldAndNothingSaved() {
    String flow = flow("/echo/a");
    Map<String, String> form = step("Broken", "", "https://api.example.com/x");
    form.put("reader/headers", "Accept: \"json\"\nX-Bad: body.(");
    form.put("errorCodes", "5xx");
    form.put("maxRedirects", "11");

    Page refused = admin.post(path(flow) + "/steps/save", form);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    Map<String, String> errors = errors(refused);
    assertThat(errors.get("f-credential")).contains("choose the credential");
    assertThat(errors.get("f-reader-headers")).startsWith("line 2: ");
    assertThat(errors.get("f-errorCodes")).isNotEmpty();
    assertThat(errors.get("f-maxRedirects"))
        .startsWith("\"Maximum Redirects\"")
        .contains("from 0 to 10");
    assertThat(errors.get("f-reader-url")).isEmpty();
    assertThat(ConsoleClient.unescape(refused.html())).contains("X-Bad: body.(");
    assertThat(api.get("/v2/workspaces/" + ws() + "/flows/" + flow + "/draft").status())
        .isEqualTo(404);
  }

  @Test
  void checkWhenTypedThenTheApisMessagesAtTheirFieldsAndEmptyOnceFixed() {
    String flow = flow("/echo/a");
    Map<String, String> form = step("Typing", w.basic(), "\"https://api.example.com/\" &");
    form.put("maxRetries", "eleven");

    Page checked = admin.post(path(flow) + "/steps/check", form);

    assertThat(checked.status()).as(checked.toString()).isEqualTo(200);
    Map<String, String> errors = errors(checked);
    assertThat(errors.get("f-reader-url")).contains("not a valid JSONata expression");
    assertThat(errors.get("f-maxRetries"))
        .startsWith("\"Maximum Retries\" must be")
        .contains("from 0 to 10");
    assertThat(checked.html()).contains("hx-swap-oob=\"true\"");

    form.put("reader/url", "https://api.example.com/orders");
    form.put("maxRetries", "2");
    Map<String, String> fixed = errors(admin.post(path(flow) + "/steps/check", form));
    assertThat(fixed).containsKeys("f-reader-url", "f-maxRetries");
    assertThat(fixed.values()).allMatch(String::isEmpty);
  }

  @Test
  void testStepWhenSentThenItsAnswerWithTheSecretMaskedAndNothingSaved() {
    String flow = flow("/echo/a");
    Map<String, String> form = step("Echo", w.basic(), upstream.url("/echo/tested"));
    form.put("sample", "{\"body\": {\"id\": 7}}");

    Page tested = admin.post(path(flow) + "/steps/test", form);

    assertThat(tested.status()).as(tested.toString()).isEqualTo(200);
    String html = ConsoleClient.unescape(tested.html());
    assertThat(html).contains("Answered 200.", "\"statusCode\" : 200", "/echo/tested");
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (ExecutorWorkspace.BASIC_USER + ":" + ExecutorWorkspace.BASIC_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(html).doesNotContain(basic, ExecutorWorkspace.BASIC_PASSWORD);
    assertThat(upstream.count("/echo/tested")).isEqualTo(1);
    assertThat(api.get("/v2/workspaces/" + ws() + "/flows/" + flow + "/draft").status())
        .isEqualTo(404);

    form.put("sample", "{\"body\": ");
    assertThat(ConsoleClient.unescape(admin.post(path(flow) + "/steps/test", form).html()))
        .contains("Not sent: the sample message is not valid JSON");
    form.put("sample", "{}");
    form.put("credential", "");
    assertThat(ConsoleClient.unescape(admin.post(path(flow) + "/steps/test", form).html()))
        .contains("Not sent: choose a credential first");
    assertThat(upstream.count("/echo/tested")).isEqualTo(1);
  }

  @Test
  void moveAndRemoveWhenPostedThenTheDraftsOrderChangesAndTheLastStepStays() {
    String flow = flow("/echo/a", "/echo/b", "/echo/c");

    assertThat(admin.post(path(flow) + "/steps/s3/move", Map.of("direction", "up")).status())
        .isEqualTo(303);
    assertThat(draftStepIds(flow)).containsExactly("s1", "s3", "s2");
    assertThat(admin.post(path(flow) + "/steps/s1/move", Map.of("direction", "down")).status())
        .isEqualTo(303);
    assertThat(draftStepIds(flow)).containsExactly("s3", "s1", "s2");
    assertThat(admin.post(path(flow) + "/steps/s1/remove", Map.of()).status()).isEqualTo(303);
    assertThat(admin.post(path(flow) + "/steps/s2/remove", Map.of()).status()).isEqualTo(303);
    assertThat(draftStepIds(flow)).containsExactly("s3");

    Page refused = admin.post(path(flow) + "/steps/s3/remove", Map.of());
    assertThat(refused.status()).isEqualTo(422);
    assertThat(ConsoleClient.unescape(refused.html())).contains("a flow needs at least one step");
    assertThat(draftStepIds(flow)).containsExactly("s3");
    assertThat(version(api, ws(), flow)).isEqualTo(1);

    assertThat(admin.post(path(flow) + "/discard", Map.of()).status()).isEqualTo(303);
    assertThat(api.get("/v2/workspaces/" + ws() + "/flows/" + flow + "/draft").status())
        .isEqualTo(404);
    assertThat(Flows.get(api, ws(), flow).path("attributes").path("steps")).hasSize(3);
  }

  @Test
  void triggerWhenScheduleThenSaidInWordsAndAWrongCronIsRefusedAtItsField() {
    String flow = flow("/echo/a");

    Page refused =
        admin.post(
            path(flow) + "/trigger",
            Map.of("trigger", "schedule", "cron", "every morning", "zone", "UTC"));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(errors(refused).get("f-cron")).isNotEmpty();
    assertThat(ConsoleClient.unescape(refused.html())).contains("every morning");

    Page saved =
        admin.post(
            path(flow) + "/trigger",
            Map.of("trigger", "schedule", "cron", "0 0 7 * * MON-FRI", "zone", "Europe/Berlin"));
    assertThat(saved.status()).as(saved.toString()).isEqualTo(303);
    assertThat(draft(flow).path("trigger").path("cron").asText()).isEqualTo("0 0 7 * * MON-FRI");
    assertThat(ConsoleClient.unescape(admin.get(path(flow)).html()))
        .contains("Fires at 07:00, Monday to Friday (Europe/Berlin). Next: ");

    Page words = admin.get(path(flow) + "/cron?cron=0+*%2F15+*+*+*+*&zone=UTC");
    assertThat(ConsoleClient.unescape(words.html())).contains("Fires every 15 minutes (UTC).");
    assertThat(ConsoleClient.unescape(admin.get(path(flow) + "/cron?cron=x&zone=UTC").html()))
        .contains("Not a valid cron:");
    assertThat(
            ConsoleClient.unescape(
                admin.get(path(flow) + "/cron?cron=0+0+7+*+*+*&zone=Mars%2FBase").html()))
        .contains("is not a time zone");
  }

  @Test
  void pollTriggerWhenSavedFromItsEditorThenTheDraftPollsWithTheRequest() {
    String flow = flow("/echo/a");
    Page toEditor =
        admin.post(
            path(flow) + "/trigger",
            Map.of("trigger", "poll", "cron", "0 */5 * * * *", "zone", "UTC"));
    assertThat(toEditor.status()).isEqualTo(303);
    assertThat(toEditor.location().orElseThrow()).contains(path(flow) + "/trigger/poll?cron=");
    Page editor = admin.get(toEditor.location().orElseThrow());
    assertThat(ConsoleClient.unescape(editor.html()))
        .contains("Poll trigger", "Fires every 5 minutes (UTC).");

    Map<String, String> form = step("", w.noauth(), upstream.url("/echo/poll"));
    form.put("cron", "0 */5 * * * *");
    form.put("zone", "UTC");
    Page saved = admin.post(path(flow) + "/trigger/poll/save", form);

    assertThat(saved.status()).as(saved.toString()).isEqualTo(303);
    JsonNode trigger = draft(flow).path("trigger");
    assertThat(trigger.path("type").asText()).isEqualTo("poll");
    assertThat(trigger.path("credential").path("id").asText()).isEqualTo(w.noauth());
    assertThat(trigger.path("config").path("reader").path("url").asText()).contains("/echo/poll");
  }

  @Test
  void newCredentialInlineWhenSavedThenBackToTheStepWithItChosenAndNeverElsewhere() {
    String flow = flow("/echo/a");
    String back = path(flow) + "/steps/new";
    String form =
        "/w/" + ws() + "/credentials/c/" + w.component() + "/new?type=basic&inline=1&return=";

    Page inline = admin.get(form + back, Map.of("HX-Request", "true"));
    assertThat(inline.status()).isEqualTo(200);
    assertThat(inline.html())
        .doesNotContain("<html")
        .contains("name=\"return\" value=\"" + back + "\"", "Name Your Credential");

    Map<String, String> basic = new LinkedHashMap<>();
    basic.put("type", "basic");
    basic.put("name", "Made inline " + NAMES.incrementAndGet());
    basic.put("credentials/username", "ada");
    basic.put("credentials/password", "inline-password-SECRET");
    basic.put("return", back);
    Page saved = admin.post("/w/" + ws() + "/credentials/c/" + w.component() + "/new", basic);
    assertThat(saved.status()).as(saved.toString()).isEqualTo(303);
    String location = saved.location().orElseThrow();
    assertThat(location).startsWith(back + "?credential=").endsWith("&notice=credential_saved");
    String id = location.replaceAll(".*credential=([^&]+).*", "$1");
    Page editor = admin.get(location);
    assertThat(editor.html()).containsPattern("value=\"" + id + "\"[^>]*checked");

    for (String elsewhere :
        List.of("https://evil.example.com/", "/w/" + ws() + "/keys", "//evil.example.com/x")) {
      basic.put("name", "Not followed " + NAMES.incrementAndGet());
      basic.put("return", elsewhere);
      Page plain = admin.post("/w/" + ws() + "/credentials/c/" + w.component() + "/new", basic);
      assertThat(plain.status()).isEqualTo(303);
      assertThat(plain.location().orElseThrow())
          .as(elsewhere)
          .startsWith("/w/" + ws() + "/credentials/")
          .endsWith("?notice=saved");
    }
  }
}
