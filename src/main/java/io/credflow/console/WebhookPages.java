package io.credflow.console;

import static io.credflow.console.Web.params;

import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.ValidationException;
import io.credflow.console.view.Form;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.console.view.WebhookPage;
import io.credflow.tenancy.Workspace;
import io.credflow.webhook.Attempt;
import io.credflow.webhook.Delivery;
import io.credflow.webhook.Webhook;
import io.credflow.webhook.WebhookService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Event webhooks: the workspace's subscriptions with how their last delivery went, a new one (URL
 * and event types; the generated secret shown once, on the page that answers the form), and a
 * subscription's page with its recent deliveries and attempts, Retry, Ping, activate or deactivate
 * and Delete. The same service as the API: only workspace admins get past it.
 */
final class WebhookPages {
  static final String BASE = "/w/{ws}/webhooks";

  /** How many of the newest deliveries a subscription's page shows. */
  static final int RECENT = 20;

  /** The form's checkbox of event type {@code type}. */
  static String typeField(String type) {
    return "type." + type;
  }

  private final ConsolePages pages;

  WebhookPages(ConsolePages pages) {
    this.pages = pages;
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get(BASE, web.signedIn(this::list));
    routes.post(BASE, web.signedIn(this::create));
    routes.get(BASE + "/{id}", web.signedIn(this::show));
    routes.post(BASE + "/{id}/ping", web.signedIn(this::ping));
    routes.post(BASE + "/{id}/status", web.signedIn(this::status));
    routes.post(BASE + "/{id}/delete", web.signedIn(this::delete));
    routes.post(BASE + "/{id}/deliveries/{delivery}/retry", web.signedIn(this::retry));
  }

  private WebhookService webhooks() {
    return pages.services().webhooks();
  }

  private static String href(Workspace ws, String id) {
    return "/w/" + ws.id() + "/webhooks/" + id;
  }

  private void list(Context ctx, Visit visit) {
    Map<String, String> values = new LinkedHashMap<>();
    webhooks().eventTypes().forEach(t -> values.put(typeField(t), "on"));
    renderList(ctx, visit, pages.workspace(ctx, visit), Form.of(values));
  }

  private void renderList(Context ctx, Visit visit, Workspace ws, Form form) {
    List<Webhook> all = Page.all(page -> webhooks().list(visit.caller(), ws.id(), page));
    Map<String, Delivery> latest = webhooks().latestDeliveries(visit.caller(), ws.id(), all);
    List<WebhookPage.Row> rows =
        all.stream().map(w -> row(ws, w, Optional.ofNullable(latest.get(w.id())))).toList();
    pages.render(
        ctx,
        "webhooks/list.jte",
        pages.shell(ctx, visit, ws, "webhooks", "Webhooks", List.of(Crumb.here("Webhooks"))),
        params(
            "rows",
            rows,
            "form",
            form,
            "types",
            webhooks().eventTypes(),
            "httpAllowed",
            webhooks().httpAllowed()));
  }

  private void create(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    List<String> names = new ArrayList<>(List.of("url"));
    webhooks().eventTypes().forEach(t -> names.add(typeField(t)));
    Map<String, String> typed = Web.fields(ctx, names);
    List<Object> types = new ArrayList<>();
    webhooks().eventTypes().stream()
        .filter(t -> typed.containsKey(typeField(t)))
        .forEach(types::add);
    WebhookService.Created created;
    try {
      created =
          webhooks()
              .create(
                  visit.caller(),
                  ws.id(),
                  new WebhookService.NewWebhook(
                      Optional.of(typed.getOrDefault("url", "").strip()),
                      Optional.of(types),
                      Optional.empty(),
                      Optional.empty()));
    } catch (ValidationException e) {
      Map<String, String> errors = new LinkedHashMap<>();
      e.violations()
          .forEach(
              v ->
                  errors.merge(
                      v.field().startsWith("event_types") ? "event_types" : v.field(),
                      v.detail(),
                      (a, b) -> a + "; " + b));
      ctx.status(422);
      renderList(ctx, visit, ws, new Form(typed, errors, List.of()));
      return;
    }
    // The secret is shown on this answer only: it never goes into a URL or a redirect.
    ctx.status(201);
    renderShow(ctx, visit, ws, created.webhook(), created.generatedSecret().map(s -> s.reveal()));
  }

  private void show(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Webhook w = webhooks().get(visit.caller(), ws.id(), ctx.pathParam("id"));
    renderShow(ctx, visit, ws, w, Optional.empty());
  }

  private void renderShow(
      Context ctx, Visit visit, Workspace ws, Webhook w, Optional<String> secret) {
    List<WebhookService.DeliveryView> recent =
        webhooks().deliveries(visit.caller(), ws.id(), w.id(), PageRequest.first(RECENT)).items();
    Optional<Delivery> last =
        recent.stream().findFirst().map(WebhookService.DeliveryView::delivery);
    String href = href(ws, w.id());
    List<WebhookPage.DeliveryRow> rows = recent.stream().map(v -> deliveryRow(href, v)).toList();
    pages.render(
        ctx,
        "webhooks/show.jte",
        pages.shell(
            ctx,
            visit,
            ws,
            "webhooks",
            "Webhook",
            List.of(Crumb.link("Webhooks", "/w/" + ws.id() + "/webhooks"), Crumb.here(w.url()))),
        params("view", new WebhookPage(row(ws, w, last), rows, secret, webhooks().httpAllowed())));
  }

  private WebhookPage.Row row(Workspace ws, Webhook w, Optional<Delivery> last) {
    return new WebhookPage.Row(
        w.id(),
        w.url(),
        w.eventTypes(),
        w.active(),
        Labels.when(w.createdAt()),
        last.map(d -> Labels.when(d.createdAt())),
        last.map(d -> d.status().wireName()),
        href(ws, w.id()));
  }

  private static WebhookPage.DeliveryRow deliveryRow(
      String href, WebhookService.DeliveryView view) {
    Delivery d = view.delivery();
    return new WebhookPage.DeliveryRow(
        d.id(),
        d.eventId(),
        d.eventType(),
        d.status().wireName(),
        d.attempts(),
        Labels.when(d.createdAt()),
        d.nextAttemptAt()
            .filter(x -> d.status() == io.credflow.webhook.DeliveryStatus.PENDING)
            .map(Labels::when),
        d.lastError(),
        view.attempts().stream().map(WebhookPages::attemptRow).toList(),
        href + "/deliveries/" + d.id() + "/retry");
  }

  private static WebhookPage.AttemptRow attemptRow(Attempt a) {
    // An attempt that got an answer has its status, and its error (for a status that is not a
    // 2xx) only says that status again: the status is shown, once. One that got none has its error.
    String outcome = a.statusCode().map(s -> "HTTP " + s).orElseGet(() -> a.error().orElse(""));
    return new WebhookPage.AttemptRow(
        a.number(), Labels.when(a.at()), a.duration().toMillis(), outcome);
  }

  private void ping(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    String id = ctx.pathParam("id");
    webhooks().ping(visit.caller(), ws.id(), id);
    pages.redirect(ctx, href(ws, id) + "?notice=ping_sent");
  }

  private void retry(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    String id = ctx.pathParam("id");
    webhooks().retry(visit.caller(), ws.id(), id, ctx.pathParam("delivery"));
    pages.redirect(ctx, href(ws, id) + "?notice=delivery_retried");
  }

  private void status(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    String id = ctx.pathParam("id");
    boolean active = "active".equals(ctx.formParam("status"));
    webhooks()
        .update(
            visit.caller(),
            ws.id(),
            id,
            new WebhookService.Change(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(active)));
    pages.redirect(ctx, href(ws, id) + "?notice=saved");
  }

  private void delete(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    webhooks().delete(visit.caller(), ws.id(), ctx.pathParam("id"));
    pages.redirect(ctx, "/w/" + ws.id() + "/webhooks?notice=deleted");
  }
}
