package io.credflow.console;

import static io.credflow.console.Web.params;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.common.ConflictException;
import io.credflow.common.CredflowException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.Component;
import io.credflow.console.view.Choice;
import io.credflow.console.view.CredentialRow;
import io.credflow.console.view.Form;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.console.view.StepEditor;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialRepository;
import io.credflow.credential.CredentialService;
import io.credflow.credential.CredentialState;
import io.credflow.executor.Message;
import io.credflow.executor.RequestResult;
import io.credflow.executor.RequestSpec;
import io.credflow.executor.SpecParser;
import io.credflow.flow.Flow;
import io.credflow.flow.FlowDefinition;
import io.credflow.flow.FlowDraft;
import io.credflow.flow.FlowParser;
import io.credflow.flow.FlowService;
import io.credflow.flow.Run;
import io.credflow.flow.RunService;
import io.credflow.flow.Step;
import io.credflow.flow.StepRun;
import io.credflow.flow.Trigger;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flow designer: the step editor in the seed's numbered sections (Component, Function,
 * Credentials with "+" for a new one inline, Configuration checked as you type), a step tested
 * before it is published, steps moved and removed, the trigger changed (a schedule said in words, a
 * poll edited as a step is), and the draft published or discarded. Every change goes to the flow's
 * draft, which runs never see; Publish makes it the next version.
 */
final class DesignerPages {
  private static final String BASE = FlowPages.BASE + "/{id}";
  private static final Pattern STEP_PATH = Pattern.compile("steps/(\\d+)(?:/(.*))?");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm", Locale.ENGLISH);
  private static final List<String> TRIGGER_TYPES =
      List.of("manual", "webhook", "schedule", "poll");

  /** Every field of the editor besides the configuration's. */
  private static final List<String> EDITOR_FIELDS =
      List.of("step", "step_name", "component", "credential", "cron", "zone", "sample");

  private final ConsolePages pages;
  private final FlowViews views;
  private final FlowPages flowPages;

  DesignerPages(ConsolePages pages, FlowViews views, FlowPages flowPages) {
    this.pages = pages;
    this.views = views;
    this.flowPages = flowPages;
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get(BASE + "/steps/new", web.signedIn((ctx, v) -> editor(ctx, v, Target.NEW_STEP)));
    routes.get(BASE + "/steps/{step}/edit", web.signedIn((ctx, v) -> editor(ctx, v, Target.STEP)));
    routes.get(BASE + "/trigger/poll", web.signedIn((ctx, v) -> editor(ctx, v, Target.POLL)));
    routes.post(BASE + "/steps/save", web.signedIn((ctx, v) -> save(ctx, v, false)));
    routes.post(BASE + "/trigger/poll/save", web.signedIn((ctx, v) -> save(ctx, v, true)));
    routes.post(BASE + "/steps/check", web.signedIn((ctx, v) -> check(ctx, v, false)));
    routes.post(BASE + "/trigger/poll/check", web.signedIn((ctx, v) -> check(ctx, v, true)));
    routes.post(BASE + "/steps/test", web.signedIn((ctx, v) -> test(ctx, v, false)));
    routes.post(BASE + "/trigger/poll/test", web.signedIn((ctx, v) -> test(ctx, v, true)));
    routes.post(BASE + "/steps/{step}/move", web.signedIn(this::move));
    routes.post(BASE + "/steps/{step}/remove", web.signedIn(this::remove));
    routes.post(BASE + "/trigger", web.signedIn(this::trigger));
    routes.get(BASE + "/cron", web.signedIn(this::cron));
    routes.post(BASE + "/publish", web.signedIn(this::publish));
    routes.post(BASE + "/discard", web.signedIn(this::discard));
  }

  private enum Target {
    NEW_STEP,
    STEP,
    POLL
  }

  private FlowService flows() {
    return pages.services().flows();
  }

  /** The flow with what the designer edits: its draft, else its published version. */
  record Working(Flow flow, Optional<FlowDraft> draft) {
    FlowDefinition definition() {
      return draft.map(FlowDraft::definition).orElse(flow.definition());
    }

    Map<String, Object> trigger() {
      @SuppressWarnings("unchecked")
      Map<String, Object> t = (Map<String, Object>) definition().tree().get("trigger");
      return new LinkedHashMap<>(t);
    }

    List<Object> steps() {
      return new ArrayList<>((List<?>) definition().tree().get("steps"));
    }

    int index(String stepId) {
      List<Step> steps = definition().steps();
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i).id().equals(stepId)) {
          return i;
        }
      }
      return -1;
    }
  }

  Working working(Visit visit, Workspace ws, String flowId) {
    Flow flow = flows().get(visit.caller(), ws.id(), flowId);
    return new Working(flow, flows().draft(visit.caller(), ws.id(), flow.id()));
  }

  // ---------------------------------------------------------------- the step editor

  private void editor(Context ctx, Visit visit, Target target) {
    Workspace ws = pages.workspace(ctx, visit);
    Working w = working(visit, ws, ctx.pathParam("id"));
    Map<String, String> values = new LinkedHashMap<>();
    values.put(StepFields.METHOD, "GET");
    values.put("errorPolicy", "byComponent");
    Optional<String> stepId = Optional.empty();
    int number = w.definition().steps().size() + 1;
    String component = "";
    if (target == Target.STEP) {
      int i = w.index(ctx.pathParam("step"));
      if (i < 0) {
        throw new io.credflow.common.NotFoundException("step", ctx.pathParam("step"));
      }
      Step s = w.definition().steps().get(i);
      values.putAll(StepFields.values(s.config()));
      values.put("step_name", s.name());
      values.put("credential", s.credentialId());
      component = s.componentId();
      stepId = Optional.of(s.id());
      number = i + 1;
    } else if (target == Target.POLL) {
      values.put("zone", "UTC");
      values.put("cron", Optional.ofNullable(ctx.queryParam("cron")).orElse("0 */15 * * * *"));
      Optional.ofNullable(ctx.queryParam("zone")).ifPresent(z -> values.put("zone", z));
      if (w.definition().trigger() instanceof Trigger.Poll p) {
        values.putAll(StepFields.values(w.trigger().get("config")));
        values.put("cron", p.cron());
        values.put("zone", p.zone().getId());
        values.put("credential", p.credentialId());
        component =
            views.credential(visit, ws, p.credentialId()).map(Credential::componentId).orElse("");
      }
    }
    Optional.ofNullable(ctx.queryParam("credential"))
        .filter(c -> !c.isBlank())
        .ifPresent(c -> values.put("credential", c));
    if (ctx.queryParam("component") != null) {
      component = ctx.queryParam("component");
    } else if (values.containsKey("credential")) {
      component =
          views
              .credential(visit, ws, values.get("credential"))
              .map(Credential::componentId)
              .orElse(component);
    }
    renderEditor(ctx, visit, ws, w, target, stepId, number, component, Form.of(values));
  }

  private void renderEditor(
      Context ctx,
      Visit visit,
      Workspace ws,
      Working w,
      Target target,
      Optional<String> stepId,
      int number,
      String componentId,
      Form form) {
    List<Component> usable = pages.usableComponents(visit, ws);
    Component component =
        usable.stream()
            .filter(c -> c.id().equals(componentId))
            .findFirst()
            .orElse(usable.isEmpty() ? null : usable.get(0));
    if (component == null) {
      pages
          .web()
          .error(
              ctx,
              409,
              "No component to use",
              "This workspace cannot use any REST API component yet: an administrator registers"
                  + " one under Components.");
      return;
    }
    String flowHref = FlowViews.flowHref(ws, w.flow().id());
    String here =
        flowHref
            + switch (target) {
              case NEW_STEP -> "/steps/new";
              case STEP -> "/steps/" + stepId.orElseThrow() + "/edit";
              case POLL -> "/trigger/poll";
            };
    Sample sample = sample(visit, ws, w, target == Target.POLL ? -1 : number - 1);
    boolean poll = target == Target.POLL;
    StepEditor view =
        new StepEditor(
            flowHref,
            "/w/" + ws.id(),
            stepId,
            poll,
            number,
            usable.stream()
                .map(c -> new Choice(c.id(), c.name(), c.id().equals(component.id())))
                .toList(),
            component.id(),
            component.name(),
            credentialOptions(visit, ws, component, form.value("credential")),
            "/w/"
                + ws.id()
                + "/credentials/c/"
                + component.id()
                + "/new?inline=1&return="
                + Web.encode(here),
            StepFields.REQUEST,
            StepFields.SETTINGS,
            sample.text(),
            sample.source(),
            poll
                ? Optional.of(cronWords(form.value("cron"), form.value("zone")))
                : Optional.empty());
    String title =
        poll ? "Poll trigger" : stepId.isPresent() ? "Step " + number : "New step " + number;
    pages.render(
        ctx,
        "flows/step.jte",
        pages.shell(
            ctx,
            visit,
            ws,
            "flows",
            title,
            List.of(
                Crumb.link("Flows", "/w/" + ws.id() + "/flows"),
                Crumb.link(w.flow().name(), flowHref),
                Crumb.here(title))),
        params("view", view, "form", form));
  }

  private List<StepEditor.CredentialOption> credentialOptions(
      Visit visit, Workspace ws, Component component, String chosen) {
    CredentialRepository.Filter filter =
        new CredentialRepository.Filter(
            Optional.of(component.id()), Optional.empty(), Optional.empty());
    String base = "/w/" + ws.id();
    return Page.all(
            page -> pages.services().credentials().list(visit.caller(), ws.id(), filter, page))
        .stream()
        .map(CredentialService.View::credential)
        .map(
            c -> {
              CredentialRow row = Labels.row(c, Optional.of(component), pages.now(), base);
              return new StepEditor.CredentialOption(
                  c.id(),
                  c.name(),
                  row.typeLabel(),
                  row.state(),
                  row.stateLabel(),
                  row.reason(),
                  unusable(c),
                  c.id().equals(chosen),
                  row.href());
            })
        .toList();
  }

  static boolean unusable(Credential c) {
    return c.state() == CredentialState.NEEDS_REAUTH || c.state() == CredentialState.ERROR;
  }

  /** A sample message for a test, and where it came from. */
  private record Sample(String text, String source) {}

  /**
   * The message step {@code index} received in the flow's newest run (the trigger's message for the
   * first step), so a test sends what a run would; {@code {"body": {}}} without a run.
   */
  private Sample sample(Visit visit, Workspace ws, Working w, int index) {
    String none =
        "The message the request reads (body, and passthrough for $getPassthrough()). No run yet:"
            + " edit it to look like what the "
            + (index <= 0 ? "trigger" : "previous step")
            + " sends.";
    if (index < 0) {
      return new Sample(pretty(Map.of("body", Map.of())), none);
    }
    RunService runs = pages.services().runs();
    Optional<Run> newest =
        runs.runs(visit.caller(), ws.id(), w.flow().id(), PageRequest.first(1)).items().stream()
            .findFirst();
    if (newest.isEmpty()) {
      return new Sample(pretty(Map.of("body", Map.of())), none);
    }
    RunService.RunDetail detail = runs.run(visit.caller(), ws.id(), newest.get().id());
    Map<String, Object> passthrough = new LinkedHashMap<>();
    passthrough.put("trigger", detail.run().message().get("body"));
    Object body = detail.run().message().get("body");
    String source = "The trigger's message in the newest run.";
    List<Step> defined = detail.version().steps();
    for (StepRun s : detail.steps()) {
      if (s.index() < index && s.output().isPresent() && s.index() < defined.size()) {
        passthrough.put(defined.get(s.index()).id(), s.output().get());
        if (s.index() == index - 1) {
          body = s.output().get();
          source = "Step " + index + "'s output in the newest run.";
        }
      }
    }
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("body", body == null ? Map.of() : body);
    message.put("passthrough", passthrough);
    return new Sample(pretty(message), source + " Edit it to try other input.");
  }

  private static String pretty(Object value) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return "{}";
    }
  }

  /** What the editor's form carries. */
  private static Map<String, String> typed(Context ctx) {
    List<String> names = new ArrayList<>(EDITOR_FIELDS);
    names.addAll(StepFields.NAMES);
    return Web.fields(ctx, names);
  }

  /** The step (or poll trigger) the form describes, as the API takes it. */
  private static Map<String, Object> stepTree(
      Map<String, String> typed, String id, String defaultName) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id);
    String name = typed.getOrDefault("step_name", "").strip();
    s.put("name", name.isEmpty() ? defaultName : name);
    s.put("component", Map.of("id", typed.getOrDefault("component", "")));
    s.put("function", Step.HTTP_REQUEST);
    s.put("credential", Map.of("id", typed.getOrDefault("credential", "")));
    s.put("config", StepFields.config(typed));
    return s;
  }

  private static Map<String, Object> pollTree(Map<String, String> typed) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "poll");
    t.put("cron", typed.getOrDefault("cron", "").strip());
    String zone = typed.getOrDefault("zone", "").strip();
    t.put("timeZone", zone.isEmpty() ? "UTC" : zone);
    t.put("credential", Map.of("id", typed.getOrDefault("credential", "")));
    t.put("config", StepFields.config(typed));
    return t;
  }

  private void save(Context ctx, Visit visit, boolean poll) {
    Workspace ws = pages.workspace(ctx, visit);
    Working w = working(visit, ws, ctx.pathParam("id"));
    Map<String, String> typed = typed(ctx);
    List<Object> steps = w.steps();
    Map<String, Object> trigger = w.trigger();
    int index;
    Optional<String> stepId = Optional.ofNullable(typed.get("step")).filter(s -> !s.isBlank());
    if (poll) {
      trigger = pollTree(typed);
      index = -1;
    } else if (stepId.isPresent()) {
      index = w.index(stepId.get());
      if (index < 0) {
        throw new io.credflow.common.NotFoundException("step", stepId.get());
      }
      steps.set(index, stepTree(typed, stepId.get(), "Step " + (index + 1)));
    } else {
      index = steps.size();
      String id = freshId(w.definition());
      steps.add(stepTree(typed, id, "Step " + (index + 1)));
    }
    List<Violation> all = new ArrayList<>();
    if (typed.getOrDefault("credential", "").isBlank()) {
      // Nothing is saved; the parser's findings besides, so that one answer names every problem.
      all.add(
          new Violation(
              "credential",
              "missing_member",
              "choose the credential the request is sent with, or add one with +"));
      try {
        FlowParser.parse(trigger, steps);
      } catch (ValidationException e) {
        e.violations().stream().filter(v -> !v.field().contains("credential")).forEach(all::add);
      }
    } else {
      try {
        flows().saveDraft(visit.caller(), ws.id(), w.flow().id(), trigger, steps);
      } catch (ValidationException e) {
        all.addAll(e.violations());
      }
    }
    if (!all.isEmpty()) {
      ctx.status(422);
      Target target = poll ? Target.POLL : stepId.isPresent() ? Target.STEP : Target.NEW_STEP;
      renderEditor(
          ctx,
          visit,
          ws,
          w,
          target,
          stepId,
          poll ? 0 : index + 1,
          typed.getOrDefault("component", ""),
          placed(typed, all, poll ? "trigger" : "steps/" + index, w));
      return;
    }
    pages.redirect(ctx, FlowViews.flowHref(ws, w.flow().id()) + "?notice=draft_saved");
  }

  private static String freshId(FlowDefinition definition) {
    Set<String> ids = new HashSet<>();
    definition.steps().forEach(s -> ids.add(s.id()));
    int n = definition.steps().size() + 1;
    while (ids.contains("step" + n)) {
      n++;
    }
    return "step" + n;
  }

  /**
   * The form again with each problem at its field: those under {@code prefix} (the edited step or
   * the trigger) at the editor's fields, others above the form with the step they concern.
   */
  private static Form placed(
      Map<String, String> typed, List<Violation> violations, String prefix, Working w) {
    Map<String, String> errors = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Violation v : violations) {
      Optional<StepFields.Placed> at = editorField(v.field(), prefix);
      if (at.isPresent()) {
        errors.merge(
            at.get().field(),
            at.get().prefix() + StepFields.worded(at.get().field(), v.detail()),
            (a, b) -> a + "; " + b);
      } else {
        problems.add(where(v.field(), w) + v.detail());
      }
    }
    return new Form(typed, errors, problems);
  }

  private static Optional<StepFields.Placed> editorField(String field, String prefix) {
    if (field.equals("credential") || field.equals("step_name")) {
      return Optional.of(new StepFields.Placed(field, ""));
    }
    if (!field.equals(prefix) && !field.startsWith(prefix + "/")) {
      return Optional.empty();
    }
    String rest = field.equals(prefix) ? "" : field.substring(prefix.length() + 1);
    if (rest.startsWith("credential") || rest.startsWith("component")) {
      return Optional.of(new StepFields.Placed("credential", ""));
    }
    if (rest.equals("name")) {
      return Optional.of(new StepFields.Placed("step_name", ""));
    }
    if (rest.equals("cron")) {
      return Optional.of(new StepFields.Placed("cron", ""));
    }
    if (rest.equals("timeZone")) {
      return Optional.of(new StepFields.Placed("zone", ""));
    }
    if (rest.startsWith("config/")) {
      return StepFields.fieldOf(rest.substring("config/".length()));
    }
    if (rest.equals("config")) {
      return Optional.of(new StepFields.Placed(StepFields.URL, ""));
    }
    return Optional.empty();
  }

  /** Which part of the flow a problem elsewhere concerns, in words. */
  static String where(String field, Working w) {
    Matcher m = STEP_PATH.matcher(field);
    if (m.matches()) {
      int i = Integer.parseInt(m.group(1));
      List<Step> steps = w.definition().steps();
      String name = i < steps.size() ? " (" + steps.get(i).name() + ")" : "";
      return "Step " + (i + 1) + name + ": ";
    }
    if (field.startsWith("trigger")) {
      return "Trigger: ";
    }
    return field.isEmpty() || field.equals("steps") ? "" : field + ": ";
  }

  // ---------------------------------------------------------------- checked as you type, tested

  /**
   * Checks the configuration as typed with the parser the API uses, and answers each field's
   * message (empty when fine) to be swapped in; a poll's cron is said in words too.
   */
  private void check(Context ctx, Visit visit, boolean poll) {
    Workspace ws = pages.workspace(ctx, visit);
    flows().get(visit.caller(), ws.id(), ctx.pathParam("id"));
    Map<String, String> typed = typed(ctx);
    pages
        .web()
        .render(
            ctx,
            "flows/check.jte",
            params(
                "names",
                StepFields.NAMES,
                "errors",
                configErrors(typed),
                "cronWords",
                poll
                    ? Optional.of(cronWords(typed.getOrDefault("cron", ""), typed.get("zone")))
                    : Optional.<String>empty()));
  }

  /** The parser's problems with the typed configuration, by field. */
  private static Map<String, String> configErrors(Map<String, String> typed) {
    Map<String, String> errors = new LinkedHashMap<>();
    try {
      SpecParser.parse(StepFields.config(typed), "config");
    } catch (ValidationException e) {
      for (Violation v : e.violations()) {
        String path = v.field().startsWith("config/") ? v.field().substring(7) : "";
        StepFields.Placed at =
            StepFields.fieldOf(path).orElse(new StepFields.Placed(StepFields.URL, ""));
        errors.merge(
            at.field(),
            at.prefix() + StepFields.worded(at.field(), v.detail()),
            (a, b) -> a + "; " + b);
      }
    }
    return errors;
  }

  /**
   * Sends the step's request as typed, with its credential and the sample message, and shows what
   * came back (the executor masks the credential's secrets wherever an upstream echoed them).
   * Nothing is saved.
   */
  private void test(Context ctx, Visit visit, boolean poll) {
    Workspace ws = pages.workspace(ctx, visit);
    flows().get(visit.caller(), ws.id(), ctx.pathParam("id"));
    Map<String, String> typed = typed(ctx);
    Map<String, String> errors = configErrors(typed);
    String credential = typed.getOrDefault("credential", "");
    if (!errors.isEmpty()) {
      testAnswer(ctx, "Not sent: fix the fields marked below first.", Optional.empty(), errors);
      return;
    }
    if (credential.isBlank()) {
      testAnswer(ctx, "Not sent: choose a credential first (section 3).", Optional.empty(), errors);
      return;
    }
    Message message;
    try {
      String text = typed.getOrDefault("sample", "").strip();
      Object tree = text.isEmpty() ? Map.of("body", Map.of()) : JSON.readValue(text, Object.class);
      message = Message.parse(tree, "sample");
    } catch (JsonProcessingException e) {
      testAnswer(
          ctx,
          "Not sent: the sample message is not valid JSON: " + e.getOriginalMessage(),
          Optional.empty(),
          errors);
      return;
    } catch (ValidationException e) {
      testAnswer(
          ctx,
          "Not sent: the sample message "
              + String.join("; ", e.violations().stream().map(Violation::detail).toList()),
          Optional.empty(),
          errors);
      return;
    }
    RequestSpec spec = SpecParser.parse(StepFields.config(typed), "config").withoutDelay();
    RequestResult result;
    try {
      result =
          pages.services().requests().execute(visit.caller(), ws.id(), credential, spec, message);
    } catch (CredflowException e) {
      testAnswer(ctx, "The request failed: " + e.getMessage(), Optional.empty(), errors);
      return;
    }
    Map<String, Object> output = result.output();
    Object status = output.get("statusCode");
    testAnswer(
        ctx,
        "Answered " + status + (poll ? ": a poll with this answer starts a run." : "."),
        Optional.of(FlowViews.shown(output)),
        errors);
  }

  private void testAnswer(
      Context ctx, String headline, Optional<String> output, Map<String, String> errors) {
    pages
        .web()
        .render(
            ctx,
            "flows/test-result.jte",
            params(
                "headline",
                headline,
                "output",
                output,
                "names",
                StepFields.NAMES,
                "errors",
                errors));
  }

  // ---------------------------------------------------------------- steps moved and removed

  private void move(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Working w = working(visit, ws, ctx.pathParam("id"));
    int i = w.index(ctx.pathParam("step"));
    List<Object> steps = w.steps();
    int j = "up".equals(ctx.formParam("direction")) ? i - 1 : i + 1;
    if (i < 0 || j < 0 || j >= steps.size()) {
      pages.redirect(ctx, FlowViews.flowHref(ws, w.flow().id()));
      return;
    }
    Object moved = steps.remove(i);
    steps.add(j, moved);
    changeSteps(ctx, visit, ws, w, w.trigger(), steps, "Not moved");
  }

  private void remove(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Working w = working(visit, ws, ctx.pathParam("id"));
    int i = w.index(ctx.pathParam("step"));
    List<Object> steps = w.steps();
    if (i < 0) {
      pages.redirect(ctx, FlowViews.flowHref(ws, w.flow().id()));
      return;
    }
    if (steps.size() == 1) {
      refuse(ctx, visit, ws, w, "Not removed: a flow needs at least one step; add another first.");
      return;
    }
    steps.remove(i);
    changeSteps(ctx, visit, ws, w, w.trigger(), steps, "Not removed");
  }

  private void changeSteps(
      Context ctx,
      Visit visit,
      Workspace ws,
      Working w,
      Map<String, Object> trigger,
      List<Object> steps,
      String refused) {
    try {
      flows().saveDraft(visit.caller(), ws.id(), w.flow().id(), trigger, steps);
    } catch (ValidationException e) {
      refuse(ctx, visit, ws, w, refused + ": " + described(e, w));
      return;
    }
    pages.redirect(ctx, FlowViews.flowHref(ws, w.flow().id()) + "?notice=draft_saved");
  }

  static String described(ValidationException e, Working w) {
    return String.join(
        "; ", e.violations().stream().map(v -> where(v.field(), w) + v.detail()).toList());
  }

  private void refuse(Context ctx, Visit visit, Workspace ws, Working w, String problem) {
    ctx.status(422);
    flowPages.renderFlow(ctx, visit, ws, w.flow(), Form.empty(), Optional.of(problem));
  }

  // ---------------------------------------------------------------- the trigger

  /**
   * Changes the draft's trigger: manual, webhook (keeping the flow's signature header, whose secret
   * only the API sets), or schedule; a poll goes to its editor, as it needs a request.
   */
  private void trigger(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Working w = working(visit, ws, ctx.pathParam("id"));
    Map<String, String> typed = Web.fields(ctx, List.of("trigger", "cron", "zone"));
    String type = typed.getOrDefault("trigger", "manual");
    String flowHref = FlowViews.flowHref(ws, w.flow().id());
    if (type.equals("poll")) {
      pages.redirect(
          ctx,
          flowHref
              + "/trigger/poll?cron="
              + Web.encode(typed.getOrDefault("cron", "0 */15 * * * *"))
              + "&zone="
              + Web.encode(typed.getOrDefault("zone", "UTC")));
      return;
    }
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", TRIGGER_TYPES.contains(type) ? type : "manual");
    if (type.equals("webhook")
        && w.definition().trigger() instanceof Trigger.Webhook old
        && old.signatureHeader().isPresent()) {
      t.put("signatureHeader", old.signatureHeader().get());
    }
    if (type.equals("schedule")) {
      t.put("cron", typed.getOrDefault("cron", "").strip());
      String zone = typed.getOrDefault("zone", "").strip();
      t.put("timeZone", zone.isEmpty() ? "UTC" : zone);
    }
    try {
      flows().saveDraft(visit.caller(), ws.id(), w.flow().id(), t, w.steps());
    } catch (ValidationException e) {
      ctx.status(422);
      Map<String, String> errors = new LinkedHashMap<>();
      List<String> problems = new ArrayList<>();
      for (Violation v : e.violations()) {
        switch (v.field()) {
          case "trigger/cron" -> errors.put("cron", v.detail());
          case "trigger/timeZone" -> errors.put("zone", v.detail());
          case "trigger", "trigger/type" -> errors.put("trigger", v.detail());
          default -> problems.add(where(v.field(), w) + v.detail());
        }
      }
      flowPages.renderFlow(
          ctx, visit, ws, w.flow(), new Form(typed, errors, problems), Optional.empty());
      return;
    }
    pages.redirect(ctx, flowHref + "?notice=draft_saved");
  }

  /** A schedule in words as it is typed, with its next firings. */
  private void cron(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    flows().get(visit.caller(), ws.id(), ctx.pathParam("id"));
    pages
        .web()
        .render(
            ctx,
            "flows/cron-words.jte",
            params(
                "words",
                cronWords(
                    Optional.ofNullable(ctx.queryParam("cron")).orElse(""),
                    ctx.queryParam("zone"))));
  }

  /** "Fires every 15 minutes. Next: …", or what is wrong with the cron or zone. */
  String cronWords(String cron, String zone) {
    if (cron == null || cron.isBlank()) {
      return "Type a cron to see when it fires.";
    }
    ZoneId id;
    try {
      id = ZoneId.of(zone == null || zone.isBlank() ? "UTC" : zone.strip());
    } catch (DateTimeException e) {
      return "\"" + zone + "\" is not a time zone: use an IANA id such as Europe/Berlin or UTC.";
    }
    try {
      List<ZonedDateTime> next = CronWords.next(cron.strip(), id, pages.now(), 3);
      String words = CronWords.describe(cron.strip());
      return "Fires "
          + words
          + " ("
          + id.getId()
          + "). Next: "
          + String.join(", ", next.stream().map(WHEN::format).toList())
          + ".";
    } catch (IllegalArgumentException e) {
      return "Not a valid cron: " + e.getMessage();
    }
  }

  // ---------------------------------------------------------------- publish and discard

  private void publish(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Working w = working(visit, ws, ctx.pathParam("id"));
    Flow published;
    try {
      published = flows().publish(visit.caller(), ws.id(), w.flow().id());
    } catch (ValidationException e) {
      refuse(ctx, visit, ws, w, "Not published: " + described(e, w));
      return;
    } catch (ConflictException e) {
      ctx.status(409);
      flowPages.renderFlow(
          ctx, visit, ws, w.flow(), Form.empty(), Optional.of("Not published: " + e.getMessage()));
      return;
    }
    pages.redirect(ctx, FlowViews.flowHref(ws, published.id()) + "?notice=published");
  }

  private void discard(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Working w = working(visit, ws, ctx.pathParam("id"));
    try {
      flows().discardDraft(visit.caller(), ws.id(), w.flow().id());
    } catch (ConflictException e) {
      // Already discarded, by another tab or person: the page shows the flow as it is.
    }
    pages.redirect(ctx, FlowViews.flowHref(ws, w.flow().id()) + "?notice=draft_discarded");
  }
}
