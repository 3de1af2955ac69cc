package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.upstream.Upstream;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The description at {@code /v2/openapi.json} and the server cannot drift apart: every route the
 * server registered is described with its method and path template and every operation has its
 * route; every documented example is sent to a real server (ids filled in from a workspace built
 * for it) and every answer, success or error, has a documented status and a body its schema
 * accepts; and at least one error per operation (no API key, an unknown id, a malformed body) is
 * checked the same way.
 */
class OpenApiConformanceTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().fakeOAuthProvider().upstreamServer();

  private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");
  private static final String UNKNOWN_ID = "000000000000000000000000";
  private static final String ACCEPT =
      "application/vnd.api+json, application/json;q=0.9, */*;q=0.8";

  private static JsonNode description;
  private static OpenApiValidator validator;
  private static Fixture fixture;

  @BeforeAll
  static void fetchTheDescriptionAndBuildAWorkspace(TestServer server) {
    Api.Response r = new Api(server.baseUrl(), null).get(OpenApiDescription.PATH);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    description = r.body();
    validator = new OpenApiValidator(description);
    fixture = Fixture.build(server, credflow);
  }

  @Test
  void descriptionWhenFetchedWithoutAKeyThenItIsOpenApi31Json(TestServer server) {
    Api.Response r = new Api(server.baseUrl(), null).get(OpenApiDescription.PATH);

    assertThat(r.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(r.body().path("openapi").asText()).isEqualTo("3.1.0");
    assertThat(r.body().path("components").path("schemas").has("Errors")).isTrue();
  }

  @Test
  void descriptionWhenReadBySwaggerParserThenItIsOpenApi31WithoutAMessage(TestServer server) {
    String json = new Api(server.baseUrl(), null).get(OpenApiDescription.PATH).text();
    ParseOptions options = new ParseOptions();
    options.setValidateInternalRefs(true);

    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json, null, options);

    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI().getSpecVersion()).isEqualTo(SpecVersion.V31);
    // The parser does complain: an answer without its description, a document without info.
    assertThat(
            new OpenAPIV3Parser()
                .readContents(
                    "{\"openapi\":\"3.1.0\",\"paths\":{\"/x\":{\"get\":{\"responses\":"
                        + "{\"200\":{}}}}}}",
                    null,
                    options)
                .getMessages())
        .isNotEmpty();
  }

  @Test
  void routesWhenComparedWithTheDescriptionThenEachIsDescribedAndEachOperationRouted(
      TestServer server) {
    Set<String> registered = new TreeSet<>();
    server.credflow().routes().stream()
        .filter(route -> isApi(route.path()))
        .forEach(route -> registered.add(route.method() + " " + route.path()));
    Set<String> described = new TreeSet<>();
    operations().forEach(op -> described.add(op.method() + " " + op.path()));

    Set<String> undescribed = new TreeSet<>(registered);
    undescribed.removeAll(described);
    Set<String> unrouted = new TreeSet<>(described);
    unrouted.removeAll(registered);
    assertThat(undescribed)
        .as("routes the server registered that OpenApiDescription does not describe")
        .isEmpty();
    assertThat(unrouted)
        .as("operations OpenApiDescription describes that the server has no route for")
        .isEmpty();
  }

  @Test
  void everyOperationWhenReadThenItHasASummaryExamplesAndErrorAnswers() {
    List<String> problems = new ArrayList<>();
    for (Op op : operations()) {
      JsonNode o = op.operation();
      if (o.path("summary").asText().isBlank()) {
        problems.add(op + " has no summary");
      }
      if (o.has("requestBody") && exampleOf(o.path("requestBody")).isMissingNode()) {
        problems.add(op + " has a request body without an example");
      }
      boolean success = false;
      boolean error = false;
      for (var e : o.path("responses").properties()) {
        success |= e.getKey().startsWith("2");
        error |= e.getKey().startsWith("4") || e.getKey().startsWith("5");
      }
      if (!success || !error) {
        problems.add(op + " lacks a success or an error answer");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void examplesWhenCheckedAgainstTheirSchemasThenEachIsValid() {
    List<String> problems = new ArrayList<>();
    for (Op op : operations()) {
      JsonNode body = op.operation().path("requestBody").path("content");
      for (var media : body.properties()) {
        if (media.getKey().contains("json") && media.getValue().has("example")) {
          validator
              .problems(media.getValue().path("schema"), media.getValue().path("example"))
              .forEach(p -> problems.add(op + " request example: " + p));
        }
      }
      for (var response : op.operation().path("responses").properties()) {
        for (var media : validator.response(response.getValue()).path("content").properties()) {
          if (media.getKey().contains("json") && media.getValue().has("example")) {
            validator
                .problems(media.getValue().path("schema"), media.getValue().path("example"))
                .forEach(p -> problems.add(op + " " + response.getKey() + " example: " + p));
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void validatorWhenAnAnswerMissesARequiredMemberThenItIsRejected() {
    JsonNode tenant = Api.JSON.createObjectNode();
    ((ObjectNode) tenant)
        .putObject("data")
        .put("type", "tenant")
        .put("id", "1b4e28ba2fa1411d8b5a0c2e")
        .putObject("attributes")
        .put("created_at", "2026-12-06T09:00:00Z");
    JsonNode schema =
        Api.JSON.createObjectNode().put("$ref", "#/components/schemas/TenantDocument");

    assertThat(validator.problems(schema, tenant)).anySatisfy(p -> assertThat(p).contains("name"));
  }

  @Test
  void validatorWhenAnErrorHasAnotherStatusThanDocumentedThenItIsRejected() {
    JsonNode notFound =
        validator.response(
            Api.JSON.createObjectNode().put("$ref", "#/components/responses/NotFound"));
    JsonNode schema = notFound.path("content").path(JsonApi.MEDIA_TYPE).path("schema");
    JsonNode conflict =
        OpenApiOperation.jsonOf(
            "{\"errors\":[{\"status\":\"409\",\"code\":\"x\",\"title\":\"Conflict\","
                + "\"detail\":\"d\"}]}");

    assertThat(validator.problems(schema, conflict)).isNotEmpty();
  }

  /**
   * Examples the fixture cannot answer with a success, and the refusal each gets instead; every
   * other example must succeed (a documented error alone would hide an example gone stale).
   */
  private static final Map<String, Integer> REFUSED_HERE =
      Map.of(
          "POST /v2/workspaces/{ws}/credentials/{id}/refresh", 409, // an api_key credential
          "POST /v2/workspaces/{ws}/runs/{id}/cancel", 409, // the run has ended
          "POST /v2/workspaces/{ws}/runs/{id}/retry", 409, // the run succeeded
          "DELETE /v2/workspaces/{ws}/flows/{id}/draft", 409, // the draft example was published
          "DELETE /v2/auth-clients/{id}", 409, // the credential the example made uses it
          "DELETE /v2/components/{id}", 409); // auth-clients link it

  private static final List<String> METHOD_ORDER = List.of("POST", "PUT", "GET", "PATCH");

  /**
   * Every documented example, path by path in the description's order, creating before reading; the
   * deletions last, the newest path's first, once the fixture's runs have ended. A webhook trigger
   * answers every method, {@code DELETE} too, by starting a run: it is sent with the others, before
   * the runs are waited for, since a run it started later could still be running when the flow is
   * deleted.
   */
  @TestFactory
  Stream<DynamicTest> examplesWhenSentThenEachAnswerIsDocumentedAndValid() {
    List<Op> ops = new ArrayList<>(operations());
    ops.sort(
        Comparator.comparingInt((Op op) -> pathIndex(op.path()))
            .thenComparingInt(op -> rank(op.method())));
    List<Op> deletions =
        new ArrayList<>(
            ops.stream()
                .filter(op -> op.method().equals("DELETE") && !op.path().startsWith("/hooks/"))
                .toList());
    ops.removeAll(deletions);
    java.util.Collections.reverse(deletions);
    List<DynamicTest> tests = new ArrayList<>();
    ops.forEach(op -> tests.add(DynamicTest.dynamicTest(op.toString(), () -> sendExample(op))));
    tests.add(DynamicTest.dynamicTest("the fixture's runs end", () -> fixture.awaitRuns()));
    deletions.forEach(
        op -> tests.add(DynamicTest.dynamicTest(op.toString(), () -> sendExample(op))));
    return tests.stream();
  }

  private static int pathIndex(String path) {
    List<String> paths = new ArrayList<>();
    description.path("paths").fieldNames().forEachRemaining(paths::add);
    return paths.indexOf(path);
  }

  private static int rank(String method) {
    int i = METHOD_ORDER.indexOf(method);
    return i < 0 ? METHOD_ORDER.size() : i;
  }

  /** An error for every operation: no API key, an unknown id, a malformed body. */
  @TestFactory
  Stream<DynamicTest> errorsWhenProvokedThenEachIsDocumentedAndValid() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Op op : operations()) {
      boolean authenticated = !op.operation().has("security");
      if (authenticated) {
        tests.add(
            DynamicTest.dynamicTest(
                op + " without an API key", () -> check(op, send(op, false, Map.of(), null), 401)));
      }
      if (PARAMETER.matcher(op.path()).find()) {
        tests.add(
            DynamicTest.dynamicTest(
                op + " with an unknown id",
                () ->
                    check(
                        op,
                        send(op, true, Map.of(lastParameter(op.path()), UNKNOWN_ID), null),
                        404)));
      }
      if (op.operation().path("requestBody").path("required").asBoolean()) {
        tests.add(
            DynamicTest.dynamicTest(
                op + " with a malformed body",
                () -> check(op, send(op, true, Map.of(), "{\"data\":"), 400)));
      }
      if (op.path().equals(OpenApiDescription.PATH)) {
        tests.add(
            DynamicTest.dynamicTest(
                op + " accepting no JSON",
                () -> check(op, anonymousGet(op.path(), "text/html"), 406)));
      }
      if (op.path().equals("/callback/oauth2")) {
        tests.add(
            DynamicTest.dynamicTest(
                op + " with an unknown state",
                () ->
                    check(
                        op,
                        anonymousGet("/callback/oauth2?state=unknown&code=c", "application/json"),
                        400)));
      }
    }
    assertThat(tests).hasSizeGreaterThan(operations().size());
    return tests.stream();
  }

  // ---- sending ----

  private void sendExample(Op op) {
    Api.Response r = send(op, true, Map.of(), null);
    Integer refused = REFUSED_HERE.get(op.toString());
    if (refused == null) {
      assertThat(r.status()).as(op + " answered " + r.text()).isBetween(200, 299);
    }
    check(op, r, refused == null ? 0 : refused);
  }

  /**
   * Sends {@code op} with its documented example body and query parameters, path parameters from
   * the fixture (with {@code overrides}), and {@code body} in place of the example when given.
   */
  private static Api.Response send(
      Op op, boolean withKey, Map<String, String> overrides, String body) {
    StringBuilder path = new StringBuilder();
    Map<String, String> replaced = new LinkedHashMap<>();
    Matcher m = PARAMETER.matcher(op.path());
    int last = 0;
    while (m.find()) {
      path.append(op.path(), last, m.start());
      String name = m.group(1);
      String id = fixture.pathParameter(op.path(), m.start(), name);
      if (overrides.containsKey(name)) {
        // A body that names the resource names the unknown one too (else it is a mismatch).
        replaced.put(id, overrides.get(name));
        id = overrides.get(name);
      }
      path.append(id);
      last = m.end();
    }
    path.append(op.path().substring(last));
    String separator = "?";
    for (JsonNode parameter : op.operation().path("parameters")) {
      if (parameter.path("in").asText().equals("query") && parameter.has("example")) {
        path.append(separator)
            .append(encode(parameter.path("name").asText()))
            .append('=')
            .append(encode(fixture.fill(parameter.path("example").asText())));
        separator = "&";
      }
    }
    Api api = Fixture.api(withKey ? fixture.adminKey : null);
    HttpRequest.Builder request = api.builder(path.toString()).header("Accept", ACCEPT);
    JsonNode content = op.operation().path("requestBody").path("content");
    String mediaType =
        content.properties().isEmpty() ? null : content.properties().iterator().next().getKey();
    if (body == null && mediaType != null) {
      body = fixture.fill(exampleOf(op.operation().path("requestBody")).toString());
      for (var e : replaced.entrySet()) {
        body = body.replace(e.getKey(), e.getValue());
      }
    }
    if (body == null) {
      request.method(op.method(), HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", mediaType == null ? JsonApi.MEDIA_TYPE : mediaType)
          .method(op.method(), HttpRequest.BodyPublishers.ofString(body));
    }
    return api.send(request);
  }

  private static Api.Response anonymousGet(String path, String accept) {
    Api anonymous = Fixture.api(null);
    return anonymous.send(anonymous.builder(path).header("Accept", accept).GET());
  }

  /**
   * The answer's status is documented for {@code op} ({@code expected} when not 0), its content
   * type is one the description names for it, and a JSON body passes that media type's schema.
   */
  private static void check(Op op, Api.Response r, int expected) {
    String status = Integer.toString(r.status());
    if (expected != 0) {
      assertThat(r.status()).as(op + " answered " + r.text()).isEqualTo(expected);
    }
    JsonNode responses = op.operation().path("responses");
    assertThat(responses.has(status))
        .as(op + " answered " + status + ", which is not documented: " + r.text())
        .isTrue();
    JsonNode content = validator.response(responses.path(status)).path("content");
    if (content.isMissingNode() || content.isEmpty()) {
      assertThat(r.text()).as(op + " " + status + " has no documented body").isEmpty();
      return;
    }
    String type = r.header("Content-Type").orElse("").split(";", 2)[0].trim();
    String documented = content.has(type) ? type : "*/*";
    JsonNode media = content.path(documented);
    assertThat(media.isMissingNode())
        .as(op + " " + status + " answered " + type + "; documented: " + names(content))
        .isFalse();
    if (documented.contains("json")) {
      assertThat(validator.problems(media.path("schema"), r.body()))
          .as(op + " " + status + " answered " + r.text())
          .isEmpty();
    }
  }

  // ---- the description ----

  /** An operation: its method, path template and the description's node for it. */
  record Op(String method, String path, JsonNode operation) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static List<Op> operations() {
    List<Op> ops = new ArrayList<>();
    for (var path : description.path("paths").properties()) {
      for (var method : path.getValue().properties()) {
        ops.add(
            new Op(
                method.getKey().toUpperCase(java.util.Locale.ROOT),
                path.getKey(),
                method.getValue()));
      }
    }
    return ops;
  }

  private static JsonNode exampleOf(JsonNode requestBody) {
    for (var media : requestBody.path("content").properties()) {
      if (media.getValue().has("example")) {
        return media.getValue().path("example");
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static boolean isApi(String path) {
    return path.startsWith("/v2/")
        || path.equals("/health")
        || path.startsWith("/health/")
        || path.equals("/metrics")
        || path.startsWith("/hooks/")
        || path.equals("/callback/oauth2");
  }

  private static String lastParameter(String path) {
    Matcher m = PARAMETER.matcher(path);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    return last;
  }

  private static String names(JsonNode content) {
    List<String> names = new ArrayList<>();
    content.fieldNames().forEachRemaining(names::add);
    return names.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- the workspace the examples run in ----

  /** The ids the examples name, made through the API as the global admin. */
  private static final class Fixture {
    private static TestServer server;
    private final String adminKey;
    private final Map<String, String> placeholders = new LinkedHashMap<>();
    private final Map<String, String> byCollection = new LinkedHashMap<>();

    private Fixture(String adminKey) {
      this.adminKey = adminKey;
    }

    static Api api(String key) {
      return new Api(server.baseUrl(), key);
    }

    static Fixture build(TestServer testServer, CredflowExtension extension) {
      server = testServer;
      Api admin = server.admin();
      World world = new World(server);
      World.Tenancy t = world.tenancy("openapi");
      Upstream upstream = extension.upstream();
      String joiner = world.user("openapi-joiner@example.com").id();
      String apiKeyClient =
          AuthClients.apiKey().credential("name", "X-Api-Key").in(t).create(admin);
      String credential =
          Credentials.named("openapi key")
              .authClient(apiKeyClient)
              .secrets(Map.of("value", "openapi-key-0123456789"))
              .create(admin, t.workspace());
      String oauthClient = AuthClients.oauth2().at(extension.provider()).in(t).create(admin);
      Map<String, Object> config = ExecutorWorkspace.get(upstream.url("/echo/flow"));
      Api.Response flow =
          admin.post(
              "/v2/workspaces/" + t.workspace() + "/flows",
              Flows.flow(
                  "openapi flow",
                  "active",
                  Map.of("type", "webhook"),
                  List.of(Flows.step("echo", t.component(), credential, config))));
      assertThat(flow.status()).as(flow.text()).isEqualTo(201);
      String trigger = flow.attributes().path("trigger").path("url").asText();
      String hook = trigger.substring(trigger.lastIndexOf('/') + 1);
      Api.Response run =
          admin.post(
              "/v2/workspaces/" + t.workspace() + "/flows/" + flow.id() + "/runs",
              OpenApiOperation.jsonOf("{\"data\":{\"type\":\"run\",\"attributes\":{}}}"));
      assertThat(run.status()).as(run.text()).isEqualTo(202);
      Flows.awaitRun(admin, t.workspace(), run.id(), "succeeded", "failed");
      Map<String, Object> download = ExecutorWorkspace.get(upstream.url("/echo/file"));
      download.put("downloadAsAttachment", true);
      Api.Response stored =
          admin.post(
              "/v2/workspaces/" + t.workspace() + "/requests",
              ExecutorWorkspace.requestDoc(download, null, credential));
      assertThat(stored.status()).as(stored.text()).isEqualTo(200);
      String attachmentUrl = stored.attributes().path("attachmentUrl").asText();
      Api.Response authorization =
          admin.post(
              "/v2/workspaces/" + t.workspace() + "/authorizations",
              OpenApiOperation.jsonOf(
                  "{\"data\":{\"type\":\"authorization\",\"relationships\":{\"auth_client\":"
                      + "{\"data\":{\"type\":\"auth-client\",\"id\":\""
                      + oauthClient
                      + "\"}}}}}"));
      assertThat(authorization.status()).as(authorization.text()).isEqualTo(201);

      Api.Response webhook =
          admin.post(
              "/v2/workspaces/" + t.workspace() + "/webhooks",
              OpenApiOperation.jsonOf(
                  "{\"data\":{\"type\":\"webhook\",\"attributes\":{\"url\":\""
                      + upstream.url("/echo/events")
                      + "\",\"event_types\":[\"run.failed\"]}}}"));
      assertThat(webhook.status()).as(webhook.text()).isEqualTo(201);
      Api.Response ping =
          admin.post("/v2/workspaces/" + t.workspace() + "/webhooks/" + webhook.id() + "/ping", "");
      assertThat(ping.status()).as(ping.text()).isEqualTo(202);

      Fixture f = new Fixture(TestServer.ADMIN_KEY);
      f.placeholders.put("WEBHOOK_ID", webhook.id());
      f.placeholders.put("OAUTH2_AUTH_CLIENT_ID", oauthClient);
      f.placeholders.put("TENANT_ID", t.tenant());
      f.placeholders.put("CONTRACT_ID", t.contract());
      f.placeholders.put("WORKSPACE_ID", t.workspace());
      f.placeholders.put("USER_ID", joiner);
      f.placeholders.put("COMPONENT_ID", t.component());
      f.placeholders.put("AUTH_CLIENT_ID", apiKeyClient);
      f.placeholders.put("CREDENTIAL_ID", credential);
      f.placeholders.put("FLOW_ID", flow.id());
      f.placeholders.put("STATE", authorization.attributes().path("state").asText());
      f.placeholders.put("https://api.example.com/", upstream.url("/echo/"));
      f.byCollection.put("tenants", t.tenant());
      f.byCollection.put("contracts", t.contract());
      f.byCollection.put("workspaces", t.workspace());
      f.byCollection.put("users", t.memberId());
      f.byCollection.put("members", joiner);
      f.byCollection.put("components", t.component());
      f.byCollection.put("auth-clients", apiKeyClient);
      f.byCollection.put("credentials", credential);
      f.byCollection.put("flows", flow.id());
      f.byCollection.put("runs", run.id());
      f.byCollection.put("attachments", URI.create(attachmentUrl).getPath().replaceAll(".*/", ""));
      f.byCollection.put("hooks", hook);
      f.byCollection.put("webhooks", webhook.id());
      f.byCollection.put("deliveries", ping.id());
      return f;
    }

    /** The fixture's id for the parameter {@code name} at {@code at} of {@code template}. */
    String pathParameter(String template, int at, String name) {
      String before = template.substring(0, at - 1);
      String collection = before.substring(before.lastIndexOf('/') + 1);
      String id = byCollection.get(collection);
      if (id == null) {
        throw new IllegalStateException(
            "the test has no id for {" + name + "} after /" + collection + "/ in " + template);
      }
      return id;
    }

    /** Waits until every run of the fixture's flow has ended, so that the flow can go. */
    void awaitRuns() {
      String ws = byCollection.get("workspaces");
      String flow = byCollection.get("flows");
      Api admin = server.admin();
      Api.Response runs = admin.get("/v2/workspaces/" + ws + "/flows/" + flow + "/runs");
      assertThat(runs.status()).as(runs.text()).isEqualTo(200);
      for (JsonNode run : runs.data()) {
        Flows.awaitRun(admin, ws, run.path("id").asText(), "succeeded", "failed", "cancelled");
      }
    }

    /** {@code text} with every placeholder of the description's examples replaced. */
    String fill(String text) {
      String filled = text;
      for (var e : placeholders.entrySet()) {
        filled = filled.replace(e.getKey(), e.getValue());
      }
      return filled;
    }
  }
}
