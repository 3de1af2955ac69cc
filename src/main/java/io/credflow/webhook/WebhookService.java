package io.credflow.webhook;

import io.credflow.common.ConflictException;
import io.credflow.common.Field;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.outbound.OutboundPolicy;
import io.credflow.outbound.OutboundRefusedException;
import io.credflow.tenancy.Access;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A workspace's event webhooks: subscriptions made, read, changed and deleted, their deliveries
 * with every attempt, a delivery sent again, and a ping. Only the workspace's admins may do any of
 * it (a subscription sends the workspace's events elsewhere); others who see the workspace get a
 * 403, everybody else a 404.
 */
public final class WebhookService {
  /** The shortest and longest signing secret a subscription may be given. */
  public static final int MIN_SECRET = 16;

  public static final int MAX_SECRET = 512;
  public static final int MAX_URL = 2048;

  /** Random bytes of a generated secret (base64url, 43 characters). */
  private static final int SECRET_BYTES = 32;

  private final WebhookRepository repository;
  private final TenancyService tenancy;
  private final WebhookDispatcher dispatcher;
  private final OutboundPolicy policy;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public WebhookService(
      WebhookRepository repository,
      TenancyService tenancy,
      WebhookDispatcher dispatcher,
      OutboundPolicy policy,
      Clock clock) {
    this.repository = repository;
    this.tenancy = tenancy;
    this.dispatcher = dispatcher;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * A new subscription; members as parsed JSON (any type), so that one answer names every problem.
   * Without a {@code secret} one is generated.
   */
  public record NewWebhook(
      Optional<Object> url,
      Optional<Object> eventTypes,
      Optional<Object> secret,
      Optional<Object> active) {}

  /** A change; absent members stay as they are; a {@code secret} replaces the old one. */
  public record Change(
      Optional<Object> url,
      Optional<Object> eventTypes,
      Optional<Object> secret,
      Optional<Object> active) {}

  /** A created subscription, with its secret when Credflow generated it: shown this once. */
  public record Created(Webhook webhook, Optional<Secret> generatedSecret) {}

  /** A delivery with its attempts, in order. */
  public record DeliveryView(Delivery delivery, List<Attempt> attempts) {}

  /** The event types a subscription may name. */
  public List<String> eventTypes() {
    return EventTypes.SUBSCRIBABLE;
  }

  /** Whether plain {@code http://} URLs are accepted (the outbound guard lets private ones in). */
  public boolean httpAllowed() {
    return policy.allowPrivateNetwork();
  }

  public Created create(Caller caller, String workspaceId, NewWebhook request) {
    Workspace ws = adminWorkspace(caller, workspaceId);
    List<Violation> problems = new ArrayList<>();
    String url = url(request.url(), true, problems).orElse("");
    List<String> types = eventTypes(request.eventTypes(), true, problems).orElse(List.of());
    Optional<Secret> given = secret(request.secret(), problems);
    boolean active = active(request.active(), problems).orElse(true);
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    Secret secret = given.orElseGet(this::generate);
    Instant now = clock.instant();
    Webhook webhook =
        new Webhook(Ids.newId(), 0, ws.id(), url, types, active, now, caller.user().id(), now);
    repository.insert(webhook, secret);
    return new Created(
        repository.find(webhook.id()).orElseThrow(),
        given.isPresent() ? Optional.empty() : Optional.of(secret));
  }

  public Page<Webhook> list(Caller caller, String workspaceId, PageRequest page) {
    Workspace ws = adminWorkspace(caller, workspaceId);
    List<Webhook> fetched = repository.list(ws.id(), page.afterOrZero(), page.size() + 1);
    return Page.of(fetched, page.size(), Webhook::seq);
  }

  public Webhook get(Caller caller, String workspaceId, String id) {
    return find(adminWorkspace(caller, workspaceId), id);
  }

  public Webhook update(Caller caller, String workspaceId, String id, Change change) {
    Webhook current = get(caller, workspaceId, id);
    List<Violation> problems = new ArrayList<>();
    Optional<String> url = url(change.url(), false, problems);
    Optional<List<String>> types = eventTypes(change.eventTypes(), false, problems);
    Optional<Secret> secret = secret(change.secret(), problems);
    Optional<Boolean> active = active(change.active(), problems);
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    Webhook changed =
        current.with(
            url.orElse(current.url()),
            types.orElse(current.eventTypes()),
            active.orElse(current.active()),
            clock.instant());
    if (!repository.update(changed, secret)) {
      throw new NotFoundException("webhook", id);
    }
    return repository.find(id).orElseThrow(() -> new NotFoundException("webhook", id));
  }

  public void delete(Caller caller, String workspaceId, String id) {
    Webhook webhook = get(caller, workspaceId, id);
    if (!repository.delete(webhook.id())) {
      throw new NotFoundException("webhook", id);
    }
  }

  /** The subscription's deliveries, newest first, each with its attempts. */
  public Page<DeliveryView> deliveries(
      Caller caller, String workspaceId, String id, PageRequest page) {
    Webhook webhook = get(caller, workspaceId, id);
    List<Delivery> fetched =
        repository.deliveries(webhook.id(), page.afterOrZero(), page.size() + 1);
    Page<Delivery> cut = Page.of(fetched, page.size(), Delivery::seq);
    Map<String, List<Attempt>> attempts =
        repository.attempts(cut.items().stream().map(Delivery::id).toList());
    return cut.map(d -> new DeliveryView(d, attempts.getOrDefault(d.id(), List.of())));
  }

  public DeliveryView delivery(Caller caller, String workspaceId, String id, String deliveryId) {
    Webhook webhook = get(caller, workspaceId, id);
    Delivery d = findDelivery(webhook, deliveryId);
    return new DeliveryView(
        d, repository.attempts(List.of(d.id())).getOrDefault(d.id(), List.of()));
  }

  /** The newest delivery of each subscription that has one, for lists. */
  public Map<String, Delivery> latestDeliveries(
      Caller caller, String workspaceId, List<Webhook> webhooks) {
    Workspace ws = adminWorkspace(caller, workspaceId);
    return repository.latest(
        webhooks.stream().filter(w -> w.workspaceId().equals(ws.id())).map(Webhook::id).toList());
  }

  /**
   * Sends a delivery again now, whatever it came to (delivered, failed or waiting for its next
   * attempt): with the same event id and body, signed anew.
   */
  public DeliveryView retry(Caller caller, String workspaceId, String id, String deliveryId) {
    Webhook webhook = get(caller, workspaceId, id);
    Delivery d = findDelivery(webhook, deliveryId);
    if (!dispatcher.retryNow(d)) {
      throw new ConflictException(
          "delivery_changed",
          "delivery " + d.id() + " changed while it was sent again; look at it and retry");
    }
    return delivery(caller, workspaceId, id, deliveryId);
  }

  /** Sends a {@value EventTypes#PING} event to the subscription now, to test its endpoint. */
  public Delivery ping(Caller caller, String workspaceId, String id) {
    Webhook webhook = get(caller, workspaceId, id);
    return dispatcher.ping(webhook);
  }

  private Webhook find(Workspace ws, String id) {
    return repository
        .find(id)
        .filter(w -> w.workspaceId().equals(ws.id()))
        .orElseThrow(() -> new NotFoundException("webhook", id));
  }

  private Delivery findDelivery(Webhook webhook, String deliveryId) {
    return repository
        .delivery(deliveryId)
        .filter(d -> d.webhookId().equals(webhook.id()))
        .orElseThrow(() -> new NotFoundException("delivery", deliveryId));
  }

  private Workspace adminWorkspace(Caller caller, String workspaceId) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    Access.requireAdmin(caller, ws.location(), "workspace " + ws.id());
    return ws;
  }

  private Secret generate() {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  // ---------------------------------------------------------------- validation

  private Optional<String> url(Optional<Object> given, boolean required, List<Violation> problems) {
    if (given.isEmpty()) {
      if (required) {
        problems.add(
            new Violation(
                "url", "missing_attribute", "url is required: where the events are POSTed"));
      }
      return Optional.empty();
    }
    if (!(given.get() instanceof String url)) {
      problems.add(new Violation("url", "invalid_type", "url must be a string"));
      return Optional.empty();
    }
    if (url.isBlank()) {
      problems.add(
          new Violation(
              "url", "missing_attribute", "url is required: where the events are POSTed"));
      return Optional.empty();
    }
    if (url.length() > MAX_URL) {
      problems.add(
          new Violation(
              "url",
              "url_too_long",
              "url must be at most " + MAX_URL + " characters, was " + url.length()));
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      problems.add(
          new Violation(
              "url",
              "invalid_url",
              "url is not a valid URL: " + e.getReason() + " at " + e.getIndex()));
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean http = scheme.equals("http") && policy.allowPrivateNetwork();
    if (!scheme.equals("https") && !http) {
      problems.add(
          new Violation(
              "url",
              "invalid_url",
              "url must be an absolute https:// URL"
                  + (policy.allowPrivateNetwork() ? " (or http://)" : "")
                  + ", was "
                  + (scheme.isEmpty() ? "one without a scheme" : "a " + scheme + ": one")));
      return Optional.empty();
    }
    try {
      policy.checkUrl(uri);
    } catch (OutboundRefusedException e) {
      problems.add(new Violation("url", e.code(), e.getMessage()));
      return Optional.empty();
    }
    if (uri.getRawFragment() != null) {
      problems.add(
          new Violation("url", "invalid_url", "url must have no #fragment: it is never sent"));
      return Optional.empty();
    }
    return Optional.of(uri.toString());
  }

  private static Optional<List<String>> eventTypes(
      Optional<Object> given, boolean required, List<Violation> problems) {
    String field = "event_types";
    if (given.isEmpty()) {
      if (required) {
        problems.add(
            new Violation(
                field,
                "missing_attribute",
                "event_types is required: a list of one or more of " + EventTypes.SUBSCRIBABLE));
      }
      return Optional.empty();
    }
    if (!(given.get() instanceof List<?> list)) {
      problems.add(
          new Violation(
              field,
              "invalid_type",
              "event_types must be a list of one or more of " + EventTypes.SUBSCRIBABLE));
      return Optional.empty();
    }
    if (list.isEmpty()) {
      problems.add(
          new Violation(
              field,
              "empty_list",
              "event_types must name at least one of " + EventTypes.SUBSCRIBABLE));
      return Optional.empty();
    }
    List<String> types = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int before = problems.size();
    for (int i = 0; i < list.size(); i++) {
      String at = Field.item(field, i);
      if (!(list.get(i) instanceof String type)) {
        problems.add(new Violation(at, "invalid_type", "an event type must be a string"));
      } else if (!EventTypes.subscribable(type)) {
        problems.add(
            new Violation(
                at,
                "unknown_event_type",
                "\""
                    + printable(type)
                    + "\" is no event type a webhook can subscribe to; known: "
                    + EventTypes.SUBSCRIBABLE));
      } else if (!seen.add(type)) {
        problems.add(new Violation(at, "duplicate_event_type", "\"" + type + "\" is named twice"));
      } else {
        types.add(type);
      }
    }
    return problems.size() == before ? Optional.of(types) : Optional.empty();
  }

  private static Optional<Secret> secret(Optional<Object> given, List<Violation> problems) {
    if (given.isEmpty()) {
      return Optional.empty();
    }
    if (!(given.get() instanceof String s)) {
      problems.add(new Violation("secret", "invalid_type", "secret must be a string"));
      return Optional.empty();
    }
    // The secret itself is never repeated: only its length.
    if (s.length() < MIN_SECRET || s.length() > MAX_SECRET) {
      problems.add(
          new Violation(
              "secret",
              "invalid_secret_length",
              "secret must be "
                  + MIN_SECRET
                  + " to "
                  + MAX_SECRET
                  + " characters, was "
                  + s.length()
                  + "; leave it out to have one generated"));
      return Optional.empty();
    }
    if (s.isBlank()) {
      problems.add(new Violation("secret", "invalid_secret", "secret must not be blank"));
      return Optional.empty();
    }
    return Optional.of(Secret.of(s));
  }

  private static Optional<Boolean> active(Optional<Object> given, List<Violation> problems) {
    if (given.isEmpty()) {
      return Optional.empty();
    }
    if (!(given.get() instanceof Boolean b)) {
      problems.add(new Violation("active", "invalid_type", "active must be true or false"));
      return Optional.empty();
    }
    return Optional.of(b);
  }

  private static String printable(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() > 60 ? p.substring(0, 60) + "…" : p;
  }
}
