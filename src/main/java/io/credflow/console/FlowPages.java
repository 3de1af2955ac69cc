package io.credflow.console;

import static io.credflow.console.Web.params;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.common.ConflictException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.Component;
import io.credflow.console.view.DraftView;
import io.credflow.console.view.FlowPage;
import io.credflow.console.view.FlowRow;
import io.credflow.console.view.Form;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.credential.Credential;
import io.credflow.executor.Message;
import io.credflow.flow.Flow;
import io.credflow.flow.FlowDefinition;
import io.credflow.flow.FlowParser;
import io.credflow.flow.FlowService;
import io.credflow.flow.FlowStatus;
import io.credflow.flow.Run;
import io.credflow.flow.Step;
import io.credflow.flow.Trigger;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flows: the workspace's flows with their last run, a new flow (name, trigger, and its first REST
 * API step), and a flow's page: its trigger (the webhook URL to copy), its steps with their
 * credentials' states, a step added, rename, activate and deactivate, Run now, its recent runs and
 * Delete (refused while runs are running, with the service's reason).
 */
final class FlowPages {
  static final String BASE = "/w/{ws}/flows";

  /** The fields of the new-flow form; a refusal lands at one of them or above the form. */
  static final List<String> CREATE_FIELDS =
      List.of("name", "trigger", "cron", "zone", "credential", "method", "url", "error_policy");

  /** The fields of the forms on a flow's page. */
  static final List<String> FLOW_FIELDS =
      List.of("name", "message", "step_name", "credential", "method", "url", "error_policy");

  private static final List<String> TRIGGERS = List.of("manual", "webhook", "schedule");
  private static final List<String> TRIGGERS_ALL = List.of("manual", "webhook", "schedule", "poll");
  private static final Pattern STEP_FIELD = Pattern.compile("steps/(\\d+)(?:/(.*))?");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConsolePages pages;
  private final FlowViews views;
  private final DesignerPages designer;

  FlowPages(ConsolePages pages) {
    this.pages = pages;
    this.views = new FlowViews(pages);
    this.designer = new DesignerPages(pages, views, this);
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get(BASE, web.signedIn(this::list));
    routes.post(BASE, web.signedIn(this::create));
    routes.get(BASE + "/{id}", web.signedIn(this::show));
    routes.post(BASE + "/{id}/rename", web.signedIn(this::rename));
    routes.post(BASE + "/{id}/status", web.signedIn(this::status));
    routes.post(BASE + "/{id}/run", web.signedIn(this::runNow));
    routes.post(BASE + "/{id}/delete", web.signedIn(this::delete));
    designer.register(routes);
  }

  private FlowService flows() {
    return pages.services().flows();
  }

  // ---------------------------------------------------------------- the list and a new flow

  private void list(Context ctx, Visit visit) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("trigger", "manual");
    values.put("zone", "UTC");
    values.put("method", "GET");
    values.put("error_policy", "byComponent");
    renderList(ctx, visit, pages.workspace(ctx, visit), Form.of(values));
  }

  private void renderList(Context ctx, Visit visit, Workspace ws, Form form) {
    List<FlowRow> rows =
        Page.all(page -> flows().list(visit.caller(), ws.id(), page)).stream()
            .map(f -> views.row(visit, ws, f))
            .toList();
    pages.render(
        ctx,
        "flows/list.jte",
        pages.shell(ctx, visit, ws, "flows", "Flows", List.of(Crumb.here("Flows"))),
        params(
            "rows",
            rows,
            "form",
            form,
            "triggers",
            TRIGGERS,
            "step",
            views.stepForm(visit, ws, form.value("credential"))));
  }

  private void create(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Map<String, String> typed = Web.fields(ctx, CREATE_FIELDS);
    List<Violation> mine = new ArrayList<>();
    Map<String, Object> step = step(visit, ws, typed, "step1", "Step 1", mine);
    Flow created;
    try {
      String name = typed.getOrDefault("name", "");
      refuseWith(mine, trigger(typed), List.of(step), Optional.of(name));
      created =
          flows()
              .create(
                  visit.caller(),
                  ws.id(),
                  new FlowService.NewFlow(
                      Optional.of(name),
                      Optional.of(trigger(typed)),
                      Optional.of(List.of(step)),
                      Optional.of(FlowStatus.DRAFT)));
    } catch (ValidationException e) {
      ctx.status(422);
      renderList(ctx, visit, ws, form(typed, e, mine, 0));
      return;
    }
    pages.redirect(ctx, FlowViews.flowHref(ws, created.id()) + "?notice=created");
  }

  private static Map<String, Object> trigger(Map<String, String> typed) {
    Map<String, Object> t = new LinkedHashMap<>();
    String type = typed.getOrDefault("trigger", "manual");
    t.put("type", type);
    if (type.equals("schedule")) {
      String cron = typed.getOrDefault("cron", "").strip();
      if (!cron.isEmpty()) {
        t.put("cron", cron);
      }
      String zone = typed.getOrDefault("zone", "").strip();
      t.put("timeZone", zone.isEmpty() ? "UTC" : zone);
    }
    return t;
  }

  /**
   * A REST API step from the form: its component is its credential's. What the form alone can tell
   * is wrong (no credential, no URL, a URL that is not http or https) goes to {@code problems}; the
   * service finds the rest.
   */
  private Map<String, Object> step(
      Visit visit,
      Workspace ws,
      Map<String, String> typed,
      String id,
      String defaultName,
      List<Violation> problems) {
    Optional<Credential> credential = views.credential(visit, ws, typed.get("credential"));
    if (credential.isEmpty()) {
      problems.add(
          new Violation(
              "credential",
              "missing_member",
              typed.getOrDefault("credential", "").isBlank()
                  ? "choose the credential the step sends its request with"
                  : "that credential is not in this workspace"));
    }
    String url = typed.getOrDefault("url", "").strip();
    if (url.isEmpty()) {
      problems.add(
          new Violation("url", "missing_member", "a step needs the URL it sends its request to"));
    } else if (!isHttpUrl(url)) {
      problems.add(
          new Violation(
              "url", "invalid_value", "the URL must start with http:// or https://, was " + url));
    }
    Map<String, Object> reader = new LinkedHashMap<>();
    reader.put("method", typed.getOrDefault("method", "GET"));
    reader.put("url", "\"" + url.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("reader", reader);
    config.put("errorPolicy", typed.getOrDefault("error_policy", "byComponent"));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id);
    String name = typed.getOrDefault("step_name", "").strip();
    s.put("name", name.isEmpty() ? defaultName : name);
    // A missing credential still makes a step the service can read, so that one answer names
    // every problem; its complaints about the stand-in are dropped for the form's own.
    s.put("component", Map.of("id", credential.map(Credential::componentId).orElse("none")));
    s.put("function", Step.HTTP_REQUEST);
    s.put("credential", Map.of("id", credential.map(Credential::id).orElse("none")));
    s.put("config", config);
    return s;
  }

  /**
   * When the form itself found problems, nothing is stored: they are answered with what the parser
   * and the name check find besides, so one answer still names every problem.
   */
  private static void refuseWith(
      List<Violation> mine, Object trigger, List<?> steps, Optional<String> name) {
    if (mine.isEmpty()) {
      return;
    }
    List<Violation> all = new ArrayList<>(mine);
    name.ifPresent(
        n -> {
          try {
            TenancyService.checkName(n);
          } catch (ValidationException e) {
            all.addAll(e.violations());
          }
        });
    try {
      FlowParser.parse(trigger, steps);
    } catch (ValidationException e) {
      all.addAll(e.violations());
    }
    throw new ValidationException(all);
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /**
   * The form again with each problem at its field: the form's own first, then the service's (those
   * of step {@code index} at the step's fields, others above the form).
   */
  private static Form form(
      Map<String, String> typed, ValidationException e, List<Violation> mine, int index) {
    Map<String, String> errors = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    mine.forEach(v -> errors.merge(v.field(), v.detail(), (a, b) -> a + "; " + b));
    for (Violation v : e.violations()) {
      Optional<String> field = fieldOf(v.field(), index);
      if (field.isEmpty()) {
        problems.add(v.field() + ": " + v.detail());
      } else if (!errors.containsKey(field.get())) {
        errors.put(field.get(), v.detail());
      } else if (!mine.stream().anyMatch(m -> m.field().equals(field.get()))) {
        errors.merge(field.get(), v.detail(), (a, b) -> a + "; " + b);
      }
    }
    return new Form(typed, errors, problems);
  }

  private static Optional<String> fieldOf(String field, int index) {
    if (CREATE_FIELDS.contains(field) || FLOW_FIELDS.contains(field)) {
      return Optional.of(field);
    }
    if (field.startsWith("trigger")) {
      return Optional.of(
          switch (field) {
            case "trigger/cron" -> "cron";
            case "trigger/timeZone" -> "zone";
            default -> "trigger";
          });
    }
    Matcher m = STEP_FIELD.matcher(field);
    if (!m.matches() || Integer.parseInt(m.group(1)) != index) {
      return Optional.empty();
    }
    String rest = m.group(2) == null ? "" : m.group(2);
    if (rest.startsWith("credential") || rest.startsWith("component")) {
      return Optional.of("credential");
    }
    if (rest.equals("name")) {
      return Optional.of("step_name");
    }
    if (rest.startsWith("config/reader/method")) {
      return Optional.of("method");
    }
    if (rest.startsWith("config/errorPolicy")) {
      return Optional.of("error_policy");
    }
    return rest.startsWith("config") ? Optional.of("url") : Optional.empty();
  }

  // ---------------------------------------------------------------- a flow's page

  private void show(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Flow flow = flows().get(visit.caller(), ws.id(), ctx.pathParam("id"));
    renderFlow(ctx, visit, ws, flow, Form.of(Map.of("method", "GET")), Optional.empty());
  }

  void renderFlow(
      Context ctx, Visit visit, Workspace ws, Flow flow, Form form, Optional<String> problem) {
    DesignerPages.Working working = designer.working(visit, ws, flow.id());
    FlowDefinition shown = working.definition();
    String href = FlowViews.flowHref(ws, flow.id());
    List<FlowPage.StepRow> steps = new ArrayList<>();
    List<Step> defined = shown.steps();
    boolean unpublishable = false;
    for (int i = 0; i < defined.size(); i++) {
      Step s = defined.get(i);
      Optional<Credential> c = views.credential(visit, ws, s.credentialId());
      Optional<Component> component = pages.services().components().findUnchecked(s.componentId());
      boolean unusable = c.map(DesignerPages::unusable).orElse(true);
      unpublishable |= unusable;
      steps.add(
          new FlowPage.StepRow(
              i + 1,
              s.id(),
              s.name(),
              component.map(Component::name).orElse(s.componentId()),
              s.spec().method().name(),
              urlOf(s),
              Labels.errorPolicy(s.spec().errorPolicy()),
              c.map(x -> Labels.row(x, component, pages.now(), "/w/" + ws.id())),
              s.credentialId(),
              unusable,
              href + "/steps/" + s.id() + "/edit",
              i == 0,
              i == defined.size() - 1));
    }
    List<Run> runs =
        pages
            .services()
            .runs()
            .runs(visit.caller(), ws.id(), flow.id(), PageRequest.first(20))
            .items();
    Trigger trigger = shown.trigger();
    Optional<String> webhookUrl =
        trigger instanceof Trigger.Webhook
            ? Optional.of(webhookUrl(flow))
            : Optional.<String>empty();
    Optional<String> schedule =
        trigger.timed().map(t -> designer.cronWords(t.cron(), t.zone().getId()));
    Map<String, String> values = new LinkedHashMap<>(form.values());
    values.putIfAbsent("trigger", trigger.type());
    trigger
        .timed()
        .ifPresent(
            t -> {
              values.putIfAbsent("cron", t.cron());
              values.putIfAbsent("zone", t.zone().getId());
            });
    values.putIfAbsent("zone", "UTC");
    Form shownForm = new Form(values, form.errors(), form.problems());
    Optional<DraftView> draft =
        working
            .draft()
            .map(
                d ->
                    new DraftView(
                        Labels.when(d.savedAt()),
                        d.baseVersion(),
                        d.baseVersion() == flow.version()
                            ? Optional.empty()
                            : Optional.of(flow.version())));
    pages.render(
        ctx,
        "flows/show.jte",
        pages.shell(
            ctx,
            visit,
            ws,
            "flows",
            flow.name(),
            List.of(Crumb.link("Flows", "/w/" + ws.id() + "/flows"), Crumb.here(flow.name()))),
        params(
            "view",
            new FlowPage(
                views.row(visit, ws, flow),
                draft,
                trigger.type(),
                triggerLabel(trigger),
                webhookUrl,
                flow.signed(),
                schedule,
                steps,
                unpublishable,
                runs.stream().map(r -> views.runRow(ws, r)).toList(),
                problem),
            "form",
            shownForm,
            "triggers",
            TRIGGERS_ALL));
  }

  private static String urlOf(Step s) {
    Object config = s.config();
    if (config instanceof Map<?, ?> c && c.get("reader") instanceof Map<?, ?> r) {
      String url = String.valueOf(r.get("url"));
      // A JSONata string literal, as the form writes it, is shown as the URL it is.
      return url.matches("\"[^\"\\\\]*\"") ? url.substring(1, url.length() - 1) : url;
    }
    return "";
  }

  private static String triggerLabel(Trigger t) {
    return switch (t) {
      case Trigger.Manual m -> "Manual: Run now, or POST …/flows/{id}/runs";
      case Trigger.Webhook w ->
          "Webhook: any call to its URL starts a run"
              + w.signatureHeader().map(h -> ", signed in " + h).orElse("");
      case Trigger.Schedule s -> "Schedule";
      case Trigger.Poll p -> "Poll: the REST API request, on a schedule";
    };
  }

  private String webhookUrl(Flow flow) {
    String base = pages.services().publicUrl().get().toString();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
        + "/hooks/"
        + flow.hookId();
  }

  private Flow flow(Context ctx, Visit visit, Workspace ws) {
    return flows().get(visit.caller(), ws.id(), ctx.pathParam("id"));
  }

  private void rename(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Flow flow = flow(ctx, visit, ws);
    Map<String, String> typed = Web.fields(ctx, List.of("name"));
    try {
      flows()
          .update(
              visit.caller(),
              ws.id(),
              flow.id(),
              new FlowService.Change(
                  Optional.of(typed.getOrDefault("name", "")),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty()));
    } catch (ValidationException e) {
      ctx.status(422);
      renderFlow(ctx, visit, ws, flow, new Form(typed, Web.errors(e), List.of()), Optional.empty());
      return;
    }
    pages.redirect(ctx, FlowViews.flowHref(ws, flow.id()) + "?notice=saved");
  }

  private void status(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Flow flow = flow(ctx, visit, ws);
    FlowStatus status =
        "active".equals(ctx.formParam("status")) ? FlowStatus.ACTIVE : FlowStatus.INACTIVE;
    try {
      flows()
          .update(
              visit.caller(),
              ws.id(),
              flow.id(),
              new FlowService.Change(
                  Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(status)));
    } catch (ValidationException e) {
      ctx.status(422);
      renderFlow(
          ctx,
          visit,
          ws,
          flow,
          Form.empty(),
          Optional.of(
              "Not activated: "
                  + String.join("; ", e.violations().stream().map(Violation::detail).toList())));
      return;
    }
    pages.redirect(ctx, FlowViews.flowHref(ws, flow.id()) + "?notice=saved");
  }

  /** Run now: a manual run with the typed JSON as its message's body. */
  private void runNow(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Flow flow = flow(ctx, visit, ws);
    Map<String, String> typed = Web.fields(ctx, List.of("message"));
    String text = typed.getOrDefault("message", "").strip();
    Object body = Map.of();
    if (!text.isEmpty()) {
      try {
        body = JSON.readValue(text, Object.class);
      } catch (JsonProcessingException e) {
        ctx.status(422);
        renderFlow(
            ctx,
            visit,
            ws,
            flow,
            new Form(
                typed,
                Map.of(
                    "message",
                    "the message is not valid JSON: "
                        + e.getOriginalMessage()
                        + (e.getLocation() == null
                            ? ""
                            : " (line "
                                + e.getLocation().getLineNr()
                                + ", column "
                                + e.getLocation().getColumnNr()
                                + ")")),
                List.of()),
            Optional.empty());
        return;
      }
    }
    Run run;
    try {
      run =
          pages.services().runs().start(visit.caller(), ws.id(), flow.id(), Message.of(body, null));
    } catch (ConflictException e) {
      ctx.status(409);
      renderFlow(
          ctx,
          visit,
          ws,
          flow,
          new Form(typed, Map.of("message", e.getMessage()), List.of()),
          Optional.empty());
      return;
    }
    pages.redirect(ctx, FlowViews.runHref(ws, run.id()) + "?notice=started");
  }

  private void delete(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Flow flow = flow(ctx, visit, ws);
    try {
      flows().delete(visit.caller(), ws.id(), flow.id());
    } catch (ConflictException e) {
      ctx.status(409);
      renderFlow(ctx, visit, ws, flow, Form.empty(), Optional.of("Not deleted: " + e.getMessage()));
      return;
    }
    pages.redirect(ctx, "/w/" + ws.id() + "/flows?notice=deleted");
  }
}
