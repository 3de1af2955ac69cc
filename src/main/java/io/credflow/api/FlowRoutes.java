package io.credflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.executor.Message;
import io.credflow.flow.Flow;
import io.credflow.flow.FlowDraft;
import io.credflow.flow.FlowService;
import io.credflow.flow.FlowStatus;
import io.credflow.flow.Run;
import io.credflow.flow.RunService;
import io.credflow.flow.Step;
import io.credflow.flow.StepRun;
import io.credflow.flow.Trigger;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Flows under a workspace, their runs, and the webhook URLs that start runs ({@code /hooks/{id}},
 * which take no API key: the unguessable id, and a signature when the flow asks for one, are the
 * check).
 */
final class FlowRoutes {
  private static final String BASE = "/v2/workspaces/{ws}/flows";
  private static final String RUNS = "/v2/workspaces/{ws}/runs";
  private static final Set<String> ATTRIBUTES = Set.of("name", "status", "trigger", "steps");
  private static final Set<String> RUN_ATTRIBUTES = Set.of("message");
  private static final Set<String> DRAFT_ATTRIBUTES = Set.of("trigger", "steps");
  private static final Pattern HOOK_ID = Pattern.compile("[0-9a-f]{48}");

  /** Longest JSON (in bytes) a run's message or a step's output is shown with; longer is cut. */
  static final int SHOWN_BYTES = RunService.SHOWN_BYTES;

  private final FlowService flows;
  private final RunService runs;
  private final Supplier<URI> publicUrl;

  FlowRoutes(FlowService flows, RunService runs, Supplier<URI> publicUrl) {
    this.flows = flows;
    this.runs = runs;
    this.publicUrl = publicUrl;
  }

  void register(RoutesConfig routes) {
    routes.post(BASE, this::create);
    routes.get(BASE, this::list);
    routes.get(BASE + "/{id}", this::get);
    routes.patch(BASE + "/{id}", this::update);
    routes.delete(BASE + "/{id}", this::delete);
    routes.get(BASE + "/{id}/draft", this::draft);
    routes.put(BASE + "/{id}/draft", this::saveDraft);
    routes.delete(BASE + "/{id}/draft", this::discardDraft);
    routes.post(BASE + "/{id}/publish", this::publish);
    routes.post(BASE + "/{id}/runs", this::start);
    routes.get(BASE + "/{id}/runs", this::runs);
    routes.get(RUNS + "/{id}", this::run);
    routes.post(RUNS + "/{id}/cancel", this::cancel);
    routes.post(RUNS + "/{id}/retry", this::retry);
    for (HandlerType method :
        List.of(
            HandlerType.GET,
            HandlerType.POST,
            HandlerType.PUT,
            HandlerType.PATCH,
            HandlerType.DELETE)) {
      routes.addHttpHandler(method, "/hooks/{hook}", this::hook);
    }
  }

  private void create(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    Requests.allowQuery(ctx, Set.of());
    Document doc = Document.read(ctx, "flow", ATTRIBUTES, Set.of());
    doc.refuseClientId();
    Flow flow =
        flows.create(
            Requests.caller(ctx),
            ws,
            new FlowService.NewFlow(
                doc.string("name", false),
                doc.value("trigger", false),
                doc.value("steps", false),
                status(doc)));
    TenancyRoutes.created(ctx, "/v2/workspaces/" + ws + "/flows/" + flow.id(), flow(flow));
  }

  private static Optional<FlowStatus> status(Document doc) {
    return doc.string("status", false)
        .map(
            s ->
                FlowStatus.fromWire(s)
                    .orElseThrow(
                        () ->
                            ApiException.atPointer(
                                422,
                                "invalid_value",
                                "status must be one of [draft, active, inactive], was \""
                                    + s
                                    + "\"",
                                Pointers.ATTRIBUTES + "/status")));
  }

  private void list(Context ctx) {
    InWorkspace.list(ctx, "flows", flows::list, this::flow);
  }

  private void get(Context ctx) {
    InWorkspace.answer(ctx, 200, "flow", flows::get, this::flow);
  }

  private void update(Context ctx) {
    InWorkspace.update(
        ctx,
        "flow",
        ATTRIBUTES,
        (caller, ws, id, doc) ->
            flows.update(
                caller,
                ws,
                id,
                new FlowService.Change(
                    doc.string("name", false),
                    doc.value("trigger", false),
                    doc.value("steps", false),
                    status(doc))),
        this::flow);
  }

  /** {@code GET …/flows/{id}/draft}: the draft being designed, or 404 when there is none. */
  private void draft(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    String id = Requests.id(ctx, "id", "flow");
    FlowDraft draft =
        flows
            .draft(Requests.caller(ctx), Requests.id(ctx, "ws", "workspace"), id)
            .orElseThrow(() -> new NotFoundException("draft of flow", id));
    JsonApi.write(ctx, 200, Representations.single(draft(draft)));
  }

  /**
   * {@code PUT …/flows/{id}/draft}: keeps the trigger and steps as the flow's draft, which runs
   * never see; both members are required, as a draft is a whole definition.
   */
  private void saveDraft(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    String id = Requests.id(ctx, "id", "flow");
    Requests.allowQuery(ctx, Set.of());
    Document doc = Document.read(ctx, "flow-draft", DRAFT_ATTRIBUTES, Set.of());
    doc.requireIdMatching(id);
    FlowDraft draft =
        flows.saveDraft(
            Requests.caller(ctx),
            ws,
            id,
            doc.value("trigger", false).orElse(null),
            doc.value("steps", false).orElse(null));
    JsonApi.write(ctx, 200, Representations.single(draft(draft)));
  }

  private void discardDraft(Context ctx) {
    InWorkspace.delete(ctx, "flow", flows::discardDraft);
  }

  /** {@code POST …/flows/{id}/publish}: the draft becomes the flow's next version. */
  private void publish(Context ctx) {
    InWorkspace.answer(ctx, 200, "flow", flows::publish, this::flow);
  }

  private static ObjectNode draft(FlowDraft d) {
    ObjectNode r = Representations.resource("flow-draft", d.flowId());
    ObjectNode attrs = Representations.attributes(r);
    Map<String, Object> tree = d.definition().tree();
    attrs.set("trigger", JsonApi.fromPlain(tree.get("trigger")));
    attrs.set("steps", JsonApi.fromPlain(tree.get("steps")));
    attrs.put("base_version", d.baseVersion()).put("saved_at", d.savedAt().toString());
    Representations.relate(r, "flow", "flow", d.flowId());
    return r;
  }

  private void delete(Context ctx) {
    InWorkspace.delete(ctx, "flow", flows::delete);
  }

  /** {@code POST …/flows/{id}/runs}: {@code 202} with the run, which goes on in the background. */
  private void start(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    String id = Requests.id(ctx, "id", "flow");
    Requests.allowQuery(ctx, Set.of());
    Document doc = Document.read(ctx, "run", RUN_ATTRIBUTES, Set.of());
    doc.refuseClientId();
    Message message = Message.parse(doc.value("message", false).orElse(null), "message");
    if (message.passthrough() != null && !(message.passthrough() instanceof Map<?, ?>)) {
      // A run's steps find earlier outputs next to it by id: it has to be an object.
      throw ApiException.atPointer(
          422,
          "invalid_type",
          "message.passthrough must be a JSON object",
          Pointers.ATTRIBUTES + "/message/passthrough");
    }
    Run run = runs.start(Requests.caller(ctx), ws, id, message);
    ctx.header("Location", "/v2/workspaces/" + ws + "/runs/" + run.id());
    JsonApi.write(ctx, 202, Representations.single(run(run, Optional.empty())));
  }

  private void runs(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    String id = Requests.id(ctx, "id", "flow");
    Requests.allowQuery(ctx, Set.of());
    Page<Run> page = runs.runs(Requests.caller(ctx), ws, id, Requests.page(ctx));
    JsonApi.write(
        ctx,
        200,
        Representations.list(
            page,
            r -> run(r, Optional.empty()),
            "/v2/workspaces/" + ws + "/flows/" + id + "/runs",
            TenancyRoutes.queryOf(ctx)));
  }

  private void run(Context ctx) {
    answerRun(ctx, 200, runs::run);
  }

  private void cancel(Context ctx) {
    answerRun(ctx, 200, runs::cancel);
  }

  private void retry(Context ctx) {
    answerRun(ctx, 202, runs::retry);
  }

  /** Something done to a run of a workspace, answering the run as it is after. */
  @FunctionalInterface
  private interface RunAction {
    RunService.RunDetail apply(io.credflow.tenancy.Caller caller, String workspace, String run);
  }

  /** What {@code GET}, cancel and retry of {@code /runs/{id}} share: the run as it is after. */
  private static void answerRun(Context ctx, int status, RunAction action) {
    Requests.allowQuery(ctx, Set.of());
    RunService.RunDetail detail =
        action.apply(
            Requests.caller(ctx),
            Requests.id(ctx, "ws", "workspace"),
            Requests.id(ctx, "id", "run"));
    JsonApi.write(ctx, status, Representations.single(run(detail.run(), Optional.of(detail))));
  }

  /** A call to a flow's webhook: {@code 202} at once with the run's id; the run goes on. */
  private void hook(Context ctx) {
    String hook = ctx.pathParam("hook");
    if (!HOOK_ID.matcher(hook).matches()) {
      throw ApiException.of(404, "not_found", "no flow has a webhook at this address");
    }
    byte[] raw = JsonApi.readLimited(ctx);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (String name : java.util.Collections.list(ctx.req().getHeaderNames())) {
      for (String value : java.util.Collections.list(ctx.req().getHeaders(name))) {
        headers.add(Map.entry(name, value));
      }
    }
    Run run =
        runs.hook(
            hook,
            new RunService.HookCall(
                ctx.method().name(),
                headers,
                ctx.queryParamMap(),
                raw,
                hookBody(raw, ctx.contentType())));
    ObjectNode doc = JsonApi.object();
    ObjectNode data = doc.putObject("data");
    data.put("type", "run").put("id", run.id());
    data.putObject("attributes").put("status", run.status().wireName());
    JsonApi.write(ctx, 202, doc);
  }

  /**
   * A webhook body as the run's message shows it: JSON parsed, a form as an object, text as a
   * string, anything else as base64.
   */
  static Object hookBody(byte[] raw, String contentType) {
    if (raw.length == 0) {
      return null;
    }
    String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
    if (JsonApi.isJsonMediaType(type)) {
      try {
        return JsonApi.toPlain(JsonApi.MAPPER.readTree(raw));
      } catch (java.io.IOException e) {
        throw ApiException.of(
            400, "invalid_json", "the body says it is JSON but is not valid JSON");
      }
    }
    if (type.startsWith("application/x-www-form-urlencoded")) {
      Map<String, Object> form = new LinkedHashMap<>();
      for (String pair : new String(raw, StandardCharsets.UTF_8).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        form.put(key, value);
      }
      return form;
    }
    if (type.startsWith("text/") || type.contains("xml") || type.isEmpty()) {
      var decoder = StandardCharsets.UTF_8.newDecoder();
      try {
        return decoder.decode(java.nio.ByteBuffer.wrap(raw)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        return Base64.getEncoder().encodeToString(raw);
      }
    }
    return Base64.getEncoder().encodeToString(raw);
  }

  private ObjectNode flow(Flow f) {
    ObjectNode r = Representations.resource("flow", f.id());
    ObjectNode attrs = Representations.attributes(r);
    attrs.put("name", f.name()).put("status", f.status().wireName()).put("version", f.version());
    Map<String, Object> tree = f.definition().tree();
    ObjectNode trigger = (ObjectNode) JsonApi.fromPlain(tree.get("trigger"));
    if (f.definition().trigger() instanceof Trigger.Webhook) {
      String base = publicUrl.get().toString();
      trigger.put(
          "url",
          (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
              + "/hooks/"
              + f.hookId());
      trigger.put("signed", f.signed());
    }
    attrs.set("trigger", trigger);
    attrs.set("steps", JsonApi.fromPlain(tree.get("steps")));
    attrs.put("created_at", f.createdAt().toString()).put("updated_at", f.updatedAt().toString());
    Representations.relate(r, "workspace", "workspace", f.workspaceId());
    return r;
  }

  private static ObjectNode run(Run run, Optional<RunService.RunDetail> detail) {
    ObjectNode r = Representations.resource("run", run.id());
    ObjectNode attrs = Representations.attributes(r);
    attrs
        .put("status", run.status().wireName())
        .put("trigger", run.trigger())
        .put("flow_version", run.flowVersion())
        .put("step_index", run.stepIndex());
    Representations.putString(attrs, "error", run.error());
    Representations.putInt(attrs, "failed_step", run.failedStep());
    attrs.set("message", shown(run.message()));
    attrs.put("created_at", run.createdAt().toString());
    Representations.put(attrs, "finished_at", run.finishedAt());
    Representations.putString(attrs, "request_id", run.requestId());
    if (detail.isPresent()) {
      ArrayNode steps = attrs.putArray("steps");
      List<Step> defined = detail.get().version().steps();
      Map<Integer, StepRun> ran = new LinkedHashMap<>();
      detail.get().steps().forEach(s -> ran.put(s.index(), s));
      for (int i = 0; i < defined.size(); i++) {
        ObjectNode shownStep = step(i, defined.get(i), Optional.ofNullable(ran.get(i)));
        if (ran.containsKey(i)) {
          shownStep.set("input", input(run, defined, ran, i));
        }
        steps.add(shownStep);
      }
    }
    Representations.relate(r, "flow", "flow", run.flowId());
    Representations.relate(r, "workspace", "workspace", run.workspaceId());
    return r;
  }

  /**
   * What step {@code index} received: its {@code body} (the previous step's output, the trigger's
   * message body for the first) as outputs are shown, and the names its passthrough and attachments
   * had (their values are the earlier steps' outputs, shown with those steps).
   */
  private static ObjectNode input(
      Run run, List<Step> defined, Map<Integer, StepRun> ran, int index) {
    ObjectNode input = JsonApi.object();
    Object body =
        index == 0
            ? run.message().get("body")
            : Optional.ofNullable(ran.get(index - 1)).flatMap(StepRun::output).orElse(null);
    input.set("body", shown(body));
    ArrayNode passthrough = input.putArray("passthrough");
    if (run.message().get("passthrough") instanceof Map<?, ?> given) {
      given.keySet().forEach(k -> passthrough.add(String.valueOf(k)));
    }
    passthrough.add(io.credflow.flow.FlowParser.TRIGGER_KEY);
    ArrayNode attachments = input.putArray("attachments");
    for (int i = 0; i < index; i++) {
      passthrough.add(defined.get(i).id());
      Optional<Object> output = Optional.ofNullable(ran.get(i)).flatMap(StepRun::output);
      if (output.isPresent()
          && output.get() instanceof Map<?, ?> o
          && o.containsKey("attachmentUrl")) {
        attachments.add(defined.get(i).id());
      }
    }
    return input;
  }

  private static ObjectNode step(int index, Step step, Optional<StepRun> ran) {
    ObjectNode s = JsonApi.object();
    s.put("index", index).put("id", step.id()).put("name", step.name());
    s.put("credential", step.credentialId());
    if (ran.isEmpty()) {
      s.put("status", "pending").put("attempts", 0).put("rebounds", 0);
      s.putNull("output");
      s.putNull("error");
      return s;
    }
    StepRun r = ran.get();
    s.put("status", r.status().wireName())
        .put("attempts", r.attempts())
        .put("rebounds", r.rebounds());
    s.set("output", r.output().map(FlowRoutes::shown).orElse(JsonApi.object().nullNode()));
    Representations.putString(s, "error", r.error());
    Representations.put(s, "not_before", r.notBefore());
    Representations.put(s, "started_at", r.startedAt());
    Representations.put(s, "finished_at", r.finishedAt());
    return s;
  }

  /**
   * A message or output as shown: in full up to {@link #SHOWN_BYTES} of JSON, else {@code
   * {"truncated": true, "bytes": n, "preview": "…"}} with the first {@link #SHOWN_BYTES} bytes.
   */
  static JsonNode shown(Object value) {
    JsonNode node = JsonApi.fromPlain(value);
    String json = node.toString();
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= SHOWN_BYTES) {
      return node;
    }
    ObjectNode cut = JsonApi.object();
    cut.put("truncated", true).put("bytes", bytes.length);
    cut.put("preview", new String(bytes, 0, SHOWN_BYTES, StandardCharsets.UTF_8));
    return cut;
  }
}
