package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.flow.FlowEngine;
import io.credflow.testing.Api;
import io.credflow.testing.ConsoleClient;
import io.credflow.testing.ConsoleClient.Page;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.upstream.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * The flow and run pages over HTTP against a real server and upstream: a flow made through the form
 * and listed, every refusal at its field with what was typed kept, activate, a step saved to the
 * draft and published, Run now and the run page, a delete refused while a run is running, cancel
 * and retry refusals, the webhook URL without its secret, 404 across workspaces, CSRF, and the
 * credential page's flows and its refused Delete.
 */
class ConsoleFlowPagesTest {
  private static final String ADMIN = "admin@localhost";
  private static final String ADMIN_PASSWORD = "console flow pages admin password";
  private static final Pattern FLOW_PATH = Pattern.compile("/w/[^/]+/flows/([^/?]+)");
  private static final Pattern RUN_PATH = Pattern.compile("/w/[^/]+/runs/([^/?]+)");

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .upstreamServer()
          .executorWorkspace("flowpages")
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
    Page page = admin.signIn(ADMIN, ADMIN_PASSWORD);
    assertThat(page.status()).as(page.toString()).isEqualTo(303);
  }

  private String ws() {
    return w.workspace();
  }

  private static String name(String base) {
    return base + " " + NAMES.incrementAndGet();
  }

  private Map<String, String> newFlow(String name, String credential, String url, String policy) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("name", name);
    form.put("trigger", "manual");
    form.put("zone", "UTC");
    form.put("credential", credential);
    form.put("method", "GET");
    form.put("url", url);
    form.put("error_policy", policy);
    return form;
  }

  /** Creates a flow through the form; returns its id. */
  private String createThroughForm(String name, String url, String policy) {
    Page created = admin.post("/w/" + ws() + "/flows", newFlow(name, w.basic(), url, policy));
    assertThat(created.status()).as(created.toString()).isEqualTo(303);
    Matcher m = FLOW_PATH.matcher(created.location().orElseThrow());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private String flowPath(String id) {
    return "/w/" + ws() + "/flows/" + id;
  }

  private void activate(String flow) {
    Page activated = admin.post(flowPath(flow) + "/status", Map.of("status", "active"));
    assertThat(activated.status()).as(activated.toString()).isEqualTo(303);
  }

  private String runNow(String flow, String message) {
    Page started = admin.post(flowPath(flow) + "/run", Map.of("message", message));
    assertThat(started.status()).as(started.toString()).isEqualTo(303);
    Matcher m = RUN_PATH.matcher(started.location().orElseThrow());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void createWhenFormIsCompleteThenFlowPageAndListedAsDraftManualVersionOne() {
    String name = name("Sync orders");
    String flow = createThroughForm(name, upstream.url("/json"), "byComponent");

    Page page = admin.get(flowPath(flow) + "?notice=created");
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(ConsoleClient.unescape(page.html()))
        .contains("<h1>" + name + "</h1>", "Created.", "GET " + upstream.url("/json") + "</code>")
        .contains("Step 1", "basic", "No runs yet.");
    Page list = admin.get("/w/" + ws() + "/flows");
    assertThat(list.status()).isEqualTo(200);
    assertThat(ConsoleClient.unescape(list.html()))
        .containsPattern(
            Pattern.quote(name)
                + "</a></td><td><span class=\"badge flow-draft\">draft</span></td><td>manual</td><td>1</td>")
        .contains("never");
  }

  @Test
  void createWhenNameUrlAndCronAreWrongThenEachMessageAtItsFieldAndTypedValuesKept() {
    Map<String, String> form = newFlow("", "", "not a url", "byComponent");
    form.put("trigger", "schedule");
    form.put("cron", "every monday");
    form.put("zone", "Mars/Olympus");

    Page refused = admin.post("/w/" + ws() + "/flows", form);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "f-name")).isNotEmpty();
    assertThat(errorAt(refused, "f-cron")).contains("cron");
    assertThat(errorAt(refused, "f-zone")).isNotEmpty();
    assertThat(errorAt(refused, "f-credential")).contains("choose the credential");
    assertThat(errorAt(refused, "f-url")).contains("http:// or https://");
    assertThat(valueOf(refused, "f-cron")).isEqualTo("every monday");
    assertThat(valueOf(refused, "f-url")).isEqualTo("not a url");
    assertThat(refused.html()).doesNotContain("Exception", "at io.credflow");
  }

  @Test
  void flowAndRunPagesWhenAnotherWorkspaceThenNotFoundAsInTheApi() {
    String flow = createThroughForm(name("Private"), upstream.url("/json"), "byComponent");
    activate(flow);
    String run = runNow(flow, "");
    String other =
        World.workspace(api, new World(credflow.server()).tenancy("elsewhere").contract(), "other");

    assertThat(admin.get("/w/" + other + "/flows/" + flow).status()).isEqualTo(404);
    assertThat(admin.get("/w/" + other + "/runs/" + run).status()).isEqualTo(404);
    assertThat(admin.get("/w/" + other + "/runs/" + run + "/live").status()).isEqualTo(404);
    assertThat(admin.post("/w/" + other + "/flows/" + flow + "/delete", Map.of()).status())
        .isEqualTo(404);
    assertThat(admin.get(flowPath(flow)).status()).isEqualTo(200);
  }

  @Test
  void formsWhenPostedWithoutCsrfThenForbiddenAndNothingChanged() {
    String name = name("Guarded");
    String flow = createThroughForm(name, upstream.url("/json"), "byComponent");

    for (String action :
        List.of(
            "/delete",
            "/rename",
            "/status",
            "/run",
            "/steps/save",
            "/steps/check",
            "/steps/test",
            "/trigger",
            "/publish",
            "/discard")) {
      Page refused =
          admin.postWithoutCsrf(flowPath(flow) + action, Map.of("name", "x", "status", "active"));
      assertThat(refused.status()).as(action + ": " + refused).isEqualTo(403);
    }
    assertThat(
            admin
                .postWithoutCsrf(
                    "/w/" + ws() + "/flows", newFlow("x", w.basic(), upstream.url("/json"), "emit"))
                .status())
        .isEqualTo(403);
    var stored = Flows.get(api, ws(), flow);
    assertThat(stored.path("attributes").path("name").asText()).isEqualTo(name);
    assertThat(stored.path("attributes").path("status").asText()).isEqualTo("draft");
    assertThat(Flows.runs(api, ws(), flow)).isEmpty();
  }

  @Test
  void runNowWhenMessageIsNotJsonThenMessageAtItsFieldKeptAndNoRun() {
    String flow = createThroughForm(name("Bad message"), upstream.url("/json"), "byComponent");
    activate(flow);

    Page refused = admin.post(flowPath(flow) + "/run", Map.of("message", "{\"order\": 4"));

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "f-message")).contains("not valid JSON", "line 1");
    assertThat(textareaOf(refused, "f-message")).isEqualTo("{\"order\": 4");
    assertThat(Flows.runs(api, ws(), flow)).isEmpty();
  }

  @Test
  void runNowWhenDraftThenTheServicesReasonAtTheMessage() {
    String flow = createThroughForm(name("Draft"), upstream.url("/json"), "byComponent");

    Page refused = admin.post(flowPath(flow) + "/run", Map.of("message", "{}"));

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(errorAt(refused, "f-message")).contains("is draft");
  }

  @Test
  void runNowWhenTwoStepsThenRunPageShowsEachStepsInputOutputAndNoSecret() {
    String flow = createThroughForm(name("Two steps"), upstream.url("/echo/one"), "byComponent");
    Map<String, String> second = new LinkedHashMap<>();
    second.put("step_name", "Second call");
    second.put("component", w.component());
    second.put("credential", w.noauth());
    second.put("reader/method", "POST");
    second.put("reader/url", upstream.url("/echo/two"));
    second.put("errorPolicy", "throwError");
    Page added = admin.post(flowPath(flow) + "/steps/save", second);
    assertThat(added.status()).as(added.toString()).isEqualTo(303);
    Page published = admin.post(flowPath(flow) + "/publish", Map.of());
    assertThat(published.status()).as(published.toString()).isEqualTo(303);
    activate(flow);

    String run = runNow(flow, "{\"order\": 42}");
    Flows.awaitRun(api, ws(), run, "succeeded", "failed");
    Page page = admin.get("/w/" + ws() + "/runs/" + run);

    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    String html = ConsoleClient.unescape(page.html());
    assertThat(html)
        .contains("badge big run-succeeded", "Second call", "attempts 1 · rebounds 0")
        .contains("\"order\" : 42", "\"statusCode\" : 200", "/echo/two")
        .doesNotContain("hx-trigger=\"every 1s\"");
    // The console's Run now is a request too: the run names its id, to find its log lines by.
    String requestId = Flows.run(api, ws(), run).attributes().path("request_id").asText();
    assertThat(requestId).isNotEmpty();
    assertThat(html).contains("<dt>Request id</dt><dd><code>" + requestId + "</code></dd>");
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (ExecutorWorkspace.BASIC_USER + ":" + ExecutorWorkspace.BASIC_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(html).doesNotContain(basic, ExecutorWorkspace.BASIC_PASSWORD);
    Page flowPage = admin.get(flowPath(flow));
    assertThat(ConsoleClient.unescape(flowPage.html()))
        .contains("Second call", "run-succeeded", "/runs/" + run);
    Page retry = admin.post("/w/" + ws() + "/runs/" + run + "/retry", Map.of());
    assertThat(retry.status()).as(retry.toString()).isEqualTo(409);
    assertThat(ConsoleClient.unescape(retry.html()))
        .contains("Not retried:", "only a failed run can be retried");
  }

  @Test
  void saveStepWhenUrlIsMissingThenMessageAtTheUrlAndNoDraft() {
    String flow = createThroughForm(name("Add step"), upstream.url("/json"), "byComponent");

    Page refused =
        admin.post(
            flowPath(flow) + "/steps/save",
            Map.of(
                "component",
                w.component(),
                "credential",
                w.basic(),
                "reader/method",
                "GET",
                "reader/url",
                "",
                "step_name",
                "Kept"));

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "f-reader-url")).isEqualTo("\"URL\" is required");
    assertThat(valueOf(refused, "f-step_name")).isEqualTo("Kept");
    assertThat(api.get("/v2/workspaces/" + ws() + "/flows/" + flow + "/draft").status())
        .isEqualTo(404);
    assertThat(Flows.get(api, ws(), flow).path("attributes").path("version").asInt()).isEqualTo(1);
  }

  @Test
  void deleteWhenARunIsRunningThenRefusedWithTheReasonAndAfterCancelDeleted() {
    String name = name("Busy");
    String flow = createThroughForm(name, upstream.url("/status/503"), "rebound");
    activate(flow);
    String run = runNow(flow, "");
    Flows.awaitRun(
        api,
        ws(),
        run,
        r -> r.path("attributes").path("steps").path(0).path("status").asText().equals("waiting"),
        "its step waiting");
    Page live = admin.get("/w/" + ws() + "/runs/" + run + "/live");
    assertThat(live.html()).contains("hx-trigger=\"every 1s\"", "run-running");

    Page refused = admin.post(flowPath(flow) + "/delete", Map.of());

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(ConsoleClient.unescape(refused.html()))
        .contains("Not deleted:", "1 run still running", "<h1>" + name + "</h1>");
    Page cancelled = admin.post("/w/" + ws() + "/runs/" + run + "/cancel", Map.of());
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(303);
    assertThat(admin.get("/w/" + ws() + "/runs/" + run).html())
        .contains("badge big run-cancelled")
        .doesNotContain("every 1s");
    Page deleted = admin.post(flowPath(flow) + "/delete", Map.of());
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(303);
    assertThat(admin.get(flowPath(flow)).status()).isEqualTo(404);
  }

  @Test
  void renameWhenNameIsEmptyThenMessageAtNameElseRenamed() {
    String flow = createThroughForm(name("Old name"), upstream.url("/json"), "byComponent");

    Page refused = admin.post(flowPath(flow) + "/rename", Map.of("name", " "));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(errorAt(refused, "f-name")).isNotEmpty();

    String renamed = name("New name");
    assertThat(admin.post(flowPath(flow) + "/rename", Map.of("name", renamed)).status())
        .isEqualTo(303);
    assertThat(Flows.get(api, ws(), flow).path("attributes").path("name").asText())
        .isEqualTo(renamed);
  }

  @Test
  void webhookFlowWhenShownThenItsUrlWithCopyAndNeverItsSecret() {
    String secret = "webhook-secret-NEVER-SHOWN-123";
    Map<String, Object> trigger =
        Map.of("type", "webhook", "signatureHeader", "X-Signature", "secret", secret);
    String flow =
        Flows.create(
            api,
            ws(),
            Flows.flow(
                name("Hooked"),
                "draft",
                trigger,
                List.of(
                    Flows.step(
                        "one",
                        w.component(),
                        w.basic(),
                        ExecutorWorkspace.get(upstream.url("/json"))))));
    String hookUrl =
        Flows.get(api, ws(), flow).path("attributes").path("trigger").path("url").asText();

    Page page = admin.get(flowPath(flow));

    assertThat(page.html())
        .contains("<code id=\"webhook-url\">" + hookUrl + "</code>", "data-copy=\"#webhook-url\"")
        .contains("Calls must be signed with the flow", "secret (not shown)")
        .doesNotContain(secret);
  }

  @Test
  void credentialPageWhenAnActiveFlowUsesItThenListedAndDeleteRefusedNamingTheFlow() {
    String credential =
        w.credential(
            "flow basic " + NAMES.incrementAndGet(),
            basicClientOf(),
            Map.of("password", "pw-flowpages"));
    String name = name("Uses it");
    Page created =
        admin.post(
            "/w/" + ws() + "/flows", newFlow(name, credential, upstream.url("/json"), "emit"));
    assertThat(created.status()).as(created.toString()).isEqualTo(303);
    Matcher m = FLOW_PATH.matcher(created.location().orElseThrow());
    assertThat(m.find()).isTrue();
    activate(m.group(1));
    String credentialPath = "/w/" + ws() + "/credentials/" + credential;

    Page page = admin.get(credentialPath);
    assertThat(ConsoleClient.unescape(page.html()))
        .contains("Flows using it", name, "flow-active", flowPath(m.group(1)));
    Page refused = admin.post(credentialPath + "/delete", Map.of());

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(ConsoleClient.unescape(refused.html()))
        .contains("Not deleted:", "is used by active flow \"" + name + "\"");
    assertThat(admin.get(credentialPath).status()).isEqualTo(200);
  }

  /** A basic auth-client of the workspace for its REST API component. */
  private String basicClientOf() {
    return AuthClients.basic()
        .name("flow pages basic " + NAMES.incrementAndGet())
        .credential("name", "flow-user")
        .workspace(ws())
        .components(w.component())
        .create(api);
  }

  private static final Pattern ENTITY = Pattern.compile("&#(x?)([0-9A-Fa-f]+);");

  /** The message in the error span of field {@code id}, which follows the field. */
  private static String errorAt(Page page, String id) {
    String html = page.html();
    Matcher field =
        Pattern.compile("<(?:input|textarea|select) id=\"" + Pattern.quote(id) + "\"")
            .matcher(html);
    assertThat(field.find()).as("a field with id %s in %s", id, page).isTrue();
    Matcher span =
        Pattern.compile(
                "<span id=\""
                    + Pattern.quote(id)
                    + "-error\" class=\"field-error\"[^>]*>(.*?)</span>",
                Pattern.DOTALL)
            .matcher(html);
    assertThat(span.find(field.end())).as("the error span of %s in %s", id, page).isTrue();
    return text(span.group(1));
  }

  private static String valueOf(Page page, String id) {
    Matcher m =
        Pattern.compile("<input id=\"" + Pattern.quote(id) + "\"[^>]*?\\svalue=\"([^\"]*)\"")
            .matcher(page.html());
    assertThat(m.find()).as("an input with id %s and a value in %s", id, page).isTrue();
    return text(m.group(1));
  }

  private static String textareaOf(Page page, String id) {
    Matcher m =
        Pattern.compile(
                "<textarea id=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</textarea>", Pattern.DOTALL)
            .matcher(page.html());
    assertThat(m.find()).as("a text area with id %s in %s", id, page).isTrue();
    return text(m.group(1));
  }

  private static String text(String html) {
    Matcher m = ENTITY.matcher(html);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int code = Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16);
      m.appendReplacement(out, Matcher.quoteReplacement(Character.toString(code)));
    }
    m.appendTail(out);
    return ConsoleClient.unescape(out.toString());
  }
}
