package io.credflow.flow;

import static io.credflow.testing.ExecutorWorkspace.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Components;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.upstream.Upstream;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input for every member of a flow and every flow and run route: a 4xx JSON:API error naming
 * each problem at its pointer (several at once in one answer), and nothing stored: the list of
 * flows, a flow's version and its runs are as before. Subclasses name the database.
 */
abstract class FlowBadInputContract {
  private static final String A = "/data/attributes/";

  abstract CredflowExtension credflow();

  private final FlowFixture f = new FlowFixture(credflow());
  private final Api admin = f.admin();
  private final ExecutorWorkspace w = f.w();
  private final Upstream upstream = credflow().upstream();
  private String flows;

  /** A credential in another workspace, and one made for another component of the tenant. */
  private static String otherWorkspaces;

  private static String otherComponents;
  private static String otherComponent;

  @BeforeEach
  void others() {
    flows = "/v2/workspaces/" + f.ws() + "/flows";
    synchronized (FlowBadInputContract.class) {
      if (otherWorkspaces == null || !exists(otherWorkspaces)) {
        World.Tenancy other = credflow().world().tenancy("bad-other");
        String client =
            AuthClients.noauth().tenant(other.tenant()).components(other.component()).create(admin);
        otherWorkspaces =
            World.created(
                admin.post(
                    "/v2/workspaces/" + other.workspace() + "/credentials",
                    World.credentialDoc("elsewhere", client, Map.of())));
        otherComponent =
            Components.restApiV2().types(List.of("noauth")).tenant(w.tenant()).create(admin);
        String mine =
            AuthClients.noauth().tenant(w.tenant()).components(otherComponent).create(admin);
        otherComponents = w.credential("other component", mine, Map.of());
      }
    }
  }

  private boolean exists(String credential) {
    return f.jdbc()
        .queryOne("SELECT id FROM credentials WHERE id = ?", rs -> rs.getString("id"), credential)
        .isPresent();
  }

  private Map<String, Object> validStep(String id) {
    return Flows.step(id, w.component(), w.noauth(), get(upstream.url("/echo/bad")));
  }

  private ObjectNode valid() {
    return Flows.flow("valid", "draft", Flows.manual(), List.of(validStep("s1")));
  }

  private static ObjectNode attrs(ObjectNode doc) {
    return (ObjectNode) doc.path("data").path("attributes");
  }

  private static ObjectNode step0(ObjectNode doc) {
    return (ObjectNode) attrs(doc).path("steps").path(0);
  }

  private static ObjectNode config0(ObjectNode doc) {
    return (ObjectNode) step0(doc).path("config");
  }

  private static ObjectNode reader0(ObjectNode doc) {
    return (ObjectNode) config0(doc).path("reader");
  }

  private static ObjectNode trigger(ObjectNode doc, Map<String, Object> trigger) {
    attrs(doc).set("trigger", Api.JSON.valueToTree(trigger));
    return (ObjectNode) attrs(doc).path("trigger");
  }

  private Map<String, Object> pollTrigger() {
    return new java.util.LinkedHashMap<>(
        Map.of(
            "type",
            "poll",
            "cron",
            "0 * * * * *",
            "credential",
            Map.of("id", w.noauth()),
            "config",
            get(upstream.url("/echo/poll"))));
  }

  /** One bad flow: how to break the valid document, and the pointers the answer must name. */
  private record Case(String name, Consumer<ObjectNode> breakIt, String... pointers) {}

  private List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("name missing", d -> attrs(d).remove("name"), A + "name"));
    c.add(new Case("name empty", d -> attrs(d).put("name", ""), A + "name"));
    c.add(new Case("name a number", d -> attrs(d).put("name", 42), A + "name"));
    c.add(new Case("name too long", d -> attrs(d).put("name", "n".repeat(1000)), A + "name"));
    c.add(new Case("status unknown", d -> attrs(d).put("status", "paused"), A + "status"));
    c.add(new Case("status a number", d -> attrs(d).put("status", 1), A + "status"));
    c.add(new Case("trigger missing", d -> attrs(d).remove("trigger"), A + "trigger"));
    c.add(new Case("trigger a string", d -> attrs(d).put("trigger", "manual"), A + "trigger"));
    c.add(new Case("trigger null", d -> attrs(d).putNull("trigger"), A + "trigger"));
    c.add(new Case("trigger without type", d -> trigger(d, Map.of()), A + "trigger/type"));
    c.add(
        new Case(
            "trigger type unknown", d -> trigger(d, Map.of("type", "cron")), A + "trigger/type"));
    c.add(
        new Case(
            "manual trigger with a cron",
            d -> trigger(d, Map.of("type", "manual", "cron", "0 * * * * *")),
            A + "trigger/cron"));
    c.add(
        new Case(
            "webhook signatureHeader not a header name",
            d ->
                trigger(
                    d,
                    Map.of(
                        "type", "webhook", "signatureHeader", "X Sig", "secret", "s".repeat(20))),
            A + "trigger/signatureHeader"));
    c.add(
        new Case(
            "webhook secret too short",
            d ->
                trigger(
                    d, Map.of("type", "webhook", "signatureHeader", "X-Sig", "secret", "short")),
            A + "trigger/secret"));
    c.add(
        new Case(
            "webhook secret too long",
            d ->
                trigger(
                    d,
                    Map.of(
                        "type", "webhook", "signatureHeader", "X-Sig", "secret", "s".repeat(513))),
            A + "trigger/secret"));
    c.add(
        new Case(
            "webhook secret a number",
            d -> trigger(d, Map.of("type", "webhook", "signatureHeader", "X-Sig", "secret", 12)),
            A + "trigger/secret"));
    c.add(
        new Case(
            "webhook secret without signatureHeader",
            d -> trigger(d, Map.of("type", "webhook", "secret", "s".repeat(20))),
            A + "trigger/signatureHeader"));
    c.add(
        new Case(
            "webhook signatureHeader without secret",
            d -> trigger(d, Map.of("type", "webhook", "signatureHeader", "X-Sig")),
            A + "trigger/secret"));
    c.add(
        new Case(
            "webhook unknown member",
            d -> trigger(d, Map.of("type", "webhook", "url", "http://x")),
            A + "trigger/url"));
    c.add(
        new Case(
            "schedule without cron",
            d -> trigger(d, Map.of("type", "schedule")),
            A + "trigger/cron"));
    c.add(
        new Case(
            "schedule cron of five fields",
            d -> trigger(d, Map.of("type", "schedule", "cron", "* * * * *")),
            A + "trigger/cron"));
    c.add(
        new Case(
            "schedule cron that never fires",
            d -> trigger(d, Map.of("type", "schedule", "cron", "-")),
            A + "trigger/cron"));
    c.add(
        new Case(
            "schedule cron a number",
            d -> trigger(d, Map.of("type", "schedule", "cron", 5)),
            A + "trigger/cron"));
    c.add(
        new Case(
            "schedule time zone unknown",
            d ->
                trigger(
                    d, Map.of("type", "schedule", "cron", "0 * * * * *", "timeZone", "Mars/Base")),
            A + "trigger/timeZone"));
    c.add(
        new Case(
            "schedule time zone a number",
            d -> trigger(d, Map.of("type", "schedule", "cron", "0 * * * * *", "timeZone", 5)),
            A + "trigger/timeZone"));
    c.add(
        new Case(
            "poll without credential",
            d -> trigger(d, pollTrigger()).remove("credential"),
            A + "trigger/credential"));
    c.add(
        new Case(
            "poll credential id a number",
            d -> trigger(d, pollTrigger()).set("credential", Api.JSON.valueToTree(Map.of("id", 5))),
            A + "trigger/credential/id"));
    c.add(
        new Case(
            "poll credential of another workspace",
            d ->
                trigger(d, pollTrigger())
                    .set("credential", Api.JSON.valueToTree(Map.of("id", otherWorkspaces))),
            A + "trigger/credential/id"));
    c.add(
        new Case(
            "poll without config",
            d -> trigger(d, pollTrigger()).remove("config"),
            A + "trigger/config"));
    c.add(
        new Case(
            "poll config url not an expression",
            d ->
                ((ObjectNode) trigger(d, pollTrigger()).path("config").path("reader"))
                    .put("url", "((("),
            A + "trigger/config/reader/url"));
    c.add(
        new Case(
            "poll without cron",
            d -> trigger(d, pollTrigger()).remove("cron"),
            A + "trigger/cron"));
    c.add(new Case("steps missing", d -> attrs(d).remove("steps"), A + "steps"));
    c.add(new Case("steps an object", d -> attrs(d).putObject("steps"), A + "steps"));
    c.add(new Case("steps empty", d -> attrs(d).putArray("steps"), A + "steps"));
    c.add(
        new Case(
            "steps more than 50",
            d -> {
              ArrayNode steps = attrs(d).putArray("steps");
              for (int i = 0; i < 51; i++) {
                steps.add(Api.JSON.valueToTree(validStep("s" + i)));
              }
            },
            A + "steps"));
    c.add(
        new Case(
            "step not an object",
            d -> attrs(d).set("steps", Api.JSON.valueToTree(List.of("x"))),
            A + "steps/0"));
    c.add(new Case("step id missing", d -> step0(d).remove("id"), A + "steps/0/id"));
    c.add(
        new Case("step id starts with a digit", d -> step0(d).put("id", "1st"), A + "steps/0/id"));
    c.add(new Case("step id with a dash", d -> step0(d).put("id", "a-b"), A + "steps/0/id"));
    c.add(new Case("step id reserved", d -> step0(d).put("id", "trigger"), A + "steps/0/id"));
    c.add(new Case("step id a number", d -> step0(d).put("id", 3), A + "steps/0/id"));
    c.add(
        new Case(
            "step id twice",
            d -> ((ArrayNode) attrs(d).path("steps")).add(Api.JSON.valueToTree(validStep("s1"))),
            A + "steps/1/id"));
    c.add(
        new Case(
            "step name too long", d -> step0(d).put("name", "n".repeat(201)), A + "steps/0/name"));
    c.add(new Case("step name a number", d -> step0(d).put("name", 1), A + "steps/0/name"));
    c.add(
        new Case(
            "step component missing", d -> step0(d).remove("component"), A + "steps/0/component"));
    c.add(
        new Case(
            "step component a string",
            d -> step0(d).put("component", w.component()),
            A + "steps/0/component"));
    c.add(
        new Case(
            "step component unknown",
            d -> step0(d).set("component", Api.JSON.valueToTree(Map.of("id", "nosuchcomponent"))),
            A + "steps/0/component/id"));
    c.add(
        new Case(
            "step function unknown",
            d -> step0(d).put("function", "httpGet"),
            A + "steps/0/function"));
    c.add(
        new Case(
            "step credential missing",
            d -> step0(d).remove("credential"),
            A + "steps/0/credential"));
    c.add(
        new Case(
            "step credential unknown",
            d -> step0(d).set("credential", Api.JSON.valueToTree(Map.of("id", "nosuchcredential"))),
            A + "steps/0/credential/id"));
    c.add(
        new Case(
            "step credential of another workspace",
            d -> step0(d).set("credential", Api.JSON.valueToTree(Map.of("id", otherWorkspaces))),
            A + "steps/0/credential/id"));
    c.add(
        new Case(
            "step credential of another component",
            d -> step0(d).set("credential", Api.JSON.valueToTree(Map.of("id", otherComponents))),
            A + "steps/0/credential/id"));
    c.add(
        new Case(
            "step credential with more than an id",
            d ->
                step0(d)
                    .set(
                        "credential",
                        Api.JSON.valueToTree(Map.of("id", w.noauth(), "type", "credential"))),
            A + "steps/0/credential/type"));
    c.add(new Case("step unknown member", d -> step0(d).put("color", "red"), A + "steps/0/color"));
    c.add(new Case("step config missing", d -> step0(d).remove("config"), A + "steps/0/config"));
    c.add(
        new Case("step config a string", d -> step0(d).put("config", "GET"), A + "steps/0/config"));
    c.add(
        new Case(
            "config reader missing",
            d -> config0(d).remove("reader"),
            A + "steps/0/config/reader"));
    c.add(
        new Case(
            "config url missing", d -> reader0(d).remove("url"), A + "steps/0/config/reader/url"));
    c.add(
        new Case(
            "config url not an expression",
            d -> reader0(d).put("url", "((("),
            A + "steps/0/config/reader/url"));
    c.add(
        new Case(
            "config method unknown",
            d -> reader0(d).put("method", "FETCH"),
            A + "steps/0/config/reader/method"));
    c.add(
        new Case(
            "config errorPolicy unknown",
            d -> config0(d).put("errorPolicy", "ignore"),
            A + "steps/0/config/errorPolicy"));
    c.add(
        new Case(
            "config errorCodes out of range",
            d -> config0(d).put("errorCodes", "500-600"),
            A + "steps/0/config/errorCodes"));
    c.add(
        new Case(
            "config delay negative", d -> config0(d).put("delay", -1), A + "steps/0/config/delay"));
    c.add(
        new Case(
            "config maxRetries negative",
            d -> config0(d).put("maxRetries", -3),
            A + "steps/0/config/maxRetries"));
    c.add(
        new Case(
            "config unknown member", d -> config0(d).put("bogus", 1), A + "steps/0/config/bogus"));
    c.add(
        new Case(
            "several problems at once",
            d -> {
              attrs(d).remove("name");
              trigger(d, Map.of("type", "schedule", "cron", "* * *", "timeZone", "Nowhere/Here"));
              step0(d).put("id", "bad id");
              config0(d).put("errorPolicy", "never");
              ((ArrayNode) attrs(d).path("steps")).add(Api.JSON.valueToTree(validStep("s2")));
              ((ObjectNode) attrs(d).path("steps").path(1)).remove("credential");
            },
            A + "name",
            A + "trigger/cron",
            A + "trigger/timeZone",
            A + "steps/0/id",
            A + "steps/0/config/errorPolicy",
            A + "steps/1/credential"));
    return c;
  }

  private static Set<String> pointers(Api.Response r) {
    Set<String> out = new TreeSet<>();
    for (JsonNode e : r.body().path("errors")) {
      out.add(e.path("source").path("pointer").asText());
    }
    return out;
  }

  private static void assertRefused(Api.Response r, String... pointers) {
    assertThat(r.status()).as(r.text()).isBetween(400, 499);
    assertThat(r.body().path("errors").isArray()).as(r.text()).isTrue();
    assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
    if (pointers.length > 0) {
      assertThat(pointers(r)).as(r.text()).contains(pointers);
    }
  }

  private int listed() {
    Api.Response r = admin.get(flows + "?page[size]=100");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.body().path("data").size();
  }

  private int storedFlows() {
    return f.jdbc()
        .queryOne(
            "SELECT COUNT(*) AS n FROM flows WHERE workspace_id = ?", rs -> rs.getInt("n"), f.ws())
        .orElseThrow();
  }

  @Test
  void createWhenValidThen201() {
    Api.Response r = admin.post(flows, valid());
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  @TestFactory
  Stream<DynamicTest> createWhenAMemberIsBadThen4xxAtItsPointerAndNothingStored() {
    return cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      int before = storedFlows();
                      ObjectNode doc = valid();
                      c.breakIt().accept(doc);

                      Api.Response r = admin.post(flows, doc);

                      assertRefused(r, c.pointers());
                      assertThat(r.status()).as(r.text()).isEqualTo(422);
                      assertThat(storedFlows()).isEqualTo(before);
                    }));
  }

  /** Members a PATCH may leave out: their absence keeps them as they are. */
  private static final Set<String> OPTIONAL_IN_PATCH =
      Set.of("name missing", "trigger missing", "steps missing");

  @TestFactory
  Stream<DynamicTest> patchWhenAMemberIsBadThen422AtItsPointerAndVersionUnchanged() {
    String flow = Flows.create(admin, f.ws(), valid());
    return cases().stream()
        .filter(c -> !OPTIONAL_IN_PATCH.contains(c.name()) && !c.name().startsWith("several"))
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      ObjectNode doc = valid();
                      c.breakIt().accept(doc);
                      ObjectNode patch = doc.deepCopy();
                      ((ObjectNode) patch.path("data")).put("id", flow);

                      Api.Response r = admin.patch(flows + "/" + flow, patch);

                      assertRefused(r, c.pointers());
                      assertThat(r.status()).as(r.text()).isEqualTo(422);
                      JsonNode kept = Flows.get(admin, f.ws(), flow);
                      assertThat(kept.path("attributes").path("version").asInt()).isEqualTo(1);
                      assertThat(kept.path("attributes").path("name").asText()).isEqualTo("valid");
                      assertThat(kept.path("attributes").path("status").asText())
                          .isEqualTo("draft");
                    }));
  }

  @Test
  void patchWhenAMemberIsNullThen422AndNothingChanges() {
    String flow = Flows.create(admin, f.ws(), valid());
    for (String member : List.of("name", "status", "trigger", "steps")) {
      ObjectNode patch = Flows.flowDoc(Map.of());
      ((ObjectNode) patch.path("data")).put("id", flow);
      attrs(patch).putNull(member);
      attrs(patch).set("steps", Api.JSON.valueToTree(List.of(validStep("s1"))));
      if (member.equals("steps")) {
        attrs(patch).putNull("steps");
      }

      Api.Response r = admin.patch(flows + "/" + flow, patch);

      assertRefused(r, A + member);
      assertThat(r.status()).as(r.text()).isEqualTo(422);
    }
    assertThat(Flows.get(admin, f.ws(), flow).path("attributes").path("version").asInt())
        .isEqualTo(1);
  }

  @Test
  void writeWhenDocumentIsWrongThen4xxJsonApiErrorsAndNothingStored() {
    String flow = Flows.create(admin, f.ws(), valid());
    int before = storedFlows();
    ObjectNode wrongType = valid();
    ((ObjectNode) wrongType.path("data")).put("type", "credential");
    ObjectNode unknown = valid();
    attrs(unknown).put("color", "red");
    ObjectNode clientId = valid();
    ((ObjectNode) clientId.path("data")).put("id", "myownid");
    ObjectNode otherId = valid();
    ((ObjectNode) otherId.path("data")).put("id", "anotherflow");

    assertRefused(admin.post(flows, wrongType), "/data/type");
    assertThat(admin.post(flows, wrongType).status()).isEqualTo(409);
    assertRefused(admin.post(flows, unknown), A + "color");
    assertRefused(admin.post(flows, clientId));
    assertRefused(admin.post(flows, "{not json"));
    assertThat(admin.post(flows, "{not json").status()).isEqualTo(400);
    assertRefused(admin.post(flows, "[]"));
    assertRefused(admin.post(flows, "{\"data\":{\"type\":\"flow\"}}"));
    assertRefused(admin.post(flows + "?debug=1", valid()));
    assertRefused(admin.patch(flows + "/" + flow, otherId));
    assertRefused(admin.patch(flows + "/" + flow, wrongType));
    assertRefused(admin.patch(flows + "/" + flow, "{not json"));
    assertRefused(admin.patch(flows + "/" + flow + "?x=1", Flows.flowDoc(Map.of("name", "x"))));
    assertRefused(
        admin.send(
            admin
                .builder(flows)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(valid().toString()))));

    assertThat(storedFlows()).isEqualTo(before);
    JsonNode kept = Flows.get(admin, f.ws(), flow);
    assertThat(kept.path("attributes").path("name").asText()).isEqualTo("valid");
    assertThat(kept.path("attributes").path("version").asInt()).isEqualTo(1);
  }

  @Test
  void draftWhenDocumentOrPathIsWrongThen4xxJsonApiErrorsAndNoDraft() {
    String flow = Flows.create(admin, f.ws(), valid());
    String draft = flows + "/" + flow + "/draft";
    ObjectNode good =
        Resource.of("flow-draft")
            .id(flow)
            .attributes(Map.of("trigger", Flows.manual(), "steps", List.of(validStep("s1"))))
            .build();
    ObjectNode wrongType = good.deepCopy();
    ((ObjectNode) wrongType.path("data")).put("type", "flow");
    ObjectNode otherId = good.deepCopy();
    ((ObjectNode) otherId.path("data")).put("id", "anotherflow");
    ObjectNode unknown = good.deepCopy();
    attrs(unknown).put("name", "drafts have no name");
    ObjectNode noSteps = good.deepCopy();
    attrs(noSteps).remove("steps");
    ObjectNode secret = good.deepCopy();
    attrs(secret)
        .set(
            "trigger",
            Api.JSON.valueToTree(
                Map.of("type", "webhook", "signatureHeader", "X-Sig", "secret", "s".repeat(20))));

    assertRefused(admin.put(draft, wrongType), "/data/type");
    assertRefused(admin.put(draft, otherId));
    assertRefused(admin.put(draft, unknown), A + "name");
    assertRefused(admin.put(draft, noSteps), A + "steps");
    assertRefused(admin.put(draft, secret), A + "trigger/secret");
    assertRefused(admin.put(draft + "?x=1", good));
    assertRefused(admin.put(flows + "/nosuchflow/draft", good));
    assertRefused(admin.get(flows + "/nosuchflow/draft"));
    assertRefused(admin.post(flows + "/nosuchflow/publish", ""));
    assertRefused(admin.post(flows + "/" + flow + "/publish?now=1", ""));
    assertRefused(
        admin.send(
            admin
                .builder(draft)
                .header("Content-Type", "application/vnd.api+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{not json"))));

    assertThat(admin.get(draft).status()).isEqualTo(404);
    assertThat(admin.put(draft, good).status()).isEqualTo(200);
  }

  @Test
  void routesWhenPathIdsOrQueryAreBadThen4xxJsonApiErrors() {
    String flow = Flows.create(admin, f.ws(), valid());
    String ws = "/v2/workspaces/" + f.ws();
    List<Api.Response> refused =
        List.of(
            admin.get(ws + "/flows/nosuchflow"),
            admin.get(ws + "/flows/" + "x".repeat(300)),
            admin.get(ws + "/flows/%25%00"),
            admin.get("/v2/workspaces/nosuchws/flows"),
            admin.get("/v2/workspaces/nosuchws/flows/" + flow),
            admin.delete(ws + "/flows/nosuchflow"),
            admin.patch(ws + "/flows/nosuchflow", Flows.flowDoc(Map.of("name", "x"))),
            admin.get(ws + "/flows/nosuchflow/runs"),
            admin.post(
                ws + "/flows/nosuchflow/runs", "{\"data\":{\"type\":\"run\",\"attributes\":{}}}"),
            admin.get(ws + "/runs/nosuchrun"),
            admin.post(ws + "/runs/nosuchrun/cancel", ""),
            admin.post(ws + "/runs/nosuchrun/retry", ""),
            admin.get(ws + "/flows?sort=name"),
            admin.get(ws + "/flows/" + flow + "?include=steps"),
            admin.get(ws + "/flows/" + flow + "/runs?filter[status]=failed"),
            admin.get(ws + "/flows?page[size]=0"),
            admin.get(ws + "/flows?page[size]=abc"),
            admin.delete(ws + "/flows/" + flow + "?force=true"));
    for (Api.Response r : refused) {
      assertRefused(r);
    }
    assertThat(Flows.get(admin, f.ws(), flow).path("id").asText()).isEqualTo(flow);
  }

  @Test
  void startWhenRunPayloadIsBadThen4xxAtItsPointerAndNoRun() {
    String flow =
        Flows.create(admin, f.ws(), Flows.activeManual("runs bad", List.of(validStep("s1"))));
    String runs = flows + "/" + flow + "/runs";

    assertRefused(
        admin.post(runs, "{\"data\":{\"type\":\"run\",\"attributes\":{\"message\":\"text\"}}}"),
        A + "message");
    assertRefused(
        admin.post(runs, "{\"data\":{\"type\":\"run\",\"attributes\":{\"message\":[1]}}}"),
        A + "message");
    assertRefused(
        admin.post(
            runs,
            "{\"data\":{\"type\":\"run\",\"attributes\":{\"message\":{\"body\":1,\"extra\":2}}}}"),
        A + "message/extra");
    assertRefused(
        admin.post(
            runs, "{\"data\":{\"type\":\"run\",\"attributes\":{\"message\":{\"passthrough\":5}}}}"),
        A + "message/passthrough");
    assertRefused(
        admin.post(runs, "{\"data\":{\"type\":\"run\",\"attributes\":{\"when\":\"now\"}}}"),
        A + "when");
    assertRefused(
        admin.post(runs, "{\"data\":{\"type\":\"flow\",\"attributes\":{}}}"), "/data/type");
    assertRefused(
        admin.post(runs, "{\"data\":{\"type\":\"run\",\"id\":\"mine\",\"attributes\":{}}}"));
    assertRefused(admin.post(runs, "not json"));
    assertRefused(
        admin.post(runs + "?wait=true", "{\"data\":{\"type\":\"run\",\"attributes\":{}}}"));

    assertThat(Flows.runs(admin, f.ws(), flow)).isEmpty();
    assertThat(upstream.count("/echo/bad")).isZero();
  }
}
