package io.credflow.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.common.Page;
import io.credflow.webhook.Attempt;
import io.credflow.webhook.Delivery;
import io.credflow.webhook.Webhook;
import io.credflow.webhook.WebhookService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;

/**
 * A workspace's event webhooks (subscriptions to credential and run events), their deliveries with
 * every attempt, a delivery sent again and a ping. The signing secret is write-only: the creation
 * answer shows it once when Credflow generated it; every other answer says {@code secret_set}.
 */
final class WebhookRoutes {
  private static final String BASE = "/v2/workspaces/{ws}/webhooks";
  private static final Set<String> ATTRIBUTES = Set.of("url", "event_types", "secret", "active");

  private final WebhookService webhooks;

  WebhookRoutes(WebhookService webhooks) {
    this.webhooks = webhooks;
  }

  void register(RoutesConfig routes) {
    routes.post(BASE, this::create);
    routes.get(
        BASE, ctx -> InWorkspace.list(ctx, "webhooks", webhooks::list, WebhookRoutes::webhook));
    routes.get(
        BASE + "/{id}",
        ctx -> InWorkspace.answer(ctx, 200, "webhook", webhooks::get, WebhookRoutes::webhook));
    routes.patch(BASE + "/{id}", this::update);
    routes.delete(BASE + "/{id}", ctx -> InWorkspace.delete(ctx, "webhook", webhooks::delete));
    routes.get(BASE + "/{id}/deliveries", this::deliveries);
    routes.post(BASE + "/{id}/deliveries/{delivery}/retry", this::retry);
    routes.post(BASE + "/{id}/ping", this::ping);
  }

  private void create(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    Requests.allowQuery(ctx, Set.of());
    Document doc = Document.read(ctx, "webhook", ATTRIBUTES, Set.of());
    doc.refuseClientId();
    WebhookService.Created created =
        webhooks.create(
            Requests.caller(ctx),
            ws,
            new WebhookService.NewWebhook(
                doc.value("url", false),
                doc.value("event_types", false),
                doc.value("secret", false),
                doc.value("active", false)));
    ObjectNode resource = webhook(created.webhook());
    // Shown this once: it is stored encrypted and never read back out.
    created
        .generatedSecret()
        .ifPresent(s -> Representations.attributes(resource).put("secret", s.reveal()));
    TenancyRoutes.created(
        ctx, "/v2/workspaces/" + ws + "/webhooks/" + created.webhook().id(), resource);
  }

  private void update(Context ctx) {
    InWorkspace.update(
        ctx,
        "webhook",
        ATTRIBUTES,
        (caller, ws, id, doc) ->
            webhooks.update(
                caller,
                ws,
                id,
                new WebhookService.Change(
                    doc.value("url", false),
                    doc.value("event_types", false),
                    doc.value("secret", false),
                    doc.value("active", false))),
        WebhookRoutes::webhook);
  }

  /** {@code GET …/webhooks/{id}/deliveries}: newest first, each with its attempts. */
  private void deliveries(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    String id = Requests.id(ctx, "id", "webhook");
    Requests.allowQuery(ctx, Set.of());
    Page<WebhookService.DeliveryView> page =
        webhooks.deliveries(Requests.caller(ctx), ws, id, Requests.page(ctx));
    JsonApi.write(
        ctx,
        200,
        Representations.list(
            page,
            WebhookRoutes::delivery,
            "/v2/workspaces/" + ws + "/webhooks/" + id + "/deliveries",
            TenancyRoutes.queryOf(ctx)));
  }

  /** {@code POST …/deliveries/{delivery}/retry}: {@code 202}; it is sent again at once. */
  private void retry(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    WebhookService.DeliveryView d =
        webhooks.retry(
            Requests.caller(ctx),
            Requests.id(ctx, "ws", "workspace"),
            Requests.id(ctx, "id", "webhook"),
            Requests.id(ctx, "delivery", "delivery"));
    JsonApi.write(ctx, 202, Representations.single(delivery(d)));
  }

  /** {@code POST …/webhooks/{id}/ping}: {@code 202} with the ping's delivery, sent at once. */
  private void ping(Context ctx) {
    InWorkspace.answer(
        ctx,
        202,
        "webhook",
        webhooks::ping,
        (Delivery d) -> delivery(new WebhookService.DeliveryView(d, java.util.List.of())));
  }

  static ObjectNode webhook(Webhook w) {
    ObjectNode r = Representations.resource("webhook", w.id());
    ObjectNode attrs = Representations.attributes(r);
    attrs.put("url", w.url());
    ArrayNode types = attrs.putArray("event_types");
    w.eventTypes().forEach(types::add);
    attrs.put("active", w.active()).put("secret_set", true);
    attrs.put("created_at", w.createdAt().toString()).put("updated_at", w.updatedAt().toString());
    Representations.relate(r, "workspace", "workspace", w.workspaceId());
    Representations.relate(r, "created_by", "user", w.createdBy());
    return r;
  }

  static ObjectNode delivery(WebhookService.DeliveryView view) {
    Delivery d = view.delivery();
    ObjectNode r = Representations.resource("webhook-delivery", d.id());
    ObjectNode attrs = Representations.attributes(r);
    attrs
        .put("event_id", d.eventId())
        .put("event_type", d.eventType())
        .put("status", d.status().wireName())
        .put("attempt_count", d.attempts());
    Representations.put(attrs, "next_attempt_at", d.nextAttemptAt());
    Representations.putInt(attrs, "last_status_code", d.lastStatus());
    Representations.putString(attrs, "last_error", d.lastError());
    attrs.put("created_at", d.createdAt().toString());
    Representations.put(attrs, "delivered_at", d.deliveredAt());
    attrs.set("payload", FlowRoutes.shown(payload(d.payload())));
    ArrayNode attempts = attrs.putArray("attempts");
    for (Attempt a : view.attempts()) {
      ObjectNode o = attempts.addObject();
      o.put("number", a.number()).put("at", a.at().toString());
      o.put("duration_ms", a.duration().toMillis());
      Representations.putInt(o, "status_code", a.statusCode());
      Representations.putString(o, "error", a.error());
    }
    Representations.relate(r, "webhook", "webhook", d.webhookId());
    return r;
  }

  private static Object payload(String json) {
    try {
      return JsonApi.toPlain(JsonApi.MAPPER.readTree(json));
    } catch (java.io.IOException e) {
      return json;
    }
  }
}
