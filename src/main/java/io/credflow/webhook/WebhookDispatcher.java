package io.credflow.webhook;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import io.credflow.common.Ids;
import io.credflow.common.Secret;
import io.credflow.common.Timing;
import io.credflow.credential.CredentialEvent;
import io.credflow.outbound.OutboundHttp;
import io.credflow.outbound.OutboundRefusedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns events into deliveries and sends them. {@link #enqueue} writes one delivery per active
 * subscription that wants the event, with its db-scheduler task ({@value Delivery#TASK}, instance
 * {@code delivery/dispatch}), in the caller's transaction: an event is recorded with its deliveries
 * or not at all. The task POSTs the delivery's body through the outbound guard, signed; a 2xx
 * delivers it, anything else (another status, a timeout, a refused address) is tried again with
 * backoff until a day after the event, then the delivery has failed. Every attempt is recorded, and
 * the delivery moves on only by a compare-and-set on its dispatch, together with the next task.
 */
public final class WebhookDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  /** The User-Agent of every delivery. */
  public static final String USER_AGENT = "Credflow-Webhooks";

  public static final String EVENT_ID_HEADER = "Credflow-Event-Id";
  public static final String EVENT_TYPE_HEADER = "Credflow-Event-Type";

  private static final int MAX_ERROR = 500;

  /** How deliveries are tried; tests shorten nothing but may read the waits. */
  public record Settings(
      Duration timeout, Duration firstRetry, Duration longestRetry, Duration giveUpAfter) {
    /** A receiver that has not answered after this has failed the attempt. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The wait after the first failed attempt; each next one twice as long, up to the longest. */
    public static final Duration DEFAULT_FIRST_RETRY = Duration.ofSeconds(30);

    public static final Duration DEFAULT_LONGEST_RETRY = Duration.ofHours(1);

    /** A delivery not delivered this long after its event has failed. */
    public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofHours(24);

    public Settings {
      Objects.requireNonNull(timeout, "timeout");
      if (!timeout.isPositive()
          || !firstRetry.isPositive()
          || longestRetry.compareTo(firstRetry) < 0
          || !giveUpAfter.isPositive()) {
        throw new IllegalArgumentException(
            "webhook timeout, first retry and give-up must be positive, the longest retry at least"
                + " the first");
      }
    }

    public static Settings defaults() {
      return new Settings(
          DEFAULT_TIMEOUT, DEFAULT_FIRST_RETRY, DEFAULT_LONGEST_RETRY, DEFAULT_GIVE_UP_AFTER);
    }

    /**
     * The wait after the {@code failures}-th failed attempt (1-based): the first retry doubled
     * {@code failures - 1} times, capped at the longest, with ±10% jitter from {@code random}.
     */
    public Duration retryWait(int failures, RandomGenerator random) {
      Duration d = firstRetry;
      for (int i = 1; i < failures && d.compareTo(longestRetry) < 0; i++) {
        d = d.multipliedBy(2);
      }
      if (d.compareTo(longestRetry) > 0) {
        d = longestRetry;
      }
      long millis = d.toMillis();
      long spread = millis / 10;
      long offset = spread == 0 ? 0 : random.nextLong(-spread, spread + 1);
      return Duration.ofMillis(millis + offset);
    }
  }

  private final WebhookRepository repository;
  private final OutboundHttp http;
  private final Settings settings;
  private final Timing timing;
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;
  private final Task<Void> task;
  private volatile Runnable wake = () -> {};

  private WebhookDispatcher(
      WebhookRepository repository,
      OutboundHttp http,
      MeterRegistry metrics,
      Settings settings,
      Timing timing) {
    this.repository = repository;
    this.http = http;
    this.settings = settings;
    this.timing = timing;
    this.delivered = outcome(metrics, "delivered");
    this.retried = outcome(metrics, "retried");
    this.failed = outcome(metrics, "failed");
    this.task =
        Tasks.custom(Delivery.TASK, Void.class)
            .onFailureReschedule(Schedules.fixedDelay(Duration.ofSeconds(30)))
            .onDeadExecutionRevive()
            .execute((instance, context) -> attempt(instance.getId()));
  }

  /** A dispatcher sending through {@code http}; its {@link #task()} must run on a scheduler. */
  public static WebhookDispatcher create(
      WebhookRepository repository,
      OutboundHttp http,
      MeterRegistry metrics,
      Settings settings,
      Timing timing) {
    return new WebhookDispatcher(repository, http, metrics, settings, timing);
  }

  private static Counter outcome(MeterRegistry metrics, String outcome) {
    return Counter.builder("credflow.webhook.deliveries")
        .description("Webhook delivery attempts by what they led to")
        .tag("outcome", outcome)
        .register(metrics);
  }

  /** The db-scheduler task that sends deliveries; register it with the process's scheduler. */
  public Task<Void> task() {
    return task;
  }

  /** How to make the scheduler look for due tasks at once (after a delivery was written). */
  public void wakeWith(Runnable newWake) {
    this.wake = Objects.requireNonNull(newWake, "wake");
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Writes a delivery of {@code e} for every active subscription of its workspace that wants it, in
   * the caller's transaction; types no subscription may name cost no query.
   */
  void enqueue(CredentialEvent e) {
    if (!EventTypes.subscribable(e.type())) {
      return;
    }
    List<Webhook> wanting =
        repository.active(e.workspaceId()).stream().filter(w -> w.wants(e.type())).toList();
    if (wanting.isEmpty()) {
      return;
    }
    String eventId = Ids.newId();
    String payload = Payloads.event(eventId, e, repository.credential(e.credentialId()));
    for (Webhook w : wanting) {
      repository.enqueue(
          Delivery.of(Ids.newId(), w.id(), e.workspaceId(), eventId, e.type(), payload, e.at()));
    }
  }

  /** Makes the scheduler look for the deliveries just written (their transaction committed). */
  void wake() {
    try {
      wake.run();
    } catch (RuntimeException e) {
      // The scheduler's next poll finds them all the same.
      LOG.debug("could not wake the scheduler: {}", e.getMessage());
    }
  }

  /** A {@value EventTypes#PING} delivery to {@code webhook}, sent at once. */
  Delivery ping(Webhook webhook) {
    Instant now = timing.clock().instant();
    String eventId = Ids.newId();
    Delivery d =
        Delivery.of(
            Ids.newId(),
            webhook.id(),
            webhook.workspaceId(),
            eventId,
            EventTypes.PING,
            Payloads.ping(eventId, webhook, now),
            now);
    repository.enqueue(d);
    wake();
    return d;
  }

  /** Sends {@code d} again now, whatever it came to; false when it changed meanwhile. */
  boolean retryNow(Delivery d) {
    boolean moved = repository.redispatch(d, timing.clock().instant());
    if (moved) {
      wake();
    }
    return moved;
  }

  private static final CompletionHandler<Void> DONE = new CompletionHandler.OnCompleteRemove<>();

  /** One execution of a delivery's task. */
  private CompletionHandler<Void> attempt(String instance) {
    int slash = instance.lastIndexOf('/');
    if (slash < 0) {
      return DONE;
    }
    String id = instance.substring(0, slash);
    int dispatch;
    try {
      dispatch = Integer.parseInt(instance.substring(slash + 1));
    } catch (NumberFormatException e) {
      return DONE;
    }
    Optional<Delivery> found = repository.delivery(id);
    if (found.isEmpty()
        || found.get().status() != DeliveryStatus.PENDING
        || found.get().dispatch() != dispatch) {
      return DONE; // delivered, given up, or dispatched again since: this task is left over
    }
    Delivery d = found.get();
    Optional<Webhook> webhook = repository.find(d.webhookId());
    if (webhook.isEmpty()) {
      return DONE; // deleted with its deliveries
    }
    Attempt attempt = send(webhook.get(), d);
    WebhookRepository.Next next = next(d, attempt);
    if (repository.recordAttempt(d, attempt, next)) {
      switch (next) {
        case WebhookRepository.Next.Delivered x -> delivered.increment();
        case WebhookRepository.Next.Retry r -> {
          retried.increment();
          if (!r.at().isAfter(timing.clock().instant())) {
            wake();
          }
        }
        case WebhookRepository.Next.Failed f -> failed.increment();
      }
    }
    return DONE;
  }

  /** What an attempt leads to: delivered, another attempt after the backoff, or given up. */
  private WebhookRepository.Next next(Delivery d, Attempt attempt) {
    Instant now = timing.clock().instant();
    if (attempt.delivered()) {
      return new WebhookRepository.Next.Delivered(now);
    }
    String why = attempt.error().orElseGet(() -> "answered HTTP " + attempt.statusCode().orElse(0));
    Instant retryAt = now.plus(settings.retryWait(attempt.number(), timing.jitter()));
    Instant deadline = d.createdAt().plus(settings.giveUpAfter());
    if (retryAt.isAfter(deadline)) {
      return new WebhookRepository.Next.Failed(
          why
              + "; given up after "
              + attempt.number()
              + (attempt.number() == 1 ? " attempt" : " attempts")
              + ", "
              + settings.giveUpAfter().toHours()
              + " h after the event");
    }
    return new WebhookRepository.Next.Retry(retryAt, why);
  }

  /** One POST of the delivery's body, signed now; every way it can end is an attempt. */
  private Attempt send(Webhook webhook, Delivery d) {
    int number = d.attempts() + 1;
    Instant at = timing.clock().instant();
    long started = System.nanoTime();
    if (!webhook.active() && !d.eventType().equals(EventTypes.PING)) {
      return failedAttempt(number, at, started, "not sent: the subscription is inactive");
    }
    Optional<Secret> secret;
    try {
      secret = repository.secret(webhook.id());
    } catch (RuntimeException e) {
      return failedAttempt(
          number, at, started, "not sent: the signing secret cannot be read with this keyset");
    }
    if (secret.isEmpty()) {
      return failedAttempt(number, at, started, "not sent: the subscription is gone");
    }
    Request request;
    try {
      request = http.newRequest(URI.create(webhook.url()));
    } catch (OutboundRefusedException refused) {
      return failedAttempt(number, at, started, "not sent: " + refused.getMessage());
    } catch (IllegalArgumentException bad) {
      return failedAttempt(number, at, started, "not sent: the URL cannot be read");
    }
    request
        .method(HttpMethod.POST)
        .timeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .headers(
            h -> {
              h.put(HttpHeader.USER_AGENT, USER_AGENT);
              h.put(EVENT_ID_HEADER, d.eventId());
              h.put(EVENT_TYPE_HEADER, d.eventType());
              h.put(Signature.HEADER, Signature.header(secret.get(), at, d.payload()));
            })
        .body(new StringRequestContent("application/json", d.payload(), StandardCharsets.UTF_8));
    CompletableFuture<Result> done = new CompletableFuture<>();
    // The answer's body is not read: only its status counts.
    request.send(done::complete);
    Result result;
    try {
      result = done.get();
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      return failedAttempt(number, at, started, "interrupted while sending");
    } catch (ExecutionException e) {
      return failedAttempt(number, at, started, failure(e.getCause()));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (result.isFailed()) {
      // No answer, or one cut short: not delivered, whatever its status said.
      return new Attempt(
          number, at, took, Optional.empty(), Optional.of(failure(result.getFailure())));
    }
    int status = result.getResponse().getStatus();
    return new Attempt(
        number,
        at,
        took,
        Optional.of(status),
        status >= 200 && status < 300 ? Optional.empty() : Optional.of("answered HTTP " + status));
  }

  private static Attempt failedAttempt(int number, Instant at, long started, String error) {
    return new Attempt(
        number,
        at,
        Duration.ofNanos(System.nanoTime() - started),
        Optional.empty(),
        Optional.of(error));
  }

  /** Why a send got no answer, in words that name no secret. */
  private String failure(Throwable failure) {
    Optional<OutboundRefusedException> refused = OutboundHttp.refusal(failure);
    if (refused.isPresent()) {
      return cut("not sent: " + refused.get().getMessage());
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return "no answer within " + settings.timeout().toSeconds() + " s";
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String message = failure == null ? null : failure.getMessage();
    return cut(
        "could not be reached: "
            + (failure == null ? "unknown failure" : failure.getClass().getSimpleName())
            + (message == null ? "" : " (" + message + ")"));
  }

  private static String cut(String s) {
    return s.length() > MAX_ERROR ? s.substring(0, MAX_ERROR) + "…" : s;
  }
}
